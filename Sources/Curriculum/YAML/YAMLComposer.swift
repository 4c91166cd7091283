// libyaml as bundled by Yams: its C module comes with the Yams dependency.
import CYaml

/// Composes YAML text into `YAMLNode`s straight from libyaml's events.
///
/// This handles the YAML course files are written in: one document of mappings, lists and scalars without tags,
/// anchors or aliases, and without repeated keys. For anything else, and for every syntax error, it answers
/// `nil` and the caller composes with Yams instead, which produces the same tree for such text and the
/// established messages for mistakes. Yams resolves the tag of every mapping key while checking for duplicates,
/// so keys here carry the `str` tag just as they do there.
enum YAMLComposer {
    static let stringTag = "tag:yaml.org,2002:str"

    /// The document's root (`.some(nil)` for an empty stream), or nil when the text needs Yams.
    static func compose(_ text: String) -> YAMLNode?? {
        var text = text
        guard !text.isEmpty else { return nil }
        return text.withUTF8 { buffer -> YAMLNode?? in
            guard let base = buffer.baseAddress else { return nil }
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var composer = Composer(parser: &parser)
            do {
                return .some(try composer.document())
            } catch {
                return nil
            }
        }
    }

    private struct Unsupported: Error {}

    /// One pass over the events; every event taken from the parser is deleted before the next is taken.
    private struct Composer {
        let parser: UnsafeMutablePointer<yaml_parser_t>
        var event = yaml_event_t()

        init(parser: UnsafeMutablePointer<yaml_parser_t>) {
            self.parser = parser
        }

        /// Replaces the current event with the next one.
        mutating func advance() throws(Unsupported) {
            yaml_event_delete(&event)
            guard yaml_parser_parse(parser, &event) == 1 else { throw Unsupported() }
        }

        mutating func document() throws(Unsupported) -> YAMLNode? {
            defer { yaml_event_delete(&event) }
            try advance()
            guard event.type == YAML_STREAM_START_EVENT else { throw Unsupported() }
            try advance()
            if event.type == YAML_STREAM_END_EVENT { return nil }
            guard event.type == YAML_DOCUMENT_START_EVENT else { throw Unsupported() }
            try advance()
            let root = try node()
            try advance()
            guard event.type == YAML_DOCUMENT_END_EVENT else { throw Unsupported() }
            try advance()
            guard event.type == YAML_STREAM_END_EVENT else { throw Unsupported() }
            return root
        }

        private var mark: YAMLNode.Mark {
            YAMLNode.Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        }

        /// The node whose first event is the current one; afterwards its last event is current.
        mutating func node(isKey: Bool = false) throws(Unsupported) -> YAMLNode {
            switch event.type {
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                guard data.anchor == nil, data.tag == nil,
                      let style = YAMLNode.Style(rawValue: data.style.rawValue) else { throw Unsupported() }
                let bytes = UnsafeBufferPointer(start: data.value, count: Int(data.length))
                // Foundation's decoding (which Yams uses) may treat a leading byte-order mark differently.
                if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { throw Unsupported() }
                let tag = data.quoted_implicit == 1 || isKey ? YAMLComposer.stringTag : ""
                return .scalar(YAMLNode.Scalar(string: String(decoding: bytes, as: UTF8.self), tag: tag,
                                               style: style, mark: mark))
            case YAML_SEQUENCE_START_EVENT:
                guard event.data.sequence_start.anchor == nil,
                      event.data.sequence_start.tag == nil else { throw Unsupported() }
                let start = mark
                var items: [YAMLNode] = []
                try advance()
                while event.type != YAML_SEQUENCE_END_EVENT {
                    items.append(try node())
                    try advance()
                }
                return .sequence(YAMLNode.List(items: items, mark: start))
            case YAML_MAPPING_START_EVENT:
                guard event.data.mapping_start.anchor == nil,
                      event.data.mapping_start.tag == nil else { throw Unsupported() }
                let start = mark
                var pairs: [YAMLNode.Mapping.Pair] = []
                var keys: [String] = []
                /// For long mappings only; short ones are searched in order.
                var keySet: Set<String> = []
                try advance()
                while event.type != YAML_MAPPING_END_EVENT {
                    let key = try node(isKey: true)
                    guard case .scalar(let keyScalar) = key else { throw Unsupported() }
                    // A repeated key is an error Yams reports with its own message.
                    if keys.count < 16 {
                        if keys.contains(keyScalar.string) { throw Unsupported() }
                        keys.append(keyScalar.string)
                        if keys.count == 16 { keySet = Set(keys) }
                    } else if !keySet.insert(keyScalar.string).inserted {
                        throw Unsupported()
                    }
                    try advance()
                    let value = try node()
                    pairs.append(YAMLNode.Mapping.Pair(key: key, value: value))
                    try advance()
                }
                return .mapping(YAMLNode.Mapping(pairs: pairs, mark: start))
            default:
                // Aliases (and anything unexpected).
                throw Unsupported()
            }
        }
    }
}
