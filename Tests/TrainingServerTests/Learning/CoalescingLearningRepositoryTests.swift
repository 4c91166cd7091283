import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// Study beats coalesced (`CoalescingLearningRepository`): fewer writes, the same seconds as writing every beat.
@Suite struct CoalescingLearningRepositoryTests {
    /// One beat of a sequence: seconds after the previous one, and which session, module and gap limit it has.
    struct Step {
        var after: Double
        var session = "s1"
        var module = "m1"
        var gap: Double = 120
    }

    /// Two databases fed the same beats, one beat by beat, one coalesced.
    final class Pair: Sendable {
        let plainStore: TemporaryStore
        let coalescedStore: TemporaryStore
        let plain: SQLiteLearningRepository
        let coalesced: CoalescingLearningRepository
        let writes: CountingLearningRepository
        let plainUser: UserID
        let coalescedUser: UserID
        let clock = ManualClock()

        init(window: Double = 5) throws {
            plainStore = try TemporaryStore()
            coalescedStore = try TemporaryStore()
            plain = SQLiteLearningRepository(store: plainStore.store)
            writes = CountingLearningRepository(SQLiteLearningRepository(store: coalescedStore.store))
            coalesced = CoalescingLearningRepository(writes, window: window)
            plainUser = try LearningFixtures.user(plainStore, clock: clock).id
            coalescedUser = try LearningFixtures.user(coalescedStore, clock: clock).id
        }

        func beat(_ user: UserID, _ step: Step, required: Double) -> StudyBeat {
            StudyBeat(userID: user, sessionKey: step.session, courseID: "c", moduleID: step.module, contentHash: "h",
                      requiredSeconds: required, hours: 1, maximumGap: step.gap, now: clock.now, year: 2027)
        }

        /// Feeds `steps` to both; every answer must agree. Returns the coalesced side's number of writes.
        func run(_ steps: [Step], required: Double = 600, flushing: Bool = true) throws -> Int {
            for step in steps {
                clock.advance(by: step.after)
                let expected = try plain.recordBeat(beat(plainUser, step, required: required))
                let got = try coalesced.recordBeat(beat(coalescedUser, step, required: required))
                #expect(got.seconds == expected.seconds, "beat \(step) at \(clock.now)")
                #expect(got.completedAt == expected.completedAt, "completion of beat \(step) at \(clock.now)")
                #expect(got.lastActivityAt == expected.lastActivityAt)
            }
            if flushing { try coalesced.flushAll() }
            return writes.count
        }

        func stored(_ repository: any LearningRepository, _ user: UserID) throws -> [String: Double] {
            Dictionary(uniqueKeysWithValues: try repository.progress(userID: user).map { ("\($0.moduleID)", $0.seconds) })
        }

        func expectSameStoredSeconds() throws {
            #expect(try stored(plain, plainUser) == stored(coalesced, coalescedUser))
            #expect(try plain.ledger(userID: plainUser).map(\.hours) == coalesced.ledger(userID: coalescedUser).map(\.hours))
        }
    }

    /// Counts the beats that reach the database.
    final class CountingLearningRepository: LearningRepository {
        let base: SQLiteLearningRepository
        private let counter = Mutex(0)
        var count: Int { counter.withLock { $0 } }

        init(_ base: SQLiteLearningRepository) { self.base = base }

        func recordBeat(_ beat: StudyBeat) throws -> ModuleProgress {
            counter.withLock { $0 += 1 }
            return try base.recordBeat(beat)
        }

        func progress(userID: UserID) throws -> [ModuleProgress] { try base.progress(userID: userID) }
        func credit(userID: UserID, source: HoursSource, courseID: String, itemID: String, hours: Double, year: Int,
                    at: Double) throws {
            try base.credit(userID: userID, source: source, courseID: courseID, itemID: itemID, hours: hours, year: year, at: at)
        }
        func ledger(userID: UserID) throws -> [LedgerEntry] { try base.ledger(userID: userID) }
    }

