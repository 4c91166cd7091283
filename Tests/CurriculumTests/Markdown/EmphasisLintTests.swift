import Foundation
import Testing
@testable import Curriculum

struct EmphasisLintTests {
    @Test("loading a module warns, with file, line and column, where emphasis markers stay literal text")
    func fixture() {
        let result = CatalogueLoader.loadWithReport(directory: TestFiles.fixtures.appendingPathComponent("Emphasis"))
        #expect(result.catalogue != nil)
        #expect(result.report.diagnostics.map(\.description) == [
            "ethics/modules/01-people-first.zh.md:14:5: warning: '**' is shown as literal text, not as emphasis; "
                + "pair it with a matching '**' in the same paragraph, or write \\*\\* to show it",
            "ethics/modules/01-people-first.zh.md:18:20: warning: '__' is shown as literal text, not as emphasis; "
                + "pair it with a matching '__' in the same paragraph, or write \\_\\_ to show it",
        ])
    }
}
