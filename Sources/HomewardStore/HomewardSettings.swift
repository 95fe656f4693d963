import Foundation
import Homeward
import Yams

/// The settings file, read once, strictly, and passed down: `scheduling:` (the planning grid, daily limits, the
/// scheduler's budget and weights) and `flags:` (the flag rules' thresholds). The only place that names or finds it.
///
/// Unknown keys are refused with the file and line, so a typo never silently switches a setting to its default; a
/// file named with `--config` must exist. The settings the database must share with every writer (planning zone,
/// daily limits, the after-school buffer) are written into `homeward.settings` by `homeward db migrate`.
public struct HomewardSettings: Sendable, Equatable {
    /// Where the shipped settings live, relative to the installation (found like `SQL/migrations`).
    public static let defaultPath = "Config/homeward.yaml"

    public var scheduling = SchedulingSettings()
    public var flags = FlagSettings()
    /// The file the settings came from; nil when no file was found and the defaults apply.
    public var file: String?

    /// Reads `path` (`--config`), or the shipped file when nil. A file that cannot be found or read is an error, never
    /// a silent fall-back to built-in defaults.
    public static func load(path: String?) throws(FlagSettingsError) -> HomewardSettings {
        try load(path: path, shipped: InstallationPaths.locate(defaultPath))
    }

    /// `load(path:)` with the shipped file already looked up (nil: none found).
    public static func load(path: String?, shipped: URL?) throws(FlagSettingsError) -> HomewardSettings {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
        } else if let shipped {
            url = shipped
        } else {
            throw FlagSettingsError(file: defaultPath, problems: [InvalidInput(
                field: "file", value: defaultPath,
                reason: "was not found (looked in $HOMEWARD_HOME, the current folder and the program's folder and their parents, "
                    + "/usr/local/share/homeward and /usr/share/homeward); give --config FILE or set HOMEWARD_HOME")])
        }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw FlagSettingsError(file: url.path, problems: [InvalidInput(field: "file", value: url.path, reason: "cannot be read")])
        }
        var settings = try parse(yaml: text, file: url.path)
        settings.file = url.path
        return settings
    }

    /// Parses settings YAML: every key known, every value sensible, or every problem at once with its line.
    public static func parse(yaml: String, file: String = defaultPath) throws(FlagSettingsError) -> HomewardSettings {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            let firstLine = String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw FlagSettingsError(file: file, problems: [InvalidInput(field: "yaml", value: file, reason: "is not valid YAML: \(firstLine)")])
        }
        var problems: [InvalidInput] = []
        if let node { unknownKeys(in: node, known: knownKeys, path: "", problems: &problems) }
        guard problems.isEmpty else { throw FlagSettingsError(file: file, problems: problems) }

        let flags = try FlagSettings.parse(section: node?["flags"]?.any, file: file)
        var scheduling = SchedulingSettings()
        if let section = node?["scheduling"] {
            do {
                if section.null == nil { scheduling = try YAMLDecoder().decode(SchedulingSettings.self, from: section) }
            } catch {
                throw FlagSettingsError(file: file, problems: [InvalidInput(
                    field: "scheduling", value: "line \(section.mark?.line ?? 0)", reason: "has a value of the wrong type: \(error)")])
            }
        }
        problems = scheduling.validationErrors()
        guard problems.isEmpty else { throw FlagSettingsError(file: file, problems: problems) }
        return HomewardSettings(scheduling: scheduling, flags: flags, file: file)
    }

    /// Every key the file may hold, as a tree (nil leaves).
    static var knownKeys: [String: Any] { [
        "scheduling": Dictionary(uniqueKeysWithValues: SchedulingSettings.CodingKeys.allCases.map { key -> (String, Any) in
            key == .weights
                ? (key.rawValue, Dictionary(uniqueKeysWithValues: SchedulingSettings.WeightSettings.CodingKeys.allCases.map { ($0.rawValue, NSNull() as Any) }))
                : (key.rawValue, NSNull())
        }),
        "flags": FlagSettings.knownKeyTree(),
    ] }

    /// Reports keys of `node` that `known` does not list, with their line.
    private static func unknownKeys(in node: Node, known: [String: Any], path: String, problems: inout [InvalidInput]) {
        guard case .mapping(let mapping) = node else { return }
        for (key, value) in mapping {
            let name = key.string ?? "\(key)"
            let here = path.isEmpty ? name : "\(path).\(name)"
            guard let expected = known[name] else {
                problems.append(InvalidInput(
                    record: "line \(key.mark?.line ?? 0)", field: here, value: name,
                    reason: "is not a setting (known: \(known.keys.sorted().joined(separator: ", ")))"))
                continue
            }
            guard let section = expected as? [String: Any] else { continue }
            if case .mapping = value {
                unknownKeys(in: value, known: section, path: here, problems: &problems)
            } else if value.null == nil {
                problems.append(InvalidInput(record: "line \(value.mark?.line ?? 0)", field: here, value: "\(value.any)",
                                             reason: "must be a mapping of settings"))
            }
        }
    }
}

extension SchedulingSettings {
    /// Values that cannot work, each with its setting's name.
    func validationErrors() -> [InvalidInput] {
        var problems: [InvalidInput] = []
        func refuse(_ key: CodingKeys, _ value: some CustomStringConvertible, _ reason: String) {
            problems.append(InvalidInput(field: "scheduling.\(key.rawValue)", value: value.description, reason: reason))
        }
        if TimeZone(identifier: timeZone) == nil { refuse(.timeZone, timeZone, "is not an IANA time zone (e.g. Asia/Almaty)") }
        if slotMinutes < 5 || slotMinutes > 60 || 1440 % slotMinutes != 0 { refuse(.slotMinutes, slotMinutes, "must divide a day: 5, 10, 15, 20, 30 or 60") }
        if freezeDays < 0 || freezeDays > 14 { refuse(.freezeDays, freezeDays, "must be 0 to 14 days") }
        for (key, value) in [(CodingKeys.maxSessionsPerDayAdult, maxSessionsPerDayAdult), (.maxSessionsPerDayChild, maxSessionsPerDayChild),
                             (.maxSessionsPerDayYoungChild, maxSessionsPerDayYoungChild)] where !(1...12).contains(value) {
            refuse(key, value, "must be 1 to 12 sessions a day")
        }
        if !(0...240).contains(afterSchoolBufferMinutes) { refuse(.afterSchoolBufferMinutes, afterSchoolBufferMinutes, "must be 0 to 240 minutes") }
        if budgetIterations < 0 { refuse(.budgetIterations, budgetIterations, "cannot be negative") }
        if budgetMilliseconds < 1 { refuse(.budgetMilliseconds, budgetMilliseconds, "must be at least 1 millisecond") }
        return problems
    }
}
