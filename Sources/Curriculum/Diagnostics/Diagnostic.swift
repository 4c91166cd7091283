/// One problem found in a course file, with the exact place a trainer should look.
///
/// `file` is relative to the directory that was loaded or linted; `line` and `column` are 1-based and count
/// characters (Unicode scalars), the way YAML and most editors report positions.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious a problem is: an error keeps the catalogue from loading, a warning does not.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// Relative to the directory that was loaded or linted.
    public var file: String
    /// 1-based.
    public var line: Int
    /// 1-based, in characters.
    public var column: Int
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    /// A diagnostic; positions below 1 are raised to 1.
    public init(severity: Severity, file: String, line: Int, column: Int, message: String) {
        self.severity = severity
        self.file = file
        self.line = max(1, line)
        self.column = max(1, column)
        self.message = message
    }

    /// An error at `file:line:column`.
    public static func error(_ message: String, file: String, line: Int = 1, column: Int = 1) -> Diagnostic {
        Diagnostic(severity: .error, file: file, line: line, column: column, message: message)
    }

    /// A warning at `file:line:column`.
    public static func warning(_ message: String, file: String, line: Int = 1, column: Int = 1) -> Diagnostic {
        Diagnostic(severity: .warning, file: file, line: line, column: column, message: message)
    }

    /// The compiler-style line editors understand: `path:line:col: error: message`.
    public var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(message)"
    }

    /// Whether this is an error (as opposed to a warning).
    public var isError: Bool { severity == .error }
}

extension Diagnostic: Comparable {
    /// Orders by file, then position, then errors before warnings, then message, so output is stable.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        if lhs.line != rhs.line { return lhs.line < rhs.line }
        if lhs.column != rhs.column { return lhs.column < rhs.column }
        if lhs.severity != rhs.severity { return lhs.severity == .error }
        return lhs.message < rhs.message
    }
}
