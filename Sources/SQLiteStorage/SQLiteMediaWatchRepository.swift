import Curriculum
import GRDB
import TrainingServer

/// Watched intervals in SQLite (`media_watch`, `media_watch_reports`, `media_watch_completions`); a completion by
/// watching writes `module_progress` and the hours ledger exactly as the page-time rule does.
public struct SQLiteMediaWatchRepository: MediaWatchRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func report(_ report: WatchReport) throws -> WatchReportResult {
        let userID = report.userID.rawValue
        let moduleID = report.module.id.rawValue
        return try store.write { db in
            // The allowance counts from the person's latest watch report or module page view, any module.
            let lastReport = try Double.fetchOne(db.cachedStatement(sql: """
                SELECT last_report_at FROM media_watch_reports WHERE user_id = ?
                """), arguments: [userID])
            let lastView = try Double.fetchOne(db.cachedStatement(sql: """
                SELECT last_beat_at FROM study_focus WHERE user_id = ?
                """), arguments: [userID])
            let previous = [lastReport, lastView].compactMap { $0 }.max()
            let allowance = MediaWatch.allowance(elapsed: previous.map { report.now - $0 })

            var records = try Self.records(db, userID: report.userID, courseID: report.courseID, moduleID: moduleID)
            let outcome = MediaWatch.apply(stored: records[report.item.id], ranges: report.ranges, item: report.item,
                                           seeking: report.media.seeking, allowance: allowance, now: report.now)
            let record = outcome.record
            records[report.item.id] = record
            try db.cachedStatement(sql: """
                INSERT INTO media_watch (user_id, course_id, module_id, media_id, recording, intervals, watched_seconds,
                    frontier, duration, first_report_at, last_report_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, course_id, module_id, media_id) DO UPDATE SET recording = excluded.recording,
                    intervals = excluded.intervals, watched_seconds = excluded.watched_seconds,
                    frontier = excluded.frontier, duration = excluded.duration,
                    first_report_at = excluded.first_report_at, last_report_at = excluded.last_report_at
                """).execute(arguments: [userID, report.courseID, moduleID, report.item.id, record.recording,
                                         MediaWatch.encode(record.intervals), record.watchedSeconds, record.frontier,
                                         record.duration, record.firstReportAt, record.lastReportAt])
            try db.cachedStatement(sql: """
                INSERT INTO media_watch_reports (user_id, last_report_at) VALUES (?, ?)
                ON CONFLICT (user_id) DO UPDATE SET last_report_at = excluded.last_report_at
                """).execute(arguments: [userID, report.now])

            let progress = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT completed_at FROM module_progress WHERE user_id = ? AND course_id = ? AND module_id = ?
                """), arguments: [userID, report.courseID, moduleID])
            let completedAt: Double? = progress?["completed_at"]
            var completed = completedAt != nil
            var completedNow = false
            if !completed && MediaWatch.isComplete(report.media, records: records) {
                try db.cachedStatement(sql: """
                    INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                        completed_at, content_hash)
                    VALUES (?, ?, ?, 0, ?, ?, ?, ?)
                    ON CONFLICT (user_id, course_id, module_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                        completed_at = excluded.completed_at, content_hash = excluded.content_hash
                    """).execute(arguments: [userID, report.courseID, moduleID, report.now, report.now, report.now,
                                             report.module.contentHash])
                try SQLiteLearningRepository.credit(db, userID: report.userID, source: .module, courseID: report.courseID,
                                                    itemID: moduleID, hours: report.module.hours, year: report.year,
                                                    at: report.now)
                try db.cachedStatement(sql: """
                    INSERT INTO media_watch_completions (user_id, course_id, module_id, completed_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """).execute(arguments: [userID, report.courseID, moduleID, report.now])
                completed = true
                completedNow = true
            }
            return WatchReportResult(outcome, moduleCompleted: completed, completedNow: completedNow,
                                     allowance: allowance)
        }
    }

    public func records(userID: UserID, courseID: String, moduleID: String) throws -> [String: MediaWatchRecord] {
        try store.read { db in try Self.records(db, userID: userID, courseID: courseID, moduleID: moduleID) }
    }

    static func records(_ db: Database, userID: UserID, courseID: String, moduleID: String) throws -> [String: MediaWatchRecord] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT media_id, recording, intervals, duration, first_report_at, last_report_at FROM media_watch
            WHERE user_id = ? AND course_id = ? AND module_id = ?
            """), arguments: [userID.rawValue, courseID, moduleID])
        var records: [String: MediaWatchRecord] = [:]
        for row in rows {
            // A record whose intervals cannot be read counts as nothing watched (it is rewritten on the next report).
            let intervals = MediaWatch.decode(row["intervals"]) ?? []
            records[row["media_id"]] = MediaWatchRecord(recording: row["recording"], intervals: intervals,
                                                        duration: row["duration"], firstReportAt: row["first_report_at"],
                                                        lastReportAt: row["last_report_at"])
        }
        return records
    }

    public func lines(courseID: String, moduleID: String, scope: AccessScope?) throws -> (lines: [WatchLine], completedByWatching: Int) {
        try store.read { db in
            if let scope {
                let (condition, arguments) = SQLiteReportRepository.rangeCondition(scope.prefixes)
                let lines = try Row.fetchAll(db, sql: """
                    SELECT w.user_id, w.media_id, w.recording, w.watched_seconds FROM media_watch w
                    JOIN users u ON u.id = w.user_id JOIN departments d ON d.id = u.department_id
                    WHERE w.course_id = ? AND w.module_id = ? AND \(condition)
                    """, arguments: [courseID, moduleID] + arguments).map(Self.line)
                let completed = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM media_watch_completions c
                    JOIN users u ON u.id = c.user_id JOIN departments d ON d.id = u.department_id
                    WHERE c.course_id = ? AND c.module_id = ? AND \(condition)
                    """, arguments: [courseID, moduleID] + arguments) ?? 0
                return (lines, completed)
            }
            let lines = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT user_id, media_id, recording, watched_seconds FROM media_watch WHERE course_id = ? AND module_id = ?
                """), arguments: [courseID, moduleID]).map(Self.line)
            let completed = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FROM media_watch_completions WHERE course_id = ? AND module_id = ?
                """), arguments: [courseID, moduleID]) ?? 0
            return (lines, completed)
        }
    }

    static func line(_ row: Row) -> WatchLine {
        WatchLine(userID: UserID(rawValue: row["user_id"]), mediaID: row["media_id"], recording: row["recording"],
                  watchedSeconds: row["watched_seconds"])
    }
}
