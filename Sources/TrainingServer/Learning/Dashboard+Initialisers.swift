import Assessment
import Foundation

// Public initialisers for the dashboard values a storage engine outside this module builds from its rows.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension DashboardSnapshot {
    public init(_ progress: [ModuleProgress], records: LearnerRecords, memberships: [PersonAssignment],
                certificationStates: [String: CertificationStateName],
                announcements: [(notice: Notice, announcement: Announcement)]) {
        self.progress = progress
        self.records = records
        self.memberships = memberships
        self.certificationStates = certificationStates
        self.announcements = announcements
    }
}
