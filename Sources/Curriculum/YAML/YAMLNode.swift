/// A composed YAML node as course files use it: scalars, mappings and lists, each with where it was written.
///
/// Lighter than Yams' `Node` (no tag objects, no resolver or constructor references), so composing thousands of
/// course files and walking their trees costs little. Aliases never appear: they are resolved while composing.
enum YAMLNode: Equatable, Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(List)

    /// A 1-based line and column, counted in characters as libyaml counts them.
    struct Mark: Equatable, Sendable {
        var line: Int
        var column: Int
    }

    /// How a scalar was written; raw values are libyaml's `yaml_scalar_style_t`.
    enum Style: UInt32, Sendable {
        case any = 0, plain, singleQuoted, doubleQuoted, literal, folded
    }

    struct Scalar: Equatable, Sendable {
        /// The text as written (after YAML's quoting and folding rules).
        var string: String
        /// The tag's full name: empty when implicit (a plain scalar), `tag:yaml.org,2002:str` for quoted ones.
        var tag: String
        var style: Style
        var mark: Mark
    }

    struct Mapping: RandomAccessCollection, Equatable, Sendable {
        struct Pair: Equatable, Sendable {
            var key: YAMLNode
            var value: YAMLNode
        }

        var pairs: [Pair]
        var mark: Mark

        var startIndex: Int { pairs.startIndex }
        var endIndex: Int { pairs.endIndex }
        subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) {
            let pair = pairs[position]
            return (pair.key, pair.value)
        }
    }

    struct List: RandomAccessCollection, Equatable, Sendable {
        var items: [YAMLNode]
        var mark: Mark

        var startIndex: Int { items.startIndex }
        var endIndex: Int { items.endIndex }
        subscript(position: Int) -> YAMLNode { items[position] }
    }

    /// Where the node starts.
    var mark: Mark {
        switch self {
        case .scalar(let scalar): return scalar.mark
        case .mapping(let mapping): return mapping.mark
        case .sequence(let list): return list.mark
        }
    }
}
