import Assessment
import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Watch reports on a real SQLite file: records, the cap's clock (reports and page views), completion with the
/// ledger, and the distribution's scope.
@Suite struct SQLiteMediaWatchRepositoryTests {
    let temporary: TemporaryStore
    let clock = ManualClock()
    let repository: SQLiteMediaWatchRepository
    let learning: SQLiteLearningRepository

    init() throws {
        temporary = try TemporaryStore()
        repository = SQLiteMediaWatchRepository(store: temporary.store)
        learning = SQLiteLearningRepository(store: temporary.store)
    }

    static let lecture = LearningFixtures.mediaItem("lecture", duration: 100)
    static let briefing = LearningFixtures.mediaItem("briefing", duration: 40, file: "briefing.mp3")

    static func module(share: Double? = 0.9, seeking: ModuleMedia.Seeking = .free) -> (Module, ModuleMedia) {
        let media = LearningFixtures.media([lecture, briefing], share: share, seeking: seeking)
        let text = ModuleText(language: .zh, title: "讲座", objectives: ["o"], summary: "s", body: "# 讲座\n", bodyLine: 1,
                              source: SourceReference(file: "modules/01-lecture.zh.md", line: 1))
        return (Module(id: ModuleID("lecture"), number: 1, minutes: 30, hours: 0.5, zh: text, en: nil, media: media), media)
    }

    private func report(_ user: UserID, _ item: MediaItem, _ ranges: String, share: Double? = 0.9,
                        seeking: ModuleMedia.Seeking = .free) throws -> WatchReportResult {
        let (module, media) = Self.module(share: share, seeking: seeking)
        return try repository.report(WatchReport(userID: user, courseID: "media-course", module: module, media: media, item: item,
                                                 ranges: try MediaWatch.parse(ranges), now: clock.now, year: 2027))
    }

    private func pageView(_ user: UserID) throws {
        _ = try learning.recordBeat(StudyBeat(userID: user, sessionKey: "s1", courseID: "media-course", moduleID: "lecture",
                                              contentHash: Self.module().0.contentHash, requiredSeconds: 1800, hours: 0.5,
                                              maximumGap: 900, now: clock.now, year: 2027))
    }

