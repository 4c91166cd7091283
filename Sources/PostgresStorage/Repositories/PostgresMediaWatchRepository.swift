import Curriculum
import TrainingServer

/// Watched intervals on PostgreSQL (`media_watch`, `media_watch_reports`, `media_watch_completions`), with the
/// SQLite engine's rules: the allowance from the person's latest report or page view, `MediaWatch.apply`, and a
/// completion by watching written to `module_progress` and the hours ledger as the page-time rule writes it.
///
/// **Concurrency.** A report reads the person's latest report, study focus, records and progress, then writes them:
/// it holds the same per-person advisory lock as a study beat (`study` namespace), so reports and beats of one person
/// reaching two servers at once take turns. Two tabs cannot both spend one allowance, and a module completes (and
/// credits its hours, once by the ledger's unique key) once.
public struct PostgresMediaWatchRepository: MediaWatchRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func report(_ report: WatchReport) throws -> WatchReportResult {
        let userID = report.userID.rawValue
        let moduleID = report.module.id.rawValue
        return try pool.transaction { connection in
            try PostgresLocks.lock(texts: [String(userID)], namespace: "study", on: connection)
            // The allowance counts from the person's latest watch report or module page view, any module.
            let lastReport: Double? = try connection.query(
                "SELECT last_report_at FROM media_watch_reports WHERE user_id = $1", userID).first?.decode(at: 0)
            let lastView: Double? = try connection.query(
                "SELECT last_beat_at FROM study_focus WHERE user_id = $1", userID).first?.decode(at: 0)
            let previous = [lastReport, lastView].compactMap { $0 }.max()
            let allowance = MediaWatch.allowance(elapsed: previous.map { report.now - $0 })

            var records = try Self.records(connection, userID: report.userID, courseID: report.courseID, moduleID: moduleID)
            let outcome = MediaWatch.apply(stored: records[report.item.id], ranges: report.ranges, item: report.item,
                                           seeking: report.media.seeking, allowance: allowance, now: report.now)
            let record = outcome.record
            records[report.item.id] = record
            try connection.execute("""
                INSERT INTO media_watch (user_id, course_id, module_id, media_id, recording, intervals, watched_seconds,
                    frontier, duration, first_report_at, last_report_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (user_id, course_id, module_id, media_id) DO UPDATE SET recording = excluded.recording,
                    intervals = excluded.intervals, watched_seconds = excluded.watched_seconds,
                    frontier = excluded.frontier, duration = excluded.duration,
                    first_report_at = excluded.first_report_at, last_report_at = excluded.last_report_at
                """, userID, report.courseID, moduleID, report.item.id, record.recording,
                MediaWatch.encode(record.intervals), record.watchedSeconds, record.frontier, record.duration,
                record.firstReportAt, record.lastReportAt)
            try connection.execute("""
                INSERT INTO media_watch_reports (user_id, last_report_at) VALUES ($1, $2)
                ON CONFLICT (user_id) DO UPDATE SET last_report_at = excluded.last_report_at
                """, userID, report.now)

            let completedAt: Double? = try connection.query("""
                SELECT completed_at FROM module_progress WHERE user_id = $1 AND course_id = $2 AND module_id = $3
                """, userID, report.courseID, moduleID).first?.decodeIfPresent(at: 0)
            var completed = completedAt != nil
            var completedNow = false
            if !completed && MediaWatch.isComplete(report.media, records: records) {
                try connection.execute("""
                    INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                        completed_at, content_hash)
                    VALUES ($1, $2, $3, 0, $4, $4, $4, $5)
                    ON CONFLICT (user_id, course_id, module_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                        completed_at = excluded.completed_at, content_hash = excluded.content_hash
                    """, userID, report.courseID, moduleID, report.now, report.module.contentHash)
                try PostgresLearningRepository.credit(connection, userID: report.userID, source: .module,
                                                      courseID: report.courseID, itemID: moduleID,
                                                      hours: report.module.hours, year: report.year, at: report.now)
                try connection.execute("""
                    INSERT INTO media_watch_completions (user_id, course_id, module_id, completed_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT DO NOTHING
                    """, userID, report.courseID, moduleID, report.now)
                completed = true
                completedNow = true
            }
            return WatchReportResult(outcome, moduleCompleted: completed, completedNow: completedNow, allowance: allowance)
        }
    }

    public func records(userID: UserID, courseID: String, moduleID: String) throws -> [String: MediaWatchRecord] {
        try pool.withConnection { connection in
            try Self.records(connection, userID: userID, courseID: courseID, moduleID: moduleID)
        }
    }

    static func records(_ connection: PostgresConnection, userID: UserID, courseID: String,
                        moduleID: String) throws -> [String: MediaWatchRecord] {
        var records: [String: MediaWatchRecord] = [:]
        for row in try connection.query("""
            SELECT media_id, recording, intervals, duration, first_report_at, last_report_at FROM media_watch
            WHERE user_id = $1 AND course_id = $2 AND module_id = $3
            """, userID.rawValue, courseID, moduleID) {
            // A record whose intervals cannot be read counts as nothing watched (it is rewritten on the next report).
            let intervals = MediaWatch.decode(try row.decode(at: 2)) ?? []
            records[try row.decode(at: 0)] = MediaWatchRecord(recording: try row.decode(at: 1), intervals: intervals,
                                                              duration: try row.decode(at: 3),
                                                              firstReportAt: try row.decode(at: 4),
                                                              lastReportAt: try row.decode(at: 5))
        }
        return records
    }

    public func lines(courseID: String, moduleID: String,
                      scope: AccessScope?) throws -> (lines: [WatchLine], completedByWatching: Int) {
        try pool.transaction(.repeatableRead) { connection in
            var arguments: [(any PostgresBindable)?] = [courseID, moduleID]
            var join = ""
            var condition = "true"
            if let scope {
                join = "JOIN users u ON u.id = w.user_id JOIN departments d ON d.id = u.department_id"
                condition = PostgresYearlyRequirements.rangeCondition(scope.prefixes, &arguments)
            }
            let lines = try connection.query("""
                SELECT w.user_id, w.media_id, w.recording, w.watched_seconds FROM media_watch w \(join)
                WHERE w.course_id = $1 AND w.module_id = $2 AND \(condition)
                """, arguments).map { row in
                WatchLine(userID: UserID(rawValue: try row.decode(at: 0)), mediaID: try row.decode(at: 1),
                          recording: try row.decode(at: 2), watchedSeconds: try row.decode(at: 3))
            }
            let completed: Int = try connection.query("""
                SELECT count(*) FROM media_watch_completions w \(join)
                WHERE w.course_id = $1 AND w.module_id = $2 AND \(condition)
                """, arguments)[0].decode(at: 0)
            return (lines, completed)
        }
    }
}
