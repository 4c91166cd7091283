/// What HR may see of one person: account, standing in each programme, certificates and study hours per year.
/// Course progress and attempts come from the learning repositories, as the person's own pages show them.
public struct PersonRecord: Sendable, Hashable {
    /// The person's standing in one programme.
    public struct Certification: Sendable, Hashable {
        public var programID: String
        public var state: CertificationStateName
        public var certifiedAt: Double?
        public var expiresAt: Double?
        public var windowOpensAt: Double?
        public var certificateID: String?
    }

    /// One issued certificate; its id is public and names its verification page.
    public struct Certificate: Sendable, Hashable {
        public var id: String
        public var programID: String
        public var kind: String
        public var issuedAt: Double
        public var expiresAt: Double
        public var revokedAt: Double?
        public var revokedReason: String?
    }

    /// Study hours credited in one calendar year.
    public struct YearHours: Sendable, Hashable {
        public var year: Int
        public var hours: Double
    }

    public var userID: UserID
    public var login: String
    public var name: String
    public var employeeNumber: String?
    public var departmentID: DepartmentID
    public var disabled: Bool
    public var certifications: [Certification]
    /// Newest first.
    public var certificates: [Certificate]
    /// Newest year first.
    public var hours: [YearHours]
    /// The person's own yearly requirement (`YearlyRequirementRules`); nil: the global one.
    public var requiredHours: Double? = nil

    /// Hours credited in `year` (0 when none).
    public func hours(in year: Int) -> Double { hours.first { $0.year == year }?.hours ?? 0 }
}
