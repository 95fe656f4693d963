extension String {
    /// The text with every control character written out, so that stored text cannot drive a terminal (ESC sequences,
    /// BEL, a carriage return that overwrites a line) or forge a line of output: `\n`, `\r` and `\t` for those three,
    /// `\u{1B}` (Swift's spelling, hexadecimal) for every other C0 character, DEL and the C1 characters U+0080–U+009F.
    /// Everything else, backslashes included, is kept as it is. For tables and messages; JSON and CSV stay exact.
    public func escapingControlCharacters(keepingNewlines: Bool = false) -> String {
        guard unicodeScalars.contains(where: { $0.isControl && !(keepingNewlines && $0 == "\n") }) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            switch scalar {
            case "\n" where keepingNewlines: out.append("\n")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.isControl: out.append("\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Unicode.Scalar {
    /// C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F).
    var isControl: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}
