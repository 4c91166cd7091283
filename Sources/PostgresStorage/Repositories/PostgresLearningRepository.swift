import TrainingServer

/// Study progress and the hours ledger on PostgreSQL, with the SQLite engine's accrual rules.
///
/// **Concurrency.** A beat reads the person's study focus and module progress, then writes both: SQLite's single
/// writer kept two beats of one person from interleaving. Here `recordBeat` takes an advisory lock on the person
/// (`study` namespace) for its transaction, so beats of one person arriving at two servers at once take turns (the
/// second sees the focus the first moved), while different people's beats run side by side. Hours are credited once
/// per (person, source, course, item) by the `hours_ledger` unique key (`ON CONFLICT DO NOTHING`), whichever server
/// credits first.
public struct PostgresLearningRepository: LearningRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func progress(userID: UserID) throws -> [ModuleProgress] {
        try pool.withConnection { connection in try Self.progress(connection, userID: userID) }
    }

    /// The person's module progress, on the caller's connection.
    static func progress(_ connection: PostgresConnection, userID: UserID) throws -> [ModuleProgress] {
        try connection.query("""
            SELECT course_id, module_id, seconds, started_at, last_activity_at, completed_at
            FROM module_progress WHERE user_id = $1
            """, userID.rawValue).map(Self.progress)
    }

    public func recordBeat(_ beat: StudyBeat) throws -> ModuleProgress {
        try pool.transaction { connection in
            try PostgresLocks.lock(texts: [String(beat.userID.rawValue)], namespace: "study", on: connection)
            let focus = try connection.query("""
                SELECT session_key, course_id, module_id, last_beat_at FROM study_focus WHERE user_id = $1
                """, beat.userID.rawValue).first
            try connection.execute("""
                INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at, content_hash)
                VALUES ($1, $2, $3, 0, $4, $4, $5)
                ON CONFLICT (user_id, course_id, module_id) DO NOTHING
                """, beat.userID.rawValue, beat.courseID, beat.moduleID, beat.now, beat.contentHash)
            let row = try connection.query("""
                SELECT course_id, module_id, seconds, started_at, last_activity_at, completed_at
                FROM module_progress WHERE user_id = $1 AND course_id = $2 AND module_id = $3
                """, beat.userID.rawValue, beat.courseID, beat.moduleID)[0]
            var progress = try Self.progress(row)
            // Time counts only for the session and module that held the focus since the last beat.
            if let focus, try focus.decode(String.self, at: 0) == beat.sessionKey,
               try focus.decode(String.self, at: 1) == beat.courseID, try focus.decode(String.self, at: 2) == beat.moduleID,
               !progress.isCompleted {
                let gap = beat.now - (try focus.decode(Double.self, at: 3))
                if gap > 0 && gap <= beat.maximumGap {
                    progress.seconds = min(beat.requiredSeconds, progress.seconds + gap)
                }
            }
            progress.lastActivityAt = beat.now
            if progress.completedAt == nil && progress.seconds >= beat.requiredSeconds {
                progress.completedAt = beat.now
                try Self.credit(connection, userID: beat.userID, source: .module, courseID: beat.courseID,
                                itemID: beat.moduleID, hours: beat.hours, year: beat.year, at: beat.now)
            }
            try connection.execute("""
                UPDATE module_progress SET seconds = $1, last_activity_at = $2, completed_at = $3, content_hash = $4
                WHERE user_id = $5 AND course_id = $6 AND module_id = $7
                """, progress.seconds, progress.lastActivityAt, progress.completedAt, beat.contentHash,
                beat.userID.rawValue, beat.courseID, beat.moduleID)
            try connection.execute("""
                INSERT INTO study_focus (user_id, session_key, course_id, module_id, last_beat_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (user_id) DO UPDATE SET session_key = excluded.session_key, course_id = excluded.course_id,
                    module_id = excluded.module_id, last_beat_at = excluded.last_beat_at
                """, beat.userID.rawValue, beat.sessionKey, beat.courseID, beat.moduleID, beat.now)
            return progress
        }
    }

    public func credit(userID: UserID, source: HoursSource, courseID: String, itemID: String, hours: Double, year: Int,
                       at: Double) throws {
        try pool.withConnection { connection in
            try Self.credit(connection, userID: userID, source: source, courseID: courseID, itemID: itemID, hours: hours,
                            year: year, at: at)
        }
    }

    /// The person's credits in the order they were made.
    public func ledger(userID: UserID) throws -> [LedgerEntry] {
        try pool.withConnection { connection in try Self.ledger(connection, userID: userID) }
    }

    /// The person's credits in the order they were made, on the caller's connection (and in its snapshot).
    static func ledger(_ connection: PostgresConnection, userID: UserID) throws -> [LedgerEntry] {
        try connection.query("""
            SELECT year, source, course_id, item_id, hours, at FROM hours_ledger WHERE user_id = $1 ORDER BY at, id
            """, userID.rawValue).map { row in
            LedgerEntry(try row.decode(at: 0), source: HoursSource(rawValue: try row.decode(at: 1)) ?? .module,
                        courseID: try row.decode(at: 2), itemID: try row.decode(at: 3), hours: try row.decode(at: 4),
                        at: try row.decode(at: 5))
        }
    }

    static func credit(_ connection: PostgresConnection, userID: UserID, source: HoursSource, courseID: String,
                       itemID: String, hours: Double, year: Int, at: Double) throws {
        guard hours > 0 else { return }
        try connection.execute("""
            INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (user_id, source, course_id, item_id) DO NOTHING
            """, userID.rawValue, year, source.rawValue, courseID, itemID, hours, at)
    }

    static func progress(_ row: PostgresRow) throws -> ModuleProgress {
        ModuleProgress(try row.decode(at: 0), moduleID: try row.decode(at: 1), seconds: try row.decode(at: 2),
                       startedAt: try row.decode(at: 3), lastActivityAt: try row.decode(at: 4),
                       completedAt: try row.decodeIfPresent(at: 5))
    }
}
