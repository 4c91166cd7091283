/// A module's stable identifier: it never changes with the module's title, position or file name.
public struct ModuleID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The id as written in the course files, such as `phishing`.
    public let rawValue: String
    /// Wraps an id as written in the course files.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps an id as written in the course files.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The id as written.
    public var description: String { rawValue }
    /// Orders ids alphabetically.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
