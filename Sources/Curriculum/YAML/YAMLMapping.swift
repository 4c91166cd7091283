/// A YAML mapping with its keys read once, in the order written.
struct YAMLMapping {
    let node: YAMLNode
    let mapping: YAMLNode.Mapping
    /// The key of each pair; nil where the key is not a scalar (already reported).
    let keys: [String?]

    func index(of key: String) -> Int? {
        keys.firstIndex { $0 == key }
    }

    subscript(key: String) -> YAMLNode? {
        index(of: key).map { mapping[mapping.startIndex + $0].value }
    }

    func keyNode(_ key: String) -> YAMLNode? {
        index(of: key).map { mapping[mapping.startIndex + $0].key }
    }
}
