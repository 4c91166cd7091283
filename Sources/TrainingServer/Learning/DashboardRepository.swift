import Assessment

/// What the dashboard shows of a person, read at once (`DashboardRepository.snapshot`).
public typealias DashboardSnapshot = SQLiteDashboard.Snapshot

/// The dashboard's and the course pages' reads of a person's records, each in one read of the database (see
/// docs/architecture.md, "Reads per page"). The caller writes the person's held study beats first
/// (`LearningRepository.writeHeldBeats`).
public protocol DashboardRepository: Sendable {
    /// The person's snapshot; `announcementsOn` is the day to show announcements for, or nil to leave them out.
    func snapshot(of userID: UserID, announcementsOn today: ISODay?) throws -> DashboardSnapshot
    /// The person's module progress and quiz outcomes (the catalogue and course pages).
    func courseRecords(of userID: UserID) throws -> (progress: [ModuleProgress], outcomes: [QuizOutcome])
}
