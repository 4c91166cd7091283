/// Collects diagnostics for one file while a parser walks it; never stops at the first problem.
final class DiagnosticSink {
    let file: String
    /// Added to every line reported, for text that starts part-way into its file (front matter).
    let lineOffset: Int
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, lineOffset: Int = 0) {
        self.file = file
        self.lineOffset = lineOffset
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(_ message: String, line: Int, column: Int) {
        diagnostics.append(.error(message, file: file, line: line + lineOffset, column: column))
    }

    func warning(_ message: String, line: Int, column: Int) {
        diagnostics.append(.warning(message, file: file, line: line + lineOffset, column: column))
    }

    func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    func append(contentsOf more: [Diagnostic]) {
        diagnostics.append(contentsOf: more)
    }
}
