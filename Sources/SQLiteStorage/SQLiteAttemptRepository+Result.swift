import Assessment
import GRDB
import TrainingServer

extension SQLiteAttemptRepository {
    /// The attempt `id` and the overview of its person's attempts at its quiz (as `overview` reads it, with the
    /// starts since `startsSince(attempt)`), in one read: what a result page shows.
    public func attemptWithOverview(id: AttemptID, limit: Int,
                                    startsSince: (StoredAttempt) -> Double?) throws -> (StoredAttempt, AttemptOverview)? {
        try store.read { db in
            guard let stored = try load(db, where: "id = ?", [id.rawValue]).first else { return nil }
            let arguments: StatementArguments = [stored.userID.rawValue, stored.courseID, stored.attempt.quizID.rawValue]
            let open = try load(db, where: Self.openAtQuiz, arguments)
            let tally = try Self.tally(db, arguments)
            let recent = limit > 0 ? try Self.latest(db, arguments, limit: limit) : []
            let starts = try startsSince(stored).map { try Self.starts(db, arguments, since: $0) }
            return (stored, AttemptOverview(open: open, tally: tally, recent: recent, starts: starts))
        }
    }
}
