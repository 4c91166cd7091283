import GRDB
import TrainingServer

/// Study progress and the hours ledger in SQLite.
public struct SQLiteLearningRepository: LearningRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func progress(userID: UserID) throws -> [ModuleProgress] {
        try store.read { db in try Self.progress(db, userID: userID) }
    }

    /// The person's progress in the caller's read (the dashboard reads it with their other records in one).
    static func progress(_ db: Database, userID: UserID) throws -> [ModuleProgress] {
        try db.cachedStatement(sql: "SELECT \(progressColumns) FROM module_progress WHERE user_id = ?")
            .rows([userID.rawValue], Self.progress)
    }

    public func recordBeat(_ beat: StudyBeat) throws -> ModuleProgress {
        try store.write { db in
            let focus = try db.cachedStatement(sql: """
                SELECT session_key, course_id, module_id, last_beat_at FROM study_focus WHERE user_id = ?
                """).firstRow([beat.userID.rawValue]) { row in
                (sessionKey: row.string(0), courseID: row.string(1), moduleID: row.string(2), lastBeatAt: row.double(3))
            }
            let select = try db.cachedStatement(sql: """
                SELECT \(Self.progressColumns) FROM module_progress WHERE user_id = ? AND course_id = ? AND module_id = ?
                """)
            var found = try select.firstRow([beat.userID.rawValue, beat.courseID, beat.moduleID], Self.progress)
            if found == nil {
                try db.cachedStatement(sql: """
                    INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at, content_hash)
                    VALUES (?, ?, ?, 0, ?, ?, ?)
                    """).execute(arguments: [beat.userID.rawValue, beat.courseID, beat.moduleID, beat.now, beat.now, beat.contentHash])
                found = try select.firstRow([beat.userID.rawValue, beat.courseID, beat.moduleID], Self.progress)
            }
            guard var progress = found else { throw StoreError.notFound("module progress") }
            // Time counts only for the session and module that held the focus since the last beat.
            if let focus, focus.sessionKey == beat.sessionKey, focus.courseID == beat.courseID,
               focus.moduleID == beat.moduleID, !progress.isCompleted {
                let gap = beat.now - focus.lastBeatAt
                if gap > 0 && gap <= beat.maximumGap {
                    progress.seconds = min(beat.requiredSeconds, progress.seconds + gap)
                }
            }
            progress.lastActivityAt = beat.now
            if progress.completedAt == nil && progress.seconds >= beat.requiredSeconds {
                progress.completedAt = beat.now
                try Self.credit(db, userID: beat.userID, source: .module, courseID: beat.courseID, itemID: beat.moduleID,
                                hours: beat.hours, year: beat.year, at: beat.now)
            }
            try db.cachedStatement(sql: """
                UPDATE module_progress SET seconds = ?, last_activity_at = ?, completed_at = ?, content_hash = ?
                WHERE user_id = ? AND course_id = ? AND module_id = ?
                """).execute(arguments: [progress.seconds, progress.lastActivityAt, progress.completedAt, beat.contentHash,
                                 beat.userID.rawValue, beat.courseID, beat.moduleID])
            try db.cachedStatement(sql: """
                INSERT INTO study_focus (user_id, session_key, course_id, module_id, last_beat_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET session_key = excluded.session_key, course_id = excluded.course_id,
                    module_id = excluded.module_id, last_beat_at = excluded.last_beat_at
                """).execute(arguments: [beat.userID.rawValue, beat.sessionKey, beat.courseID, beat.moduleID, beat.now])
            return progress
        }
    }

    public func credit(userID: UserID, source: HoursSource, courseID: String, itemID: String, hours: Double, year: Int,
                       at: Double) throws {
        try store.write { db in
            try Self.credit(db, userID: userID, source: source, courseID: courseID, itemID: itemID, hours: hours,
                            year: year, at: at)
        }
    }

    public func ledger(userID: UserID) throws -> [LedgerEntry] {
        try store.read { db in try Self.ledger(db, userID: userID) }
    }

    /// The ledger inside a read the caller holds (pages that read several records in one snapshot).
    static func ledger(_ db: Database, userID: UserID) throws -> [LedgerEntry] {
        try db.cachedStatement(sql: """
            SELECT year, source, course_id, item_id, hours, at FROM hours_ledger WHERE user_id = ? ORDER BY at
            """).rows([userID.rawValue]) { row in
            LedgerEntry(row.int(0), source: HoursSource(rawValue: row.string(1)) ?? .module,
                        courseID: row.string(2), itemID: row.string(3), hours: row.double(4), at: row.double(5))
        }
    }

    static func credit(_ db: Database, userID: UserID, source: HoursSource, courseID: String, itemID: String,
                       hours: Double, year: Int, at: Double) throws {
        guard hours > 0 else { return }
        try db.cachedStatement(sql: """
            INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, source, course_id, item_id) DO NOTHING
            """).execute(arguments: [userID.rawValue, year, source.rawValue, courseID, itemID, hours, at])
    }

    /// The columns `progress(_:)` reads, in its order.
    static let progressColumns = "course_id, module_id, seconds, started_at, last_activity_at, completed_at"

    static func progress(_ row: ColumnRow) -> ModuleProgress {
        ModuleProgress(row.string(0), moduleID: row.string(1), seconds: row.double(2),
                       startedAt: row.double(3), lastActivityAt: row.double(4), completedAt: row.optionalDouble(5))
    }
}
