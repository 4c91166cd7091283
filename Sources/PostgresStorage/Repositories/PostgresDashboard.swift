import Assessment
import TrainingServer

/// What the dashboard shows of a person on PostgreSQL, as the SQLite engine's `SQLiteDashboard`: their module
/// progress, records (quiz outcomes, hours ledger, passes, certificates), assignment memberships (with certification
/// states when a programme is assigned to them) and unread announcements when asked for, all read in ONE
/// repeatable-read transaction on one connection, so the page is one snapshot (a module completed meanwhile shows
/// in both the progress and the ledger, or in neither) and costs one checkout of the pool.
public struct PostgresDashboard: DashboardRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func snapshot(of userID: UserID, announcementsOn today: ISODay?) throws -> DashboardSnapshot {
        try pool.transaction(.repeatableRead) { connection in
            let memberships = try PostgresAssignmentRepository.memberships(connection, userID: userID)
            let states = memberships.contains { $0.assignment.item.kind == .program }
                ? try PostgresAssignmentRepository.certificationStates(connection, userID: userID) : [:]
            return DashboardSnapshot(
                try PostgresLearningRepository.progress(connection, userID: userID),
                records: try PostgresCertificationRepository.learnerRecords(connection, userID: userID),
                memberships: memberships, certificationStates: states,
                announcements: try today.map { try PostgresNotices.unreadAnnouncements(connection, userID: userID, today: $0) } ?? [])
        }
    }

    public func courseRecords(of userID: UserID) throws -> (progress: [ModuleProgress], outcomes: [QuizOutcome]) {
        try pool.transaction(.repeatableRead) { connection in
            (try PostgresLearningRepository.progress(connection, userID: userID),
             try PostgresAttemptRepository.outcomes(connection, userID: userID))
        }
    }
}