    @Test func pageViewsWithinTheWindowAreNotWrittenButCountTheSame() throws {
        let pair = try Pair()
        // A reload every second for 20 seconds: 21 beats, of which only those 5 s apart (and the last) are written.
        let writes = try pair.run([Step(after: 0)] + Array(repeating: Step(after: 1), count: 20))
        #expect(writes <= 9, "\(writes) writes for 21 beats")
        try pair.expectSameStoredSeconds()
        #expect(try pair.stored(pair.coalesced, pair.coalescedUser)["m1"] == 20)
    }

    @Test func aHeldBeatIsWrittenBeforeTheReadOfProgress() throws {
        let pair = try Pair()
        _ = try pair.run([Step(after: 0), Step(after: 3)], flushing: false)
        #expect(pair.writes.count == 1, "the second beat is held")
        #expect(try pair.stored(pair.coalesced, pair.coalescedUser)["m1"] == 3, "reading progress writes it first")
        try pair.expectSameStoredSeconds()
    }

    @Test func writingHeldBeatsLetsAReadOfItsOwnSeeThem() throws {
        let pair = try Pair()
        _ = try pair.run([Step(after: 0), Step(after: 3)], flushing: false)
        #expect(pair.writes.count == 1, "the second beat is held")
        let database = SQLiteLearningRepository(store: pair.coalescedStore.store)
        #expect(try pair.stored(database, pair.coalescedUser)["m1"] == 0, "not in the database yet")
        try pair.coalesced.writeHeldBeats(userID: pair.coalescedUser)
        #expect(pair.writes.count == 2)
        #expect(try pair.stored(database, pair.coalescedUser)["m1"] == 3)
        try pair.coalesced.writeHeldBeats(userID: pair.coalescedUser)
        #expect(pair.writes.count == 2, "nothing is held any more")
        try pair.expectSameStoredSeconds()
    }

    @Test func heldProgressIsWhatWritingTheHeldBeatGives() throws {
        let pair = try Pair()
        #expect(pair.coalesced.heldProgress(userID: pair.coalescedUser) == nil, "nothing written, nothing held")
        _ = try pair.run([Step(after: 0)], flushing: false)
        #expect(pair.coalesced.heldProgress(userID: pair.coalescedUser) == nil, "the beat was written, none is held")
        _ = try pair.run([Step(after: 2), Step(after: 1.5)], flushing: false)
        #expect(pair.writes.count == 1, "the later beats are held")
        let held = try #require(pair.coalesced.heldProgress(userID: pair.coalescedUser))
        #expect(pair.writes.count == 1, "asking writes nothing")
        try pair.coalesced.writeHeldBeats(userID: pair.coalescedUser)
        let written = try SQLiteLearningRepository(store: pair.coalescedStore.store).progress(userID: pair.coalescedUser)
        #expect(written == [held], "the held progress is the row the write gives")
        #expect(held.seconds == 3.5 && held.lastActivityAt == pair.clock.now)
        #expect(pair.coalesced.heldProgress(userID: pair.coalescedUser) == nil, "written: nothing held any more")
    }

    @Test func aHeldBeatFollowedByALongGapStillCountsItsOwnTime() throws {
        // 4 s held, then 119 s: 123 s after the written beat, more than the 120 s gap, but each gap counts.
        let pair = try Pair()
        _ = try pair.run([Step(after: 0), Step(after: 4), Step(after: 119)])
        try pair.expectSameStoredSeconds()
        #expect(try pair.stored(pair.plain, pair.plainUser)["m1"] == 123)
    }

