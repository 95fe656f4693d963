import ArgumentParser
import Foundation
import Homeward
import HomewardStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ParticipantCommand {
    /// `homeward participant export CASE`: the participant's full record as JSON, for a transfer or a subject access request.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a participant's full record as JSON (transfer to another agency, subject access request).",
            discussion: """
                Writes person, placements, consents, family links, enrolments, school enrolments and attendance, course \
                enrolments and module completions, sessions with attendance, assessments, milestones and flags. The \
                export itself is recorded in the audit trail (operation "export", with your login and this command).

                --output writes a new regular file readable by you alone (mode 0600) and refuses a path that already \
                exists. With --force it replaces an existing regular file (the new file is again 0600), but never a \
                symbolic link, directory, device, FIFO or socket. A refused path exits with status 73 and nothing is \
                exported or recorded.

                Example:
                  homeward participant export KZ-2019-0417 --output KZ-2019-0417.json
                  homeward participant export KZ-2019-0417 --output KZ-2019-0417.json --force
                  homeward participant export KZ-2019-0417 > record.json
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "Write the JSON to this new file (mode 0600) instead of standard output.") var output: String?
        @Flag(help: "With --output: replace the file if it exists and is a regular file.") var force = false

        func run() throws {
            do {
                // Checked before anything is read, so a refused path exports (and audits) nothing.
                if let output { try ExportFile.checkTarget(output, force: force) }
                let store = try connection.store(for: Self.self)
                let caseNumber = try participant.code(field: "case number")
                let document = try store.exportParticipant(caseNumber: caseNumber).jsonDocument() + "\n"
                if let output {
                    try ExportFile.write(Data(document.utf8), to: output, force: force)
                    Log.info("exported participant \(caseNumber) to \(output) (recorded in the audit trail)")
                } else {
                    Printer.write(document)
                }
            } catch let refusal as ExportFile.Refusal {
                Log.error(refusal.description)
                throw ExitCode(ExportFile.Refusal.exitStatus)
            }
        }
    }
}

/// Writes an export only to a regular file this process creates itself, readable by its owner alone.
enum ExportFile {
    /// A path the export will not write to; exits with EX_CANTCREAT.
    struct Refusal: Error, CustomStringConvertible {
        static let exitStatus: Int32 = 73
        var path: String
        var reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }

    static let mode: mode_t = 0o600

    #if canImport(Glibc)
    private static let systemWrite = Glibc.write
    #else
    private static let systemWrite = Darwin.write
    #endif

    /// Refuses an existing path without `force`, and anything but a regular file even with it (lstat: a symbolic
    /// link is judged itself, never its target).
    static func checkTarget(_ path: String, force: Bool) throws(Refusal) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let failure = errno
            guard failure == ENOENT else { throw Refusal(path: path, reason: String(cString: strerror(failure))) }
            // Absent: fine, if its folder exists (so that a doomed export is not read and audited first).
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var folderInfo = stat()
            guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
                throw Refusal(path: path, reason: "its folder \(folder) does not exist")
            }
            return
        }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if force { return }
            throw Refusal(path: path, reason: "it already exists (use --force to replace a regular file)")
        case S_IFLNK: kind = "a symbolic link"
        case S_IFDIR: kind = "a directory"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFIFO: kind = "a FIFO"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw Refusal(path: path, reason: "it is \(kind); exports are written only to regular files (not even with --force)")
    }

    /// Without `force`: creates `path` with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600, so an existing file, symbolic
    /// link or device is never opened. With `force`: writes a 0600 temporary file in the same folder and renames it
    /// over `path` only after checking again that `path` is absent or a regular file.
    static func write(_ data: Data, to path: String, force: Bool) throws(Refusal) {
        if !force {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            guard descriptor >= 0 else {
                if errno == EEXIST { try checkTarget(path, force: false) }
                throw Refusal(path: path, reason: String(cString: strerror(errno)))
            }
            do throws(Refusal) {
                try writeAll(data, to: descriptor, path: path)
            } catch {
                unlink(path)
                throw error
            }
            return
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array("\(folder)/.\(url.lastPathComponent).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw Refusal(path: path, reason: "cannot create a temporary file in \(folder): \(String(cString: strerror(errno)))")
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(Refusal) {
            guard fchmod(descriptor, mode) == 0 else { throw Refusal(path: path, reason: String(cString: strerror(errno))) }
            try writeAll(data, to: descriptor, path: path)
            try checkTarget(path, force: true)
            guard rename(temporary, path) == 0 else { throw Refusal(path: path, reason: String(cString: strerror(errno))) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes everything, flushes it to disk and closes the descriptor (also on failure).
    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws(Refusal) {
        defer { close(descriptor) }
        var failure: Int32 = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        if failure != 0 { throw Refusal(path: path, reason: String(cString: strerror(failure))) }
    }
}
