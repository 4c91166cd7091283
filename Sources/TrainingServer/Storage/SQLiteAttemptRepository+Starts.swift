import Assessment
import GRDB

extension SQLiteAttemptRepository {
    /// One aggregate over the person's attempts at the quiz (the `(user_id, course_id, quiz_id, number)` index),
    /// reading no steps.
    public func starts(userID: UserID, courseID: String, quizID: QuizID, since: Double) throws -> AttemptStarts {
        try store.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(started_at >= ?), 0) AS started, COALESCE(MAX(closed_at IS NULL), 0) AS open
                FROM quiz_attempts WHERE user_id = ? AND course_id = ? AND quiz_id = ?
                """, arguments: [since, userID.rawValue, courseID, quizID.rawValue])
            let started: Int = row?["started"] ?? 0
            let open: Int = row?["open"] ?? 0
            return AttemptStarts(started: started, hasOpen: open != 0)
        }
    }
}
