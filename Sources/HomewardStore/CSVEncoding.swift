/// The text encodings an imported CSV file may be in: UTF-8 (the default, with or without a byte-order mark), or one
/// of the two single-byte encodings Excel writes when "CSV" rather than "CSV UTF-8" is chosen, named with `--encoding`.
///
/// Nothing is guessed: a file that is not what it is said to be is refused naming its first bad line, never read with
/// replacement characters.
public enum CSVEncoding: String, Sendable, CaseIterable {
    case utf8
    /// Windows-1251, Excel's "CSV" on Russian-language Windows (Cyrillic).
    case cp1251
    /// ISO-8859-1 (Latin-1), Western European.
    case latin1

    /// The bytes as UTF-8 without a byte-order mark, or the problem that stops the file being read.
    func decode(_ bytes: [UInt8]) throws(CSVTable.Malformed) -> [UInt8] {
        func refuse(_ line: Int, _ message: String) -> CSVTable.Malformed {
            CSVTable.Malformed(problems: [ImportProblem(line: line, field: nil, message: message)])
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw refuse(1, "the file is UTF-16 text: save it as \"CSV UTF-8\" (or plain UTF-8) and import it again")
        }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let body = hasBOM ? Array(bytes.dropFirst(3)) : bytes
        switch self {
        case .utf8:
            guard let bad = Self.firstInvalidUTF8(body) else { return body }
            let line = Self.line(of: bad, in: body)
            throw refuse(
                line,
                "is not UTF-8 text (byte 0x\(Self.hex(body[bad])))\(Self.laterLines(body, after: line)); the file was probably "
                    + "saved in another encoding: save it as \"CSV UTF-8\", or name its encoding with --encoding cp1251 (Cyrillic "
                    + "Windows) or --encoding latin1 (Western European)")
        case .cp1251, .latin1:
            // Text that is already UTF-8 would be turned into nonsense by a second decoding: refuse it instead.
            if hasBOM || (Self.firstInvalidUTF8(body) == nil && body.contains(where: { $0 >= 0x80 })) {
                let first = hasBOM ? 1 : Self.line(of: body.firstIndex(where: { $0 >= 0x80 }) ?? 0, in: body)
                throw refuse(first, "the file is already UTF-8 text, not \(rawValue): import it without --encoding")
            }
            var out: [UInt8] = []
            out.reserveCapacity(body.count + body.count / 2)
            for (index, byte) in body.enumerated() {
                if byte < 0x80 { out.append(byte); continue }
                let scalar: UInt32 = self == .latin1 ? UInt32(byte) : Self.cp1251Table[Int(byte) - 0x80]
                guard scalar != 0, let unicode = Unicode.Scalar(scalar) else {
                    throw refuse(
                        Self.line(of: index, in: body), "byte 0x\(Self.hex(byte)) is not a character in \(rawValue): is this the file's encoding?")
                }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            }
            return out
        }
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            for offset in 1..<length {
                let next = bytes[index + offset]
                let (low, high) = offset == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
                if next < low || next > high { return index }
            }
            index += length
        }
        return nil
    }

    /// The 1-based line of the byte at `offset`.
    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[..<min(offset, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// ", and N later lines" when more lines than `line` hold bytes that are not UTF-8.
    private static func laterLines(_ bytes: [UInt8], after line: Int) -> String {
        var lines = Set<Int>()
        var current = 1, start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A || index == bytes.count - 1 {
            let end = byte == 0x0A ? index : index + 1
            if current > line, firstInvalidUTF8(Array(bytes[start..<end])) != nil { lines.insert(current) }
            current += 1
            start = index + 1
        }
        return lines.isEmpty ? "" : ", and \(lines.count) later line\(lines.count == 1 ? "" : "s") too"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Windows-1251 bytes 0x80–0xFF as Unicode scalars (0: no character, 0x98).
    private static let cp1251Table: [UInt32] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ] + (0x0410...0x044F).map { UInt32($0) }
}
