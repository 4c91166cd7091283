import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Study time as the server measures it (`SQLiteLearningRepository.recordBeat`).
@Suite("Study beats")
struct StudyBeatTests {
    let temporary: TemporaryStore
    let clock = ManualClock()
    let learning: SQLiteLearningRepository

    init() throws {
        temporary = try TemporaryStore()
        learning = SQLiteLearningRepository(store: temporary.store)
    }

    private func beat(_ user: UserID, session: String = "s1", module: String = "m1", gap: Double = 120) throws -> ModuleProgress {
        try learning.recordBeat(StudyBeat(userID: user, sessionKey: session, courseID: "c", moduleID: module,
                                          contentHash: "h", requiredSeconds: 600, hours: 1, maximumGap: gap,
                                          now: clock.now, year: 2027))
    }

    @Test func timeBetweenBeatsOfOneSessionCountsUpToTheGap() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        #expect(try beat(user).seconds == 0)
        clock.advance(by: 30)
        #expect(try beat(user).seconds == 30)
        clock.advance(by: 500)
        #expect(try beat(user).seconds == 30, "a gap longer than the maximum is not study")
        clock.advance(by: 100)
        #expect(try beat(user).seconds == 130)
    }

    @Test func onlyOneSessionAccruesAtATime() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        _ = try beat(user, session: "s1")
        clock.advance(by: 60)
        _ = try beat(user, session: "s2")
        clock.advance(by: 60)
        // s1 lost the focus to s2, so its next beat counts nothing; s2's focus moves back to s1.
        #expect(try beat(user, session: "s1").seconds == 0)
        clock.advance(by: 60)
        #expect(try beat(user, session: "s1").seconds == 60)
    }

    @Test func switchingModulesStartsAfresh() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        _ = try beat(user, module: "m1")
        clock.advance(by: 60)
        #expect(try beat(user, module: "m2").seconds == 0)
    }

    @Test func aModuleCompletesAtItsDeclaredTimeAndCreditsItsHoursOnce() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        _ = try beat(user, gap: 900)
        clock.advance(by: 800)
        let done = try beat(user, gap: 900)
        #expect(done.seconds == 600, "capped at the declared time")
        #expect(done.isCompleted)
        clock.advance(by: 100)
        _ = try beat(user, gap: 900)
        #expect(try learning.ledger(userID: user).map(\.hours) == [1])
        #expect(try learning.progress(userID: user).first?.seconds == 600)
    }
}
