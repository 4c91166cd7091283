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

    @Test("the generated catalogue's hashes are pinned (tables, lists, images, every question kind)")
    func pinnedRevision() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try SyntheticCatalogue.write(to: directory, courses: 2, modules: 6)
        let catalogue = try #require(CatalogueLoader.load(directory: directory).catalogue)
        #expect(catalogue.courses.first?.modules.first?.contentHash == "48c1648204ff1fb2b62d0a952bf7f513c8cc780756160148570b8e0ccfcd4c91")
        #expect(catalogue.courses.first?.quizzes.map(\.contentHash) == [
            "623824f5a734029fbcf477fe8a8a8e77466b11b78ac849719865daa4d7abcbd9",
            "376fb39a649e85ff250462e432e33ce6bc8fc0cde68422a137900ccd0b9df84a",
        ])
        #expect(catalogue.revision == "81356af0686abf4e0445ed30f8cffa1d6ec9851f70f1fb7b7b94530d147a1549")
    }
}
