import Assessment
import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Watch reports give the same answers on SQLite and PostgreSQL: records, the cap's clock (reports and page views),
/// completion with the ledger, and the distribution's scope (the cases of `SQLiteMediaWatchRepositoryTests`).
@Suite struct MediaWatchConformanceTests {
    static func item(_ id: String, duration: Double, file: String) -> MediaItem {
        MediaItem(id: id, kind: .video, container: .mp4, file: file, size: 1000, duration: duration,
                  title: LocalizedText(both: id), poster: nil, captions: [:], transcripts: [:], download: false)
    }

    static let lecture = item("lecture", duration: 100, file: "lecture.mp4")
    static let briefing = item("briefing", duration: 40, file: "briefing.mp3")

    static func module(share: Double? = 0.9, seeking: ModuleMedia.Seeking = .free) -> (Module, ModuleMedia) {
        let media = ModuleMedia(items: [lecture, briefing], watchShare: share, seeking: seeking,
                                source: SourceReference(file: "modules/01-m.media.yaml", line: 1))
        let text = ModuleText(language: .zh, title: "讲座", objectives: ["o"], summary: "s", body: "# 讲座\n", bodyLine: 1,
                              source: SourceReference(file: "modules/01-lecture.zh.md", line: 1))
        return (Module(id: ModuleID("lecture"), number: 1, minutes: 30, hours: 0.5, zh: text, en: nil, media: media), media)
    }

    static func report(_ storage: StorageFixture, _ user: UserID, _ item: MediaItem, _ ranges: String,
                       share: Double? = 0.9, seeking: ModuleMedia.Seeking = .free,
                       on watch: (any MediaWatchRepository)? = nil) throws -> WatchReportResult {
        let (module, media) = module(share: share, seeking: seeking)
        return try (watch ?? storage.mediaWatch).report(WatchReport(userID: user, courseID: "media-course", module: module,
                                                                    media: media, item: item,
                                                                    ranges: try MediaWatch.parse(ranges),
                                                                    now: storage.clock.current, year: 2027))
    }

    static func pageView(_ storage: StorageFixture, _ user: UserID) throws {
        _ = try storage.learning.recordBeat(StudyBeat(user, sessionKey: "s1", courseID: "media-course", moduleID: "lecture",
                                                      contentHash: module().0.contentHash, requiredSeconds: 1800, hours: 0.5,
                                                      maximumGap: 900, now: storage.clock.current, year: 2027))
    }

    static func learner(_ storage: StorageFixture, _ login: String = "learner") throws -> UserID {
        try storage.user(login, in: try storage.department("省", "局")).id
    }

