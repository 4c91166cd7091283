import Foundation
import Testing
@testable import Curriculum
@testable import TrainingServer

@Suite struct CatalogueChangesTests {
    /// A synthetic catalogue of three courses in a fresh folder.
    static func folder() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("catalogue-changes-\(UUID().uuidString)", isDirectory: true)
        try SyntheticCatalogue.write(to: directory, courses: 3, modules: 2)
        return directory
    }

    static func edit(_ directory: URL, _ path: String, _ change: (String) -> String) throws {
        let url = directory.appendingPathComponent(path)
        try change(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    static func load(_ directory: URL) throws -> Catalogue {
        try #require(CatalogueLoader.load(directory: directory).catalogue)
    }

    @Test("each added, changed and removed course, module, quiz and programme is named once, by course")
    func differences() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try Self.load(directory)
        #expect(CatalogueChange.between(before, before).isEmpty)

        try Self.edit(directory, "course-001/course.yaml") { $0.replacingOccurrences(of: "version: 1", with: "version: 2") }
        try Self.edit(directory, "course-002/modules/01-topic-01.en.md") { $0 + "\nOne more sentence.\n" }
        try Self.edit(directory, "course-002/course.yaml") {
            $0.replacingOccurrences(of: "quizzes: [practice, final-exam]", with: "quizzes: [final-exam]")
        }
        let files = FileManager.default
        try files.removeItem(at: directory.appendingPathComponent("course-002/quizzes/practice.yaml"))
        try files.copyItem(at: directory.appendingPathComponent("course-003"), to: directory.appendingPathComponent("course-004"))
        try Self.edit(directory, "course-004/course.yaml") { $0.replacingOccurrences(of: "course-003", with: "course-004") }
        try files.removeItem(at: directory.appendingPathComponent("course-003"))
        try files.removeItem(at: directory.appendingPathComponent("programs"))
        let after = try Self.load(directory)

        let changes = CatalogueChange.between(before, after)
        #expect(changes.map(\.logLine) == [
            "changed course course-001 (version 1 -> 2)",
            "changed module course-002/topic-01",
            "removed quiz course-002/practice",
            "added course course-004",
            "removed course course-003",
            "removed program programs/synthetic-programme",
        ])
        #expect(changes[1].title == after.course(CourseID("course-002"))?.modules.first?.title)
        #expect(changes[4].title == before.course(CourseID("course-003"))?.title, "a removed item keeps its old title")
        #expect(CatalogueChange.between(after, before).map(\.logLine).contains("added program programs/synthetic-programme"))
    }

    @Test("the holder keeps each reload's outcome until the next; a refused reload changes nothing")
    func holderOutcomes() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let holder = try CatalogueHolder(directory: directory, now: 1)
        #expect(holder.status.lastReload == nil)

        try Self.edit(directory, "course-001/modules/02-topic-02.zh.md") { $0 + "\n补充一句。\n" }
        let taken = holder.reload(now: 2, trigger: .button, by: "trainer.li")
        #expect(taken.taken && taken.by == "trainer.li" && taken.trigger == .button)
        #expect(taken.changes.map(\.logLine) == ["changed module course-001/topic-02"])
        #expect(holder.status.lastReload?.changes == taken.changes && holder.status.loadedAt == 2)
        #expect(taken.logLines.first == "catalogue reloaded by trainer.li from /trainer: 0 added, 1 changed, 0 removed, 0 warnings")

        let revision = holder.catalogue.revision
        try Self.edit(directory, "course-001/course.yaml") { $0.replacingOccurrences(of: "study_hours:", with: "study_hourz:") }
        let refused = holder.reload(now: 3, trigger: .signal, by: nil)
        #expect(!refused.taken && refused.changes.isEmpty && !refused.errors.isEmpty)
        #expect(holder.catalogue.revision == revision && holder.status.loadedAt == 2)
        #expect(holder.status.lastReload?.taken == false && holder.status.lastReloadFailed)
        #expect(refused.logLines.first?.hasPrefix("catalogue reload refused on SIGHUP: ") == true)
        #expect(refused.logLines.contains { $0.hasPrefix("catalogue error: course-001/course.yaml:") })

        let again = holder.reload(now: 4, trigger: .signal, by: nil)
        #expect(!again.taken, "still broken")
        try Self.edit(directory, "course-001/course.yaml") { $0.replacingOccurrences(of: "study_hourz:", with: "study_hours:") }
        let fixed = holder.reload(now: 5, trigger: .signal, by: nil)
        #expect(fixed.taken && fixed.changes.isEmpty, "compared with the running catalogue, nothing changed")
    }
}
