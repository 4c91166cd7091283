import Assessment
import Foundation
import Logging
import Testing
@testable import Curriculum
@testable import TrainingServer

/// Two servers on one database, each with its own copy of the course files: a reload started on one is followed by
/// the other, once, and never bounces back.
@Suite struct CatalogueFollowerTests {
    /// Two folders holding the same synthetic catalogue, and the catalogue signal of a database in a third.
    struct Fixture {
        let root: URL
        let a: URL
        let b: URL
        let signal: ChangeStamp

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("follower-\(UUID().uuidString)")
            a = root.appendingPathComponent("a")
            b = root.appendingPathComponent("b")
            try SyntheticCatalogue.write(to: a, courses: 2, modules: 2)
            try FileManager.default.copyItem(at: a, to: b)
            signal = ChangeStamp.catalogue(databasePath: root.appendingPathComponent("training.sqlite").path)
        }

        func retitle(_ folder: URL, to title: String) throws {
            let url = folder.appendingPathComponent("course-001/course.yaml")
            let text = try String(contentsOf: url, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("title:") ? "title: {zh: \"\(title)\", en: \"\(title)\"}" : String(line)
            }
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }

        func title(_ holder: CatalogueHolder) -> String? {
            holder.catalogue.course(CourseID("course-001"))?.title.text(in: .en)
        }
    }

    @Test("a reload started on one server is followed by the other; a followed reload signals nothing")
    func followsOnce() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let logger = Logger(label: "test")
        let first = try CatalogueHolder(directory: fixture.a, now: 1)
        let second = try CatalogueHolder(directory: fixture.b, now: 1)
        let followingFirst = CatalogueFollower(catalogue: first, signal: fixture.signal, logger: logger, clock: { 2 })
        let followingSecond = CatalogueFollower(catalogue: second, signal: fixture.signal, logger: logger, clock: { 2 })
        #expect(followingFirst.follow() == nil && followingSecond.follow() == nil, "nothing reloaded yet")

        // The new files are deployed to both folders, then reloaded with the button on the first server.
        try fixture.retitle(fixture.a, to: "New title")
        try fixture.retitle(fixture.b, to: "New title")
        #expect(first.reload(now: 3, trigger: .button, by: "admin").taken)
        #expect(fixture.title(first) == "New title" && fixture.title(second) != "New title")
        #expect(followingFirst.follow() == nil, "a server does not follow its own reload")

        let followed = try #require(followingSecond.follow())
        #expect(followed.taken && followed.trigger == .otherServer && followed.changes.count == 1)
        #expect(fixture.title(second) == "New title")
        #expect(second.status.lastReload?.trigger == .otherServer)
        // The followed reload raised nothing: neither server reloads again.
        #expect(followingFirst.follow() == nil && followingSecond.follow() == nil)

        // SIGHUP on the second server: the first follows.
        #expect(second.reload(now: 4, trigger: .signal, by: nil).taken)
        #expect(try #require(followingFirst.follow()).trigger == .otherServer)
        #expect(followingSecond.follow() == nil)
    }

    @Test("a refused reload signals nothing; a follower whose own files are broken keeps its running catalogue")
    func refusedReloads() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let logger = Logger(label: "test")
        let first = try CatalogueHolder(directory: fixture.a, now: 1)
        let second = try CatalogueHolder(directory: fixture.b, now: 1)
        _ = CatalogueFollower(catalogue: first, signal: fixture.signal, logger: logger, clock: { 2 })
        let followingSecond = CatalogueFollower(catalogue: second, signal: fixture.signal, logger: logger, clock: { 2 })

        try "title: [unclosed".write(to: fixture.a.appendingPathComponent("course-001/course.yaml"), atomically: true,
                                     encoding: .utf8)
        #expect(!first.reload(now: 3, trigger: .button, by: "admin").taken)
        #expect(followingSecond.follow() == nil, "a refused reload is not signalled")

        try FileManager.default.removeItem(at: fixture.a)
        try FileManager.default.copyItem(at: fixture.b, to: fixture.a)
        try fixture.retitle(fixture.a, to: "Deployed here only")
        try "title: [unclosed".write(to: fixture.b.appendingPathComponent("course-001/course.yaml"), atomically: true,
                                     encoding: .utf8)
        #expect(first.reload(now: 4, trigger: .button, by: "admin").taken)
        let followed = try #require(followingSecond.follow())
        #expect(!followed.taken && !followed.errors.isEmpty)
        #expect(fixture.title(second) != nil && second.status.lastReloadFailed)
    }
}