    @Test(arguments: StorageKind.enabled)
    func reportsAreStoredMergedAndCappedFromThePreviousReportOrPageView(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try Self.learner(storage)
            try Self.pageView(storage, user)
            storage.clock.advance(by: 15)
            var result = try Self.report(storage, user, Self.lecture, "0-40")
            #expect(result.allowance == 32 && result.outcome.credited == 32 && result.state.watchedSeconds == 32)
            storage.clock.advance(by: 15)
            result = try Self.report(storage, user, Self.lecture, "0-40")
            #expect(result.allowance == 32 && result.outcome.credited == 8, "counts from the previous report")
            storage.clock.advance(by: 1)
            try Self.pageView(storage, user)
            result = try Self.report(storage, user, Self.briefing, "0-40")
            #expect(result.allowance == 2, "a page view just before counts as the latest")
            let records = try storage.mediaWatch.records(userID: user, courseID: "media-course", moduleID: "lecture")
            #expect(records["lecture"]?.intervals == [WatchInterval(0, 40)])
            #expect(records["briefing"]?.watchedSeconds == 2)
            #expect(try storage.text("SELECT intervals FROM media_watch WHERE media_id = ?", [.text("lecture")]) == "0-40")
            #expect(try storage.integer("""
                SELECT count(*) FROM media_watch WHERE media_id = 'lecture' AND frontier = 40 AND last_report_at - first_report_at = ?
                """, [.double(15)]) == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func reachingTheShareOfEveryRecordingCompletesTheModuleOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try Self.learner(storage)
            try Self.pageView(storage, user)
            storage.clock.advance(by: 100)
            var result = try Self.report(storage, user, Self.lecture, "0-95")
            #expect(!result.moduleCompleted, "the briefing is not watched yet")
            storage.clock.advance(by: 100)
            result = try Self.report(storage, user, Self.briefing, "0-36")
            #expect(result.moduleCompleted && result.completedNow)
            let progress = try #require(try storage.learning.progress(userID: user).first { $0.moduleID == "lecture" })
            #expect(progress.completedAt == storage.clock.current)
            #expect(try storage.learning.ledger(userID: user).map(\.hours) == [0.5])
            storage.clock.advance(by: 100)
            result = try Self.report(storage, user, Self.briefing, "0-40")
            #expect(result.moduleCompleted && !result.completedNow && result.state.watchedSeconds == 40,
                    "watching is still recorded after completion")
            #expect(try storage.learning.ledger(userID: user).count == 1, "credited once")
            #expect(try storage.mediaWatch.lines(courseID: "media-course", moduleID: "lecture", scope: nil)
                .completedByWatching == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aModuleCompletedByPageTimeIsNotCreditedAgain(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try Self.learner(storage)
            try storage.learning.credit(userID: user, source: .module, courseID: "media-course", itemID: "lecture",
                                        hours: 0.5, year: 2027, at: storage.clock.current)
            try storage.execute("""
                INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at, completed_at, content_hash)
                VALUES (?, 'media-course', 'lecture', 1800, 0, 0, 5, 'h')
                """, [.int(user.rawValue)])
            try Self.pageView(storage, user)
            storage.clock.advance(by: 1000)
            _ = try Self.report(storage, user, Self.lecture, "0-100")
            storage.clock.advance(by: 1000)
            let result = try Self.report(storage, user, Self.briefing, "0-40")
            #expect(result.moduleCompleted && !result.completedNow)
            #expect(try storage.learning.progress(userID: user).first?.completedAt == 5)
            #expect(try storage.mediaWatch.lines(courseID: "media-course", moduleID: "lecture", scope: nil)
                .completedByWatching == 0)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func withoutAWatchRuleWatchingIsRecordedButCompletesNothing(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try Self.learner(storage)
            try Self.pageView(storage, user)
            storage.clock.advance(by: 1000)
            _ = try Self.report(storage, user, Self.lecture, "0-100", share: nil)
            storage.clock.advance(by: 1000)
            let result = try Self.report(storage, user, Self.briefing, "0-40", share: nil)
            #expect(!result.moduleCompleted && result.state.share == 1)
            #expect(try storage.learning.progress(userID: user).allSatisfy { $0.completedAt == nil })
            #expect(try storage.learning.ledger(userID: user).isEmpty)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func watchedOnlySkippingAheadIsNotStored(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try Self.learner(storage)
            try Self.pageView(storage, user)
            storage.clock.advance(by: 1000)
            var result = try Self.report(storage, user, Self.lecture, "0-10,50-100", seeking: .watchedOnly)
            #expect(result.state.watchedSeconds == 10 && result.state.frontier == 10)
            storage.clock.advance(by: 1000)
            result = try Self.report(storage, user, Self.lecture, "0-51,50-100", seeking: .watchedOnly)
            #expect(result.state.watchedSeconds == 100)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func theDistributionIsLimitedToTheScope(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let inside = try Self.learner(storage, "inside")
            let outside = try storage.user("outside", in: try storage.department("另一省")).id
            try Self.pageView(storage, inside)
            try Self.pageView(storage, outside)
            storage.clock.advance(by: 1000)
            _ = try Self.report(storage, inside, Self.lecture, "0-50")
            _ = try Self.report(storage, outside, Self.lecture, "0-100")
            storage.clock.advance(by: 1000)
            _ = try Self.report(storage, outside, Self.briefing, "0-40")
            let province = try #require(try storage.departments.find(path: ["省"]))
            let scoped = try storage.mediaWatch.lines(courseID: "media-course", moduleID: "lecture",
                                                      scope: AccessScope(prefixes: [province.idPath]))
            #expect(scoped.lines.map(\.userID) == [inside] && scoped.completedByWatching == 0)
            let all = try storage.mediaWatch.lines(courseID: "media-course", moduleID: "lecture", scope: nil)
            #expect(Set(all.lines.map(\.userID)) == [inside, outside] && all.completedByWatching == 1)
            #expect(try storage.mediaWatch.lines(courseID: "media-course", moduleID: "lecture",
                                                 scope: AccessScope(prefixes: [])).lines.isEmpty)
        }
    }
}
