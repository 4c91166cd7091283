import Assessment

/// What the dashboard shows of a person, read at once (`DashboardRepository.snapshot`).
public struct DashboardSnapshot: Sendable {
    public var progress: [ModuleProgress]
    public var records: LearnerRecords
    /// Current and past, withdrawn assignments included, as `AssignmentRepository.memberships(of:)` gives them.
    public var memberships: [PersonAssignment]
    /// Read only when one of the memberships is of a programme; empty otherwise.
    public var certificationStates: [String: CertificationStateName]
    /// Unread announcements still shown on the day asked for, newest first; empty when not asked for.
    public var announcements: [(notice: Notice, announcement: Announcement)]
}

/// The dashboard's and the course pages' reads of a person's records, each in one read of the database (see
/// docs/architecture.md, "Reads per page"). The caller writes the person's held study beats first
/// (`LearningRepository.writeHeldBeats`).
public protocol DashboardRepository: Sendable {
    /// The person's snapshot; `announcementsOn` is the day to show announcements for, or nil to leave them out.
    func snapshot(of userID: UserID, announcementsOn today: ISODay?) throws -> DashboardSnapshot
    /// The person's module progress and quiz outcomes (the catalogue and course pages).
    func courseRecords(of userID: UserID) throws -> (progress: [ModuleProgress], outcomes: [QuizOutcome])
}
