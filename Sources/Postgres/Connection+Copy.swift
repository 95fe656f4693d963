import CLibPQ

extension Connection {
    /// Bulk-writes rows with `COPY … FROM STDIN` in PostgreSQL's text format, returning the number of rows copied.
    ///
    /// `sql` is the COPY statement, e.g. `COPY homeward.staging (a, b) FROM STDIN`. Each row gives one value
    /// per listed column; nil is NULL. Data is sent in 64 KiB chunks sized in UTF-8 bytes. A value that cannot be
    /// encoded aborts the COPY (nothing is written) with an `.encoding` error.
    @discardableResult
    public func copy<Rows: Sequence>(_ sql: String, rows: Rows) throws -> Int where Rows.Element == [any PostgresEncodable] {
        try ensureUsable(sql)
        let start = PQexec(handle, sql)
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try checked(start, sql: sql)
            throw PostgresError(kind: .client, message: "statement is not COPY … FROM STDIN").naming(sql)
        }
        PQclear(start)

        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 17)
        var failure: PostgresError?
        func flush() {
            guard !buffer.isEmpty, failure == nil else { return }
            let sent = buffer.withUnsafeBufferPointer { bytes in
                bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    PQputCopyData(handle, $0, Int32(bytes.count))
                }
            }
            if sent != 1 { failure = PostgresError.fromConnection(handle, prefix: "COPY failed").naming(sql) }
            buffer.removeAll(keepingCapacity: true)
        }
        var encodingFailure: PostgresError?
        rowLoop: for row in rows {
            for (position, value) in row.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: "\t")) }
                let encoded: String?
                do {
                    encoded = try value.encodedPostgresText()
                } catch {
                    encodingFailure = PostgresError.encodingFailure(error, of: value, what: "COPY column \(position + 1)")
                        .naming(sql)
                    break rowLoop
                }
                if let text = encoded {
                    Self.appendEscaped(text, to: &buffer)
                } else {
                    buffer.append(UInt8(ascii: "\\"))
                    buffer.append(UInt8(ascii: "N"))
                }
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 16 { flush() }
            if failure != nil { break }
        }
        if encodingFailure == nil { flush() }
        if failure == nil, let encodingFailure { failure = encodingFailure }
        let ended = failure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "client failed while sending")
        if ended != 1, failure == nil { failure = PostgresError.fromConnection(handle, prefix: "COPY failed").naming(sql) }

        // Drain every result: the COPY's own, then the terminating NULL.
        var copied = 0
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = PostgresError.fromResult(result, connection: handle).naming(sql)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return copied
    }

    /// Escapes backslash, tab, newline and carriage return for COPY's text format.
    static func appendEscaped(_ text: String, to buffer: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }
}
