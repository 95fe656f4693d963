import Crypto

/// SHA-256 (FIPS 180-4) via swift-crypto, used to fingerprint migration files so applied history is never
/// rewritten silently.
enum SHA256 {
    /// The lowercase hex digest of `bytes`.
    static func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digest = Crypto.SHA256.hash(data: Array(bytes))
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
