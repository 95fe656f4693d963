import ArgumentParser

/// The invocation path of every command (`homeward schedule generate`), read once from the command tree.
enum CommandPath {
    /// Each command type's path, found by walking `subcommands` down from `HomewardCommand`.
    static let all: [ObjectIdentifier: String] = {
        var paths: [ObjectIdentifier: String] = [:]
        func visit(_ command: any ParsableCommand.Type, under parent: String?) {
            let path = parent.map { "\($0) \(command._commandName)" } ?? command._commandName
            paths[ObjectIdentifier(command)] = path
            for child in command.configuration.subcommands { visit(child, under: path) }
        }
        visit(HomewardCommand.self, under: nil)
        return paths
    }()

    /// The path of a command type, e.g. `homeward schedule generate`; only the command's words, never its arguments.
    static func of(_ command: any ParsableCommand.Type) -> String {
        guard let path = all[ObjectIdentifier(command)] else {
            preconditionFailure("\(command) is not in the HomewardCommand tree")
        }
        return path
    }
}
