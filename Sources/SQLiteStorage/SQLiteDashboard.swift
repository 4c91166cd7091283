import Assessment
import GRDB
import TrainingServer

/// What the dashboard shows of a person, read in one read transaction: their module progress, their records (quiz
/// outcomes, hours ledger, passes, certificates), their assignment memberships (with their certification states when
/// a programme is assigned to them), and their unread announcements when asked for. Each database read costs a
/// reader checkout and a transaction of its own, more than these indexed queries themselves: one read instead of the
/// four the separate repositories make keeps the page near what it cost before it showed assigned training and
/// announcements. The caller writes the person's held study beats first (`LearningRepository.writeHeldBeats`).
public struct SQLiteDashboard: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public typealias Snapshot = DashboardSnapshot

    /// The person's snapshot; `announcementsOn` is the day to show announcements for, or nil to leave them out (the
    /// person has none unread: `User.unreadAnnouncements` is 0).
    public func snapshot(of userID: UserID, announcementsOn today: ISODay?) throws -> Snapshot {
        try store.read { db in
            let memberships = try SQLiteAssignmentRepository.memberships(db, userID: userID)
            let states = memberships.contains { $0.assignment.item.kind == .program }
                ? try SQLiteAssignmentRepository.certificationStates(db, userID: userID) : [:]
            return Snapshot(try SQLiteLearningRepository.progress(db, userID: userID),
                            records: try SQLiteCertificationRepository.learnerRecords(db, userID: userID),
                            memberships: memberships, certificationStates: states,
                            announcements: try today.map { try SQLiteNotices.unreadAnnouncements(db, userID: userID, today: $0) } ?? [])
        }
    }
}

extension SQLiteDashboard {
    /// The person's module progress and quiz outcomes in one read: what the catalogue and a course page show of
    /// them (each course's state, each module's and quiz's), from one snapshot.
    public func courseRecords(of userID: UserID) throws -> (progress: [ModuleProgress], outcomes: [QuizOutcome]) {
        try store.read { db in
            (try SQLiteLearningRepository.progress(db, userID: userID), try SQLiteAttemptRepository.outcomes(db, userID: userID))
        }
    }
}
