import Foundation
import Testing
@testable import Curriculum

struct SyntheticCatalogueTests {
    @Test("the generated catalogue loads without a single diagnostic")
    func loadsClean() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try SyntheticCatalogue.write(to: directory, courses: 3, modules: 4)
        #expect(written == 3 * (1 + 4 * 2 + 2) + 1)
        let result = CatalogueLoader.loadWithReport(directory: directory)
        #expect(result.report.diagnostics == [])
        let catalogue = try #require(result.catalogue)
        #expect(catalogue.courses.count == 3)
        #expect(catalogue.courses.allSatisfy { $0.modules.count == 4 && $0.quizzes.count == 2 })
        #expect(catalogue.programs.first?.courses.count == 3)
        #expect(catalogue.courses.first?.quizzes.first?.allQuestions.count == 4)
    }
}
