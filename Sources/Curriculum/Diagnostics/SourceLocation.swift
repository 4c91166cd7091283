import Yams

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

/// A value read from a file together with where it was written.
struct Located<Value: Sendable>: Sendable {
    let value: Value
    let location: SourceLocation
}

extension YAMLReader {
    func location(of node: Node) -> SourceLocation {
        let (line, column) = position(of: node)
        return SourceLocation(file: sink.file, line: line + sink.lineOffset, column: column)
    }
}
