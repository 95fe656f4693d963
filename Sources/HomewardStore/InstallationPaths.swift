import Foundation

/// Finds Homeward's shipped files (`SQL/`, `Config/`) whether run from a checkout, a build folder or an install.
///
/// Order: `$HOMEWARD_HOME`, the current directory and its parents, then the executable's folder and its parents,
/// then `/usr/local/share/homeward` and `/usr/share/homeward`.
public enum InstallationPaths {
    /// The first folder holding `relativePath` (e.g. `SQL/migrations`), or nil.
    public static func locate(_ relativePath: String) -> URL? {
        let fileManager = FileManager.default
        var roots: [URL] = []
        if let home = ProcessInfo.processInfo.environment["HOMEWARD_HOME"], !home.isEmpty {
            roots.append(URL(fileURLWithPath: home))
        }
        roots += ancestors(of: URL(fileURLWithPath: fileManager.currentDirectoryPath))
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        roots += ancestors(of: executable.deletingLastPathComponent())
        roots += ["/usr/local/share/homeward", "/usr/share/homeward"].map { URL(fileURLWithPath: $0) }
        for root in roots {
            let candidate = root.appendingPathComponent(relativePath)
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory) { return candidate }
        }
        return nil
    }

    private static func ancestors(of url: URL) -> [URL] {
        var result: [URL] = []
        var current = url.standardizedFileURL
        for _ in 0..<8 {
            result.append(current)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        return result
    }
}
