/// Word-level helpers over slot bitsets (bit `i` of word `w` is slot `64w + i`).
enum SlotBits {
    /// Words needed for `slots` bits.
    static func wordCount(_ slots: Int) -> Int { (slots + 63) >> 6 }

    /// Calls `body` with each word that `[from, to)` touches and the mask of the range's bits in it, lowest first,
    /// until `body` returns false.
    @inline(__always) private static func forEachWord(_ from: Int, _ to: Int, _ body: (_ word: Int, _ mask: UInt64) -> Bool) {
        var i = from
        while i < to {
            let w = i >> 6, b = i & 63
            let n = Swift.min(64 - b, to - i)
            let mask: UInt64 = n == 64 ? ~0 : ((1 << UInt64(n)) - 1) << UInt64(b)
            guard body(w, mask) else { return }
            i += n
        }
    }

    /// Sets bits `[from, to)`.
    static func set(_ p: UnsafeMutablePointer<UInt64>, _ from: Int, _ to: Int) {
        forEachWord(from, to) { w, mask in
            p[w] |= mask
            return true
        }
    }

    /// Clears bits `[from, to)`.
    static func clear(_ p: UnsafeMutablePointer<UInt64>, _ from: Int, _ to: Int) {
        forEachWord(from, to) { w, mask in
            p[w] &= ~mask
            return true
        }
    }

    /// True when bit `i` is set.
    @inline(__always) static func test(_ p: UnsafePointer<UInt64>, _ i: Int) -> Bool {
        (p[i >> 6] >> UInt64(i & 63)) & 1 == 1
    }

    /// True when every bit in `[from, to)` is set.
    static func all(_ p: UnsafePointer<UInt64>, _ from: Int, _ to: Int) -> Bool {
        var all = true
        forEachWord(from, to) { w, mask in
            all = p[w] & mask == mask
            return all
        }
        return all
    }

    /// True when any bit in `[from, to)` is set.
    static func any(_ p: UnsafePointer<UInt64>, _ from: Int, _ to: Int) -> Bool {
        var any = false
        forEachWord(from, to) { w, mask in
            any = p[w] & mask != 0
            return !any
        }
        return any
    }

    /// In place over `count` words: bit `i` stays set only if bits `i..<i+length` were all set
    /// (the feasible starts of a `length`-slot session). Bits past the buffer count as clear.
    static func runStarts(_ p: UnsafeMutablePointer<UInt64>, count: Int, length: Int) {
        var have = 1
        while have < length {
            let step = Swift.min(have, length - have)
            let q = step >> 6, r = UInt64(step & 63)
            for i in 0..<count {
                let lo = i + q < count ? p[i + q] : 0
                var shifted: UInt64
                if r == 0 {
                    shifted = lo
                } else {
                    let hi = i + q + 1 < count ? p[i + q + 1] : 0
                    shifted = (lo >> r) | (hi << (64 - r))
                }
                p[i] &= shifted
            }
            have += step
        }
    }

    /// Number of set bits in `count` words.
    static func popcount(_ p: UnsafePointer<UInt64>, _ count: Int) -> Int {
        var n = 0
        for i in 0..<count { n += p[i].nonzeroBitCount }
        return n
    }

    /// True when any of `count` words is non-zero.
    static func nonEmpty(_ p: UnsafePointer<UInt64>, _ count: Int) -> Bool {
        for i in 0..<count where p[i] != 0 { return true }
        return false
    }
}
