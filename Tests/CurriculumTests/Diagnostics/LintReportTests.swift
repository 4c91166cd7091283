import Foundation
import Testing
@testable import Curriculum

struct LintReportTests {
    let report = LintReport(diagnostics: [
        .warning("missing translation", file: "c/course.yaml", line: 3, column: 8),
        .error("bad key", file: "c/course.yaml", line: 2, column: 1),
        .error("bad draw", file: "c/quizzes/q.yaml", line: 9, column: 11),
    ], filesChecked: 14)

    @Test("the summary line counts errors, warnings and files")
    func summary() {
        #expect(report.summary == "2 errors, 1 warning in 14 files")
        #expect(LintReport(diagnostics: [], filesChecked: 1).summary == "0 errors, 0 warnings in 1 file")
        #expect(report.hasErrors)
        #expect(!LintReport(diagnostics: [.warning("w", file: "f")], filesChecked: 1).hasErrors)
    }

    @Test("text output: one sorted line per diagnostic, then the summary")
    func text() {
        #expect(report.formattedText == """
            c/course.yaml:2:1: error: bad key
            c/course.yaml:3:8: warning: missing translation
            c/quizzes/q.yaml:9:11: error: bad draw
            2 errors, 1 warning in 14 files

            """)
    }

    @Test("JSON output for editors and CI")
    func json() throws {
        let object = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any]
        #expect(object?["errors"] as? Int == 2)
        #expect(object?["warnings"] as? Int == 1)
        #expect(object?["files"] as? Int == 14)
        let diagnostics = object?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.count == 3)
        #expect(diagnostics?.first?["file"] as? String == "c/course.yaml")
        #expect(diagnostics?.first?["line"] as? Int == 2)
        #expect(diagnostics?.first?["column"] as? Int == 1)
        #expect(diagnostics?.first?["severity"] as? String == "error")
        #expect(diagnostics?.first?["message"] as? String == "bad key")
    }
}
