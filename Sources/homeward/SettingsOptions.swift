import ArgumentParser
import HomewardStore

/// `--config FILE`: the settings file (default: the shipped one), read once per command and passed down.
struct SettingsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Settings file (default: \(HomewardSettings.defaultPath)).", valueName: "file")) var config: String?

    /// The settings, or a configuration failure (exit 78) naming the file, and every problem with its line; a file beyond
    /// `YAMLLimits` (size, depth, aliases) is bad data (exit 65).
    func load() throws -> HomewardSettings { try Self.load(path: config) }

    /// The settings at `path`, or the shipped ones when nil (commands without `--config` read their timeouts there).
    static func load(path: String?) throws -> HomewardSettings {
        do {
            return try HomewardSettings.load(path: path)
        } catch {
            throw CommandFailure(error.description, status: error.exceedsLimits ? .dataError : .configuration)
        }
    }
}
