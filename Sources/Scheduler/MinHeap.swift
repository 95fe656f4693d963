/// A binary min-heap ordered by a caller-supplied `less`; the construction's most-constrained-first queue.
struct MinHeap<Element> {
    private var items: [Element] = []
    private let less: (Element, Element) -> Bool

    /// Makes an empty heap ordered by `less`.
    init(less: @escaping (Element, Element) -> Bool) { self.less = less }

    /// Number of elements.
    var count: Int { items.count }

    /// The smallest element, if any.
    var first: Element? { items.first }

    /// Adds an element.
    mutating func push(_ x: Element) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !less(items[i], items[parent]) { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// Removes and returns the smallest element.
    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && less(items[l], items[m]) { m = l }
            if r < items.count && less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
