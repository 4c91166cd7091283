/// A place in a file, for reporting a problem found after the file itself was read (a dangling reference).
struct SourceLocation: Hashable, Sendable {
    let file: String
    let line: Int
    let column: Int

    func error(_ message: String) -> Diagnostic {
        .error(message, file: file, line: line, column: column)
    }

    func warning(_ message: String) -> Diagnostic {
        .warning(message, file: file, line: line, column: column)
    }
}
