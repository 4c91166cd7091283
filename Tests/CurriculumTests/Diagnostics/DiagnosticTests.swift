import Testing
@testable import Curriculum

struct DiagnosticTests {
    @Test("formats as path:line:col: severity: message")
    func format() {
        #expect(Diagnostic.error("bad", file: "a/course.yaml", line: 3, column: 7).description
                == "a/course.yaml:3:7: error: bad")
        #expect(Diagnostic.warning("odd", file: "b.md", line: 1, column: 1).description == "b.md:1:1: warning: odd")
    }

    @Test("positions are never below 1")
    func positionsAreOneBased() {
        let diagnostic = Diagnostic(severity: .error, file: "x", line: 0, column: -3, message: "m")
        #expect(diagnostic.line == 1 && diagnostic.column == 1)
    }

    @Test("sorts by file, line, column, then errors first")
    func ordering() {
        let list: [Diagnostic] = [
            .warning("w", file: "b", line: 1, column: 1),
            .error("e2", file: "a", line: 2, column: 1),
            .warning("w1", file: "a", line: 1, column: 5),
            .error("e1", file: "a", line: 1, column: 5),
        ]
        #expect(list.sorted().map(\.message) == ["e1", "w1", "e2", "w"])
    }
}
