import Assessment
import GRDB
import TrainingServer

extension SQLiteAttemptRepository {
    /// How many of the person's attempts at the quiz started at or after `since`, and whether one is open: two index
    /// searches (`quiz_attempts_starts`, and the partial index of open attempts), reading no steps and only the
    /// attempts of the day, so the cost does not grow with the person's history.
    public func starts(userID: UserID, courseID: String, quizID: QuizID, since: Double) throws -> AttemptStarts {
        try store.read { db in try Self.starts(db, [userID.rawValue, courseID, quizID.rawValue], since: since) }
    }

    /// `starts` inside a read the caller holds; `arguments` are the person, course and quiz.
    static func starts(_ db: Database, _ arguments: StatementArguments, since: Double) throws -> AttemptStarts {
        let statement = try db.cachedStatement(sql: """
            SELECT (SELECT count(*) FROM quiz_attempts
                    WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3 AND started_at >= ?4) AS started,
                   EXISTS (SELECT 1 FROM quiz_attempts
                           WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3 AND closed_at IS NULL) AS open
            """)
        return try statement.firstRow(arguments + [since]) { row in
            AttemptStarts(started: row.int(0), hasOpen: row.bool(1))
        } ?? AttemptStarts(started: 0, hasOpen: false)
    }
}
