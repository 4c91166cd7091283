/// An ordered multi-map of decoded name/value pairs (query strings and forms).
///
/// A name given more than once is kept in order; `subscript` answers the first value (documented:
/// first one wins), `values(_:)` answers all of them (checkbox groups).
public struct Parameters: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    public func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public var isEmpty: Bool { pairs.isEmpty }

    public mutating func append(_ name: String, _ value: String) { pairs.append((name: name, value: value)) }

    /// Parses `application/x-www-form-urlencoded` text (also the query part of a URL).
    public static func parseURLEncoded(_ text: Substring) throws(PercentDecoding.Failure) -> Parameters {
        var result = Parameters()
        guard !text.isEmpty else { return result }
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = piece.firstIndex(of: "=") {
                name = piece[..<equals]
                value = piece[piece.index(after: equals)...]
            } else {
                name = piece
                value = ""
            }
            result.append(try PercentDecoding.decode(name, plusAsSpace: true),
                          try PercentDecoding.decode(value, plusAsSpace: true))
        }
        return result
    }

    public static func == (lhs: Parameters, rhs: Parameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}
