import Foundation
import Homeward
import Yams

/// The `flags:` section of the settings file: the grace period for unrecorded sessions and the flag rules' thresholds.
///
/// Settings left out keep their defaults (`FlagPolicy()`); unknown keys and nonsensical values are refused with
/// their YAML path, so a typo never silently switches a rule to its default.
public struct FlagSettings: Sendable, Equatable {
    /// Days after a session before missing attendance marks it "unrecorded".
    public var unrecordedGraceDays: Int = 2
    public var policy = FlagPolicy()

    public init(unrecordedGraceDays: Int = 2, policy: FlagPolicy = FlagPolicy()) {
        self.unrecordedGraceDays = unrecordedGraceDays
        self.policy = policy
    }

    /// Reads the `flags:` section of a settings file (`HomewardSettings.load` reads the whole file).
    public static func load(from file: URL) throws(FlagSettingsError) -> FlagSettings {
        try HomewardSettings.load(path: file.path).flags
    }

    /// The keys the `flags:` section may hold, as a tree (for the settings file's check of unknown keys).
    static func knownKeyTree() -> [String: Any] { defaultsTree() }

    /// Decodes the `flags:` section of YAML text (defaults for whatever is left out).
    public static func parse(yaml: String, file: String = HomewardSettings.defaultPath) throws(FlagSettingsError) -> FlagSettings {
        if let error = FlagSettingsError.limits(yaml, file: file) { throw error }
        let tree: Any?
        do {
            tree = try Yams.load(yaml: yaml)
        } catch {
            let firstLine = String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw FlagSettingsError(file: file, problems: [InvalidInput(field: "yaml", value: file, reason: "is not valid YAML: \(firstLine)")])
        }
        return try parse(section: (tree as? [String: Any])?["flags"], file: file)
    }

    /// Decodes an already loaded `flags:` section (nil or null: the defaults), as `HomewardSettings` reads the file once.
    static func parse(section flags: Any?, file: String) throws(FlagSettingsError) -> FlagSettings {
        guard let flags, !(flags is NSNull) else { return FlagSettings() }
        guard let given = flags as? [String: Any] else {
            throw FlagSettingsError(file: file, problems: [InvalidInput(field: "flags", value: "\(flags)", reason: "must be a mapping of settings")])
        }
        var problems: [InvalidInput] = []
        let merged = merge(given, into: defaultsTree(), path: "flags", problems: &problems)
        guard problems.isEmpty else { throw FlagSettingsError(file: file, problems: problems) }

        let settings: FlagSettings
        do {
            let data = try JSONSerialization.data(withJSONObject: merged)
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let decoded = try decoder.decode(Tree.self, from: data)
            settings = FlagSettings(unrecordedGraceDays: decoded.unrecordedGraceDays, policy: decoded.policy)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw FlagSettingsError(file: file, problems: [InvalidInput(field: path(context.codingPath), value: "?", reason: "has the wrong type")])
        } catch let DecodingError.dataCorrupted(context) {
            throw FlagSettingsError(file: file, problems: [InvalidInput(field: path(context.codingPath), value: "?",
                                                                        reason: context.debugDescription)])
        } catch {
            throw FlagSettingsError(file: file, problems: [InvalidInput(field: "flags", value: "?", reason: "cannot be read: \(error)")])
        }
        problems = settings.policy.validationErrors()
        if !(0...60).contains(settings.unrecordedGraceDays) {
            problems.insert(InvalidInput(field: "flags.unrecorded_grace_days", value: "\(settings.unrecordedGraceDays)",
                                         reason: "must be 0 to 60 days"), at: 0)
        }
        guard problems.isEmpty else { throw FlagSettingsError(file: file, problems: problems) }
        return settings
    }

    /// The decoded shape: the policy's sections beside `unrecorded_grace_days`.
    private struct Tree: Codable {
        var unrecordedGraceDays: Int
        var policy: FlagPolicy

        init(unrecordedGraceDays: Int, policy: FlagPolicy) {
            self.unrecordedGraceDays = unrecordedGraceDays
            self.policy = policy
        }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            unrecordedGraceDays = try container.decode(Int.self, forKey: Key(stringValue: "unrecordedGraceDays"))
            policy = try FlagPolicy(from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            try policy.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(unrecordedGraceDays, forKey: Key(stringValue: "unrecordedGraceDays"))
        }
    }

    /// The defaults as a snake_case tree, the base the file's settings are laid over.
    private static func defaultsTree() -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(Tree(unrecordedGraceDays: 2, policy: FlagPolicy())),
              let tree = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return tree
    }

    /// Lays `given` over `base`; keys the base does not have are problems (typos must not pass silently).
    private static func merge(_ given: [String: Any], into base: [String: Any], path: String, problems: inout [InvalidInput]) -> [String: Any] {
        var result = base
        for (key, value) in given {
            guard let current = base[key] else {
                problems.append(InvalidInput(field: "\(path).\(key)", value: "\(value)",
                                             reason: "is not a setting (known: \(base.keys.sorted().joined(separator: ", ")))"))
                continue
            }
            if let section = current as? [String: Any] {
                guard let givenSection = value as? [String: Any] else {
                    problems.append(InvalidInput(field: "\(path).\(key)", value: "\(value)", reason: "must be a mapping of settings"))
                    continue
                }
                result[key] = merge(givenSection, into: section, path: "\(path).\(key)", problems: &problems)
            } else {
                result[key] = value
            }
        }
        return result
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        (["flags"] + codingPath.map { key in
            key.intValue.map { "[\($0)]" } ?? key.stringValue.reduce(into: "") { out, ch in
                if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
            }
        }).joined(separator: ".")
    }
}

/// The settings file could not be used: every problem with its YAML path.
public struct FlagSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var problems: [InvalidInput]
    /// The file breaks `YAMLLimits` (size, depth, aliases): bad data rather than a bad setting.
    public var exceedsLimits = false

    public init(file: String, problems: [InvalidInput], exceedsLimits: Bool = false) {
        self.file = file
        self.problems = problems
        self.exceedsLimits = exceedsLimits
    }

    /// The error for text that breaks `YAMLLimits`, or nil when it keeps them.
    static func limits(_ text: String, file: String) -> FlagSettingsError? {
        YAMLLimits.check(text).map {
            FlagSettingsError(file: file, problems: [InvalidInput(record: "line \($0.line)", field: "the file", value: "", reason: $0.reason)],
                              exceedsLimits: true)
        }
    }

    public var description: String {
        "\(file): " + (problems.count == 1 ? problems[0].description
                       : "\(problems.count) problems:\n" + problems.map { "  \($0)" }.joined(separator: "\n"))
    }
}
