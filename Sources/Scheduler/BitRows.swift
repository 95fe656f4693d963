/// Rows of bits over the slot grid in one flat, manually managed buffer: the solver's hot loops
/// AND, shift and count these words, so they avoid array copies and bounds checks.
final class BitRows {
    /// Number of rows.
    let rows: Int
    /// 64-bit words per row.
    let words: Int
    /// The storage, `rows × words` words.
    let base: UnsafeMutablePointer<UInt64>

    /// Allocates `rows` zeroed rows of `words` words.
    init(rows: Int, words: Int) {
        self.rows = rows
        self.words = words
        let n = Swift.max(1, rows * words)
        base = .allocate(capacity: n)
        base.initialize(repeating: 0, count: n)
    }

    deinit { base.deallocate() }

    /// Pointer to the first word of row `r`.
    @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<UInt64> { base + r * words }
}
