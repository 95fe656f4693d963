import Foundation

/// Writes to stdout and stderr with write(2), checking every write.
///
/// A write that fails (a full disk, a closed file: `homeward centre list > /dev/full`) is one line on stderr and exit
/// 74 (EX_IOERR), never a trap. A reader that went away (`| head -1`) ends the process quietly, by SIGPIPE as every
/// Unix tool does, also when the parent had SIGPIPE ignored. Failures to write to stderr are ignored: there is nowhere
/// left to say them. What `print` buffered (C's stdio) is flushed first, so output keeps its order.
enum StandardStreams {
    /// Writes `text` to stdout; stops the process as described above when that fails.
    static func write(_ text: String) {
        finish()
        if let code = writeAll(text, to: STDOUT_FILENO) { failed(code) }
    }

    /// Writes `text` to stderr, ignoring failure.
    static func writeError(_ text: String) {
        _ = writeAll(text, to: STDERR_FILENO)
    }

    /// Flushes what `print` buffered, so a failure the buffer was hiding is still reported (at the end of a command).
    static func finish() {
        if fflush(nil) != 0 { failed(errno) }
    }

    /// Writes every byte, retrying after signals; the errno of a failure, or nil.
    private static func writeAll(_ text: String, to descriptor: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }

    private static func failed(_ code: Int32) -> Never {
        if code == EPIPE {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
        Log.error("cannot write to standard output: \(String(cString: strerror(code)))")
        // Not exit(): it would flush the failed buffer again.
        _exit(ExitStatus.ioError.rawValue)
    }
}
