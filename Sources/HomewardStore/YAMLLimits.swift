import CYaml

/// Bounds on the YAML files Homeward reads (settings, programme templates), checked on libyaml's event stream before
/// any tree is built: a file's size, its nesting depth, its number of aliases and the number of nodes it expands to.
///
/// An "alias bomb" (a few lines whose aliases expand to billions of nodes) is refused here in linear time and constant
/// memory: every anchor's expanded size is counted once, and each alias adds that size to the total.
public enum YAMLLimits {
    /// The largest file accepted, in bytes (the shipped settings are about 6 KB, a programme file 10 KB).
    public static let maxBytes = 512 * 1024
    /// The deepest nesting of mappings and sequences.
    public static let maxDepth = 32
    /// The most aliases (`*name`) a file may use.
    public static let maxAliases = 100
    /// The most nodes (scalars, mappings, sequences) a file may stand for once its aliases are expanded.
    public static let maxNodes = 100_000

    /// A limit the text breaks: the line where it is broken and why (a phrase that follows "the file").
    public struct Violation: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): the file \(reason)" }
    }

    /// The first limit `text` breaks, or nil. Syntax errors are left to the YAML reader, which reports them better.
    public static func check(_ text: String) -> Violation? {
        let size = text.utf8.count
        if size > maxBytes {
            return Violation(line: 1, reason: "is \(size.grouped) bytes; at most \(maxBytes.grouped) are accepted")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return Violation(line: 1, reason: "could not be read: the YAML reader did not start") }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Violation? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var counter = Counter()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if let violation = counter.take(event) { return violation }
                if event.type == YAML_STREAM_END_EVENT { return nil }
            }
        }
    }

    /// Counts depth, aliases and expanded nodes over the event stream.
    private struct Counter {
        /// One open mapping or sequence: its anchor and the nodes it holds so far (itself included).
        private struct Frame { var anchor: String?; var nodes: Int }
        private var stack: [Frame] = []
        private var anchors: [String: Int] = [:]
        private var aliases = 0
        /// Nodes of the top-level values already closed (a stream may hold several documents).
        private var finished = 0

        mutating func take(_ event: yaml_event_t) -> Violation? {
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_SCALAR_EVENT:
                if let anchor = Self.text(event.data.scalar.anchor) { anchors[anchor] = 1 }
                return add(1, line: line)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = event.type == YAML_SEQUENCE_START_EVENT
                    ? Self.text(event.data.sequence_start.anchor) : Self.text(event.data.mapping_start.anchor)
                stack.append(Frame(anchor: anchor, nodes: 1))
                if stack.count > YAMLLimits.maxDepth {
                    return Violation(line: line, reason: "nests mappings and lists more than \(YAMLLimits.maxDepth) deep")
                }
                return nil
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return nil }
                if let anchor = frame.anchor { anchors[anchor] = frame.nodes }
                return add(frame.nodes, line: line)
            case YAML_ALIAS_EVENT:
                aliases += 1
                if aliases > YAMLLimits.maxAliases {
                    return Violation(line: line, reason: "uses more than \(YAMLLimits.maxAliases) aliases (*name)")
                }
                return add(Self.text(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1, line: line)
            default:
                return nil
            }
        }

        /// Adds `nodes` to the innermost open node (or to the finished top-level nodes) and checks the running total:
        /// the open nodes hold everything read so far that is not yet counted in a parent.
        private mutating func add(_ nodes: Int, line: Int) -> Violation? {
            if stack.isEmpty { finished += nodes } else { stack[stack.count - 1].nodes += nodes }
            guard finished + stack.reduce(0, { $0 + $1.nodes }) <= YAMLLimits.maxNodes else {
                return Violation(
                    line: line,
                    reason: "expands to more than \(YAMLLimits.maxNodes.grouped) values once its aliases are resolved (an alias bomb?)")
            }
            return nil
        }

        private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }
    }
}
