import Foundation
import Homeward
import Yams

/// The settings file, read once, strictly, and passed down: `scheduling:` (the planning grid, daily limits, the
/// scheduler's budget and weights), `flags:` (the flag rules' thresholds) and `database:` (session timeouts). The only
/// place that names or finds it.
///
/// Unknown keys are refused with the file and line, so a typo never silently switches a setting to its default; a
/// file named with `--config` must exist. The settings the database must share with every writer (planning zone,
/// daily limits, the after-school buffer) are written into `homeward.settings` by `homeward db migrate`.
public struct HomewardSettings: Sendable, Equatable {
    /// Where the shipped settings live, relative to the installation (found like `SQL/migrations`).
    public static let defaultPath = "Config/homeward.yaml"

    public var scheduling = SchedulingSettings()
    public var flags = FlagSettings()
    /// Session timeouts for interactive commands and the nightly job.
    public var database = DatabaseSettings()
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
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            if size > YAMLLimits.maxBytes {
                throw FlagSettingsError(
                    file: url.path, problems: [InvalidInput(field: "file", value: url.path, reason: "is \(size.grouped) bytes; at most "
                                                            + "\(YAMLLimits.maxBytes.grouped) are accepted")], exceedsLimits: true)
            }
            text = try String(contentsOf: url, encoding: .utf8)
        } catch let error as FlagSettingsError {
            throw error
        } catch {
            throw FlagSettingsError(file: url.path, problems: [InvalidInput(field: "file", value: url.path, reason: "cannot be read")])
        }
        var settings = try parse(yaml: text, file: url.path)
        settings.file = url.path
        return settings
    }

    /// Parses settings YAML: every key known, every value sensible, or every problem at once with its line.
    public static func parse(yaml: String, file: String = defaultPath) throws(FlagSettingsError) -> HomewardSettings {
        if let error = FlagSettingsError.limits(yaml, file: file) { throw error }
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
                throw FlagSettingsError(file: file, problems: [decodingProblem(error, in: section, named: "scheduling")])
            }
        }
        let (database, databaseProblems) = DatabaseSettings.parse(node?["database"])
        problems = scheduling.validationErrors() + databaseProblems
        guard problems.isEmpty else { throw FlagSettingsError(file: file, problems: problems) }
        var settings = HomewardSettings(scheduling: scheduling, flags: flags, file: file)
        settings.database = database
        return settings
    }

    /// A decoding failure in the words of the file: the setting's path, its line and value, and the kind of value it needs.
    static func decodingProblem(_ error: any Error, in section: Node, named name: String) -> InvalidInput {
        let context: DecodingError.Context?
        let reason: String
        switch error as? DecodingError {
        case .typeMismatch(let type, let c)?:
            context = c
            reason = type == Int.self || type == UInt64.self ? "must be a whole number"
                : type == Double.self ? "must be a number" : type == String.self ? "must be text" : "has the wrong kind of value"
        case .valueNotFound(_, let c)?: context = c; reason = "must have a value"
        case .dataCorrupted(let c)?: context = c; reason = "is not a valid value"
        case .keyNotFound(let key, let c)?: context = c; reason = "needs \(key.stringValue)"
        default: context = nil; reason = "cannot be read"
        }
        let keys = context?.codingPath ?? []
        var node: Node? = section
        for key in keys { node = key.intValue.map { node?[$0] } ?? node?[key.stringValue] }
        let path = ([name] + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }).joined(separator: ".")
        return InvalidInput(record: (node ?? section).mark.map { "line \($0.line)" }, field: path, value: node?.string ?? "", reason: reason)
    }

    /// Every key the file may hold, as a tree (nil leaves).
    static var knownKeys: [String: Any] { [
        "scheduling": Dictionary(uniqueKeysWithValues: SchedulingSettings.CodingKeys.allCases.map { key -> (String, Any) in
            key == .weights
                ? (key.rawValue, Dictionary(uniqueKeysWithValues: SchedulingSettings.WeightSettings.CodingKeys.allCases.map { ($0.rawValue, NSNull() as Any) }))
                : (key.rawValue, NSNull())
        }),
        "flags": FlagSettings.knownKeyTree(),
        "database": DatabaseSettings.knownKeys,
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
    /// The slot lengths that divide both the day and every session length (a multiple of 15 minutes).
    static let slotLengths = [5, 15]

    /// Values that cannot work, each with its setting's name.
    func validationErrors() -> [InvalidInput] {
        var problems: [InvalidInput] = []
        func refuse(_ key: CodingKeys, _ value: some CustomStringConvertible, _ reason: String) {
            problems.append(InvalidInput(field: "scheduling.\(key.rawValue)", value: value.description, reason: reason))
        }
        if TimeZone(identifier: timeZone) == nil { refuse(.timeZone, timeZone, "is not an IANA time zone (e.g. Asia/Almaty)") }
        // Session lengths are multiples of 15 minutes (homeward.phase_requirements), so a slot must divide 15 as well as the
        // day: a 20-minute grid would silently cut a 45-minute session to 40.
        let slotFits = Self.slotLengths.contains(slotMinutes)
        if !slotFits {
            refuse(.slotMinutes, slotMinutes, "must divide the day and every session length (multiples of 15 minutes): 5 or 15")
        }
        if freezeDays < 0 || freezeDays > 14 { refuse(.freezeDays, freezeDays, "must be 0 to 14 days") }
        for (key, value) in [(CodingKeys.maxSessionsPerDayAdult, maxSessionsPerDayAdult), (.maxSessionsPerDayChild, maxSessionsPerDayChild),
                             (.maxSessionsPerDayYoungChild, maxSessionsPerDayYoungChild)] where !(1...12).contains(value) {
            refuse(key, value, "must be 1 to 12 sessions a day")
        }
        if !(0...240).contains(afterSchoolBufferMinutes) {
            refuse(.afterSchoolBufferMinutes, afterSchoolBufferMinutes, "must be 0 to 240 minutes")
        } else if slotFits, afterSchoolBufferMinutes % slotMinutes != 0 {
            refuse(.afterSchoolBufferMinutes, afterSchoolBufferMinutes, "must be a whole number of slots (a multiple of slot_minutes, \(slotMinutes))")
        }
        for (name, value) in WeightSettings.named(weights) where !(value.isFinite && value >= 0) {
            problems.append(InvalidInput(field: "scheduling.weights.\(name)", value: "\(value)", reason: "must be zero or more"))
        }
        if budgetIterations < 0 { refuse(.budgetIterations, budgetIterations, "cannot be negative") }
        if budgetMilliseconds < 1 { refuse(.budgetMilliseconds, budgetMilliseconds, "must be at least 1 millisecond") }
        return problems
    }
}
