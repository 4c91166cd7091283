import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Study time and the hours ledger give the same answers on SQLite and PostgreSQL.
@Suite struct LearningConformanceTests {
    static func beat(_ storage: StorageFixture, _ user: UserID, session: String = "s1", module: String = "m1",
                     gap: Double = 120) throws -> ModuleProgress {
        try storage.learning.recordBeat(StudyBeat(user, sessionKey: session, courseID: "c", moduleID: module,
                                                  contentHash: "h", requiredSeconds: 600, hours: 1, maximumGap: gap,
                                                  now: storage.clock.current, year: 2027))
    }

    @Test(arguments: StorageKind.enabled)
    func timeBetweenBeatsOfOneSessionCountsUpToTheGap(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处")).id
            let first = try Self.beat(storage, user)
            #expect(first.seconds == 0 && first.startedAt == storage.clock.current && first.completedAt == nil)
            storage.clock.advance(by: 30)
            #expect(try Self.beat(storage, user).seconds == 30)
            storage.clock.advance(by: 500)
            #expect(try Self.beat(storage, user).seconds == 30, "a gap longer than the maximum is not study")
            storage.clock.advance(by: 100.5)
            let latest = try Self.beat(storage, user)
            #expect(latest.seconds == 130.5 && latest.lastActivityAt == storage.clock.current)
            #expect(try storage.learning.progress(userID: user) == [latest])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func onlyOneSessionAndModuleAccrueAtATime(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处")).id
            _ = try Self.beat(storage, user, session: "s1")
            storage.clock.advance(by: 60)
            _ = try Self.beat(storage, user, session: "s2")
            storage.clock.advance(by: 60)
            // s1 lost the focus to s2, so its next beat counts nothing; the focus moves back to s1.
            #expect(try Self.beat(storage, user, session: "s1").seconds == 0)
            storage.clock.advance(by: 60)
            #expect(try Self.beat(storage, user, session: "s1").seconds == 60)
            storage.clock.advance(by: 60)
            #expect(try Self.beat(storage, user, module: "m2").seconds == 0)
            #expect(try storage.learning.progress(userID: user).map(\.moduleID).sorted() == ["m1", "m2"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aModuleCompletesAtItsDeclaredTimeAndCreditsItsHoursOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处")).id
            _ = try Self.beat(storage, user, gap: 900)
            storage.clock.advance(by: 800)
            let done = try Self.beat(storage, user, gap: 900)
            #expect(done.seconds == 600, "capped at the declared time")
            #expect(done.completedAt == storage.clock.current)
            storage.clock.advance(by: 100)
            let after = try Self.beat(storage, user, gap: 900)
            #expect(after.completedAt == done.completedAt && after.seconds == 600)
            #expect(try storage.learning.ledger(userID: user).map(\.hours) == [1])
            #expect(try storage.learning.progress(userID: user).first?.seconds == 600)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func creditsAreKeptOncePerItemInTheOrderMade(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处")).id
            try storage.learning.credit(userID: user, source: .quiz, courseID: "c", itemID: "q1", hours: 2, year: 2027, at: 20)
            try storage.learning.credit(userID: user, source: .quiz, courseID: "c", itemID: "q1", hours: 5, year: 2028, at: 30)
            try storage.learning.credit(userID: user, source: .module, courseID: "c", itemID: "q1", hours: 0.5, year: 2027, at: 10)
            try storage.learning.credit(userID: user, source: .module, courseID: "c", itemID: "none", hours: 0, year: 2027, at: 40)
            let ledger = try storage.learning.ledger(userID: user)
            #expect(ledger.map(\.itemID) == ["q1", "q1"])
            #expect(ledger.map(\.source) == [.module, .quiz])
            #expect(ledger.map(\.hours) == [0.5, 2] && ledger.map(\.year) == [2027, 2027] && ledger.map(\.at) == [10, 20])
            #expect(try storage.learning.ledger(userID: UserID(rawValue: 999)).isEmpty)
            #expect(throws: (any Error).self) {
                try storage.learning.credit(userID: UserID(rawValue: 999), source: .quiz, courseID: "c", itemID: "q",
                                            hours: 1, year: 2027, at: 1)
            }
        }
    }
}
