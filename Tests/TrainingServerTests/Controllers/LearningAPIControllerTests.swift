import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// `/api/v1/progress` answers from what is stored and the person's held study beat, as the dashboard does: a read
/// writes nothing, and says what it would say with the beat written.
@Suite struct LearningAPIControllerTests {
    private static let password = "correct horse battery"

    @Test func progressShowsAHeldStudyBeatWithoutWritingIt() throws {
        let app = try TestApplication()
        let courses = app.temporary.directory.appendingPathComponent("Courses", isDirectory: true)
        try SyntheticCatalogue.write(to: courses, courses: 2, modules: 2)
        #expect(app.application.catalogue.reload(now: app.clock.now, trigger: .signal, by: nil).taken)
        let li = try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        #expect(try browser.signIn(login: "li", password: Self.password).status == .seeOther)
        func stored() throws -> Double? {
            try app.store.read { db in
                try Double.fetchOne(db, sql: "SELECT seconds FROM module_progress WHERE user_id = ? AND module_id = 'topic-02'",
                                    arguments: [li.id.rawValue])
            }
        }
        func seconds(_ body: String) throws -> Double? {
            struct Progress: Decodable {
                struct Course: Decodable {
                    struct Module: Decodable {
                        var id: String
                        var seconds: Double
                    }
                    var id: String
                    var modules: [Module]
                }
                var courses: [Course]
            }
            let progress = try JSONDecoder().decode(Progress.self, from: Data(body.utf8))
            return progress.courses.first { $0.id == "course-002" }?.modules.first { $0.id == "topic-02" }?.seconds
        }
        let module = "/courses/course-002/modules/topic-02"
        #expect(try browser.get(module).status == .ok)
        app.clock.advance(by: 3)
        #expect(try browser.get(module).status == .ok)
        #expect(try stored() == 0, "the second view's beat is held")
        let held = try browser.get("/api/v1/progress")
        #expect(held.status == .ok)
        #expect(try seconds(held.bodyText) == 3, "the held beat's seconds are shown")
        #expect(try stored() == 0, "reading the progress wrote nothing")
        #expect(app.application.learning.heldProgress(userID: li.id)?.seconds == 3, "the beat is still held")
        try app.application.learning.writeHeldBeats(userID: li.id)
        #expect(try stored() == 3)
        #expect(held.bodyText == (try browser.get("/api/v1/progress").bodyText), "the same answer as with the beat written")
    }
}