    @Test func reportsAreStoredMergedAndCappedFromThePreviousReportOrPageView() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        try pageView(user)
        clock.advance(by: 15)
        var result = try report(user, Self.lecture, "0-40")
        #expect(result.allowance == 32 && result.outcome.credited == 32 && result.state.watchedSeconds == 32)
        clock.advance(by: 15)
        result = try report(user, Self.lecture, "0-40")
        #expect(result.allowance == 32 && result.outcome.credited == 8, "counts from the previous report")
        clock.advance(by: 1)
        try pageView(user)
        result = try report(user, Self.briefing, "0-40")
        #expect(result.allowance == 2, "a page view just before counts as the latest")
        let records = try repository.records(userID: user, courseID: "media-course", moduleID: "lecture")
        #expect(records["lecture"]?.intervals == [WatchInterval(0, 40)])
        #expect(records["briefing"]?.watchedSeconds == 2)
        let stored = try temporary.store.read { db in
            try Row.fetchOne(db, sql: "SELECT intervals, frontier, first_report_at, last_report_at FROM media_watch WHERE media_id = 'lecture'")
        }
        #expect(stored?["intervals"] == "0-40" && stored?["frontier"] == 40.0)
        #expect((stored?["last_report_at"] as Double?)! - (stored?["first_report_at"] as Double?)! == 15)
    }

    @Test func reachingTheShareOfEveryRecordingCompletesTheModuleOnce() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        try pageView(user)
        clock.advance(by: 100)
        var result = try report(user, Self.lecture, "0-95")
        #expect(!result.moduleCompleted, "the briefing is not watched yet")
        clock.advance(by: 100)
        result = try report(user, Self.briefing, "0-36")
        #expect(result.moduleCompleted && result.completedNow)
        let progress = try #require(try learning.progress(userID: user).first { $0.moduleID == "lecture" })
        #expect(progress.completedAt == clock.now)
        #expect(try learning.ledger(userID: user).map(\.hours) == [0.5])
        clock.advance(by: 100)
        result = try report(user, Self.briefing, "0-40")
        #expect(result.moduleCompleted && !result.completedNow && result.state.watchedSeconds == 40,
                "watching is still recorded after completion")
        #expect(try learning.ledger(userID: user).count == 1, "credited once")
        let (_, completed) = try repository.lines(courseID: "media-course", moduleID: "lecture", scope: nil)
        #expect(completed == 1)
    }

    @Test func aModuleCompletedByPageTimeIsNotCreditedAgain() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        try learning.credit(userID: user, source: .module, courseID: "media-course", itemID: "lecture", hours: 0.5, year: 2027, at: clock.now)
        try temporary.store.write { db in
            try db.execute(sql: """
                INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at, completed_at, content_hash)
                VALUES (?, 'media-course', 'lecture', 1800, 0, 0, 5, 'h')
                """, arguments: [user.rawValue])
        }
        try pageView(user)
        clock.advance(by: 1000)
        _ = try report(user, Self.lecture, "0-100")
        clock.advance(by: 1000)
        let result = try report(user, Self.briefing, "0-40")
        #expect(result.moduleCompleted && !result.completedNow)
        #expect(try learning.progress(userID: user).first?.completedAt == 5)
        #expect(try repository.lines(courseID: "media-course", moduleID: "lecture", scope: nil).completedByWatching == 0)
    }

    @Test func withoutAWatchRuleWatchingIsRecordedButCompletesNothing() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        try pageView(user)
        clock.advance(by: 1000)
        _ = try report(user, Self.lecture, "0-100", share: nil)
        clock.advance(by: 1000)
        let result = try report(user, Self.briefing, "0-40", share: nil)
        #expect(!result.moduleCompleted && result.state.share == 1)
        #expect(try learning.progress(userID: user).allSatisfy { $0.completedAt == nil })
        #expect(try learning.ledger(userID: user).isEmpty)
    }

    @Test func watchedOnlySkippingAheadIsNotStored() throws {
        let user = try LearningFixtures.user(temporary, clock: clock).id
        try pageView(user)
        clock.advance(by: 1000)
        var result = try report(user, Self.lecture, "0-10,50-100", seeking: .watchedOnly)
        #expect(result.state.watchedSeconds == 10 && result.state.frontier == 10)
        clock.advance(by: 1000)
        result = try report(user, Self.lecture, "0-51,50-100", seeking: .watchedOnly)
        #expect(result.state.watchedSeconds == 100)
    }

    @Test func theDistributionIsLimitedToTheScope() throws {
        let inside = try LearningFixtures.user(temporary, clock: clock, login: "inside").id
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
        let elsewhere = try departments.ensure(path: ["另一省"], by: .system)
        let outside = try SQLiteUserRepository(store: temporary.store, clock: clock.function)
            .create(NewUser(login: "outside", displayName: "outside", departmentID: elsewhere.id, passwordHash: "!",
                            roles: [.learner]), by: .system).id
        try pageView(inside)
        try pageView(outside)
        clock.advance(by: 1000)
        _ = try report(inside, Self.lecture, "0-50")
        _ = try report(outside, Self.lecture, "0-100")
        clock.advance(by: 1000)
        _ = try report(outside, Self.briefing, "0-40")
        let province = try #require(try departments.all().first { $0.name == "省" })
        let scoped = try repository.lines(courseID: "media-course", moduleID: "lecture", scope: AccessScope(prefixes: [province.idPath]))
        #expect(scoped.lines.map(\.userID) == [inside] && scoped.completedByWatching == 0)
        let all = try repository.lines(courseID: "media-course", moduleID: "lecture", scope: nil)
        #expect(Set(all.lines.map(\.userID)) == [inside, outside] && all.completedByWatching == 1)
        #expect(try repository.lines(courseID: "media-course", moduleID: "lecture", scope: AccessScope(prefixes: [])).lines.isEmpty)
    }
}