    @Test func theBeatThatCompletesAModuleIsWrittenAndCreditedOnItsRequest() throws {
        let pair = try Pair()
        let steps = [Step(after: 0)] + Array(repeating: Step(after: 1), count: 12)
        _ = try pair.run(steps, required: 10, flushing: false)
        #expect(try pair.coalesced.ledger(userID: pair.coalescedUser).map(\.hours) == [1],
                "credited on the request that crossed the required time, before any flush")
        try pair.coalesced.flushAll()
        try pair.expectSameStoredSeconds()
    }

    @Test func aModuleCompletedOutsideTheBeatsIsSeenByTheNextPageView() throws {
        let pair = try Pair()
        _ = try pair.run([Step(after: 0)], flushing: false)
        // Something other than a beat completes the module in the database (watching a recorded lecture), after
        // the held beats were written (none here: the page view was written and its progress is kept).
        try pair.coalesced.writeHeldBeats(userID: pair.coalescedUser)
        try pair.coalescedStore.store.write { db in
            try db.execute(sql: "UPDATE module_progress SET completed_at = ? WHERE user_id = ?",
                           arguments: [pair.clock.now, pair.coalescedUser.rawValue])
        }
        pair.clock.advance(by: 1)
        let stale = try pair.coalesced.recordBeat(pair.beat(pair.coalescedUser, Step(after: 0), required: 600))
        #expect(stale.completedAt == nil, "without being told, the kept progress is what the page shows")
        try pair.coalesced.forgetHeldProgress(userID: pair.coalescedUser)
        pair.clock.advance(by: 1)
        let seen = try pair.coalesced.recordBeat(pair.beat(pair.coalescedUser, Step(after: 0), required: 600))
        #expect(seen.completedAt != nil, "after forgetHeldProgress the next page view reads the completion")
    }

    @Test func readingProgressWithNothingHeldKeepsCoalescing() throws {
        let pair = try Pair()
        _ = try pair.run([Step(after: 0)], flushing: false)
        _ = try pair.coalesced.progress(userID: pair.coalescedUser)
        _ = try pair.run([Step(after: 1), Step(after: 1)], flushing: false)
        #expect(pair.writes.count == 1, "page views after a progress read are still held")
        try pair.expectSameStoredSeconds()
    }

    @Test func switchingSessionOrModuleWritesTheHeldBeatFirst() throws {
        let pair = try Pair()
        _ = try pair.run([Step(after: 0), Step(after: 2), Step(after: 1, module: "m2"), Step(after: 1),
                          Step(after: 2, session: "s2"), Step(after: 1, session: "s2"), Step(after: 1),
                          Step(after: 60), Step(after: 1, module: "m2"), Step(after: 2, module: "m2")])
        try pair.expectSameStoredSeconds()
    }

    @Test func flushingWritesOnlyBeatsWhoseWindowHasPassed() throws {
        let pair = try Pair()
        _ = try pair.run([Step(after: 0), Step(after: 2)], flushing: false)
        #expect(try pair.coalesced.flushDue(now: pair.clock.now) == 0, "still within the window")
        #expect(try pair.coalesced.flushDue(now: pair.clock.now + 5) == 1)
        #expect(try pair.coalesced.flushDue(now: pair.clock.now + 10) == 0, "nothing held twice")
        try pair.expectSameStoredSeconds()
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomSequencesGiveTheSameSeconds(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let gaps: [Double] = [0, 0.5, 1, 2, 3, 4.9, 5, 5.1, 30, 116, 119, 120, 121, 124, 200, 899, 901]
        let steps = (0..<120).map { _ in
            Step(after: gaps.randomElement(using: &generator)!,
                 session: Int.random(in: 0..<10, using: &generator) == 0 ? "s2" : "s1",
                 module: Int.random(in: 0..<8, using: &generator) == 0 ? "m2" : "m1",
                 gap: Bool.random(using: &generator) ? 120 : 900)
        }
        let pair = try Pair()
        let writes = try pair.run(steps, required: Double(Int.random(in: 300...3000, using: &generator)))
        try pair.expectSameStoredSeconds()
        #expect(writes <= steps.count)
    }

    /// A small deterministic generator (SplitMix64), so a failing sequence can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }
}
