// Public initialisers for the report values a storage engine outside this module builds from its rows.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension PersonLine {
    public init(_ userID: Int64, login: String, name: String, employeeNumber: String?, departmentID: Int64,
                state: CertificationStateName, certifiedAt: Double?, expiresAt: Double?, certificateID: String?,
                hours: Double, requiredHours: Double?) {
        self.userID = userID
        self.login = login
        self.name = name
        self.employeeNumber = employeeNumber
        self.departmentID = departmentID
        self.state = state
        self.certifiedAt = certifiedAt
        self.expiresAt = expiresAt
        self.certificateID = certificateID
        self.hours = hours
        self.requiredHours = requiredHours
    }
}

extension DepartmentSummary {
    public init(_ department: Department, people: Int, counts: [CertificationStateName: Int]) {
        self.department = department
        self.people = people
        self.counts = counts
    }
}

extension PersonRecord {
    public init(_ userID: UserID, login: String, name: String, employeeNumber: String?, departmentID: DepartmentID,
                disabled: Bool, certifications: [Certification], certificates: [Certificate], hours: [YearHours],
                requiredHours: Double?) {
        self.userID = userID
        self.login = login
        self.name = name
        self.employeeNumber = employeeNumber
        self.departmentID = departmentID
        self.disabled = disabled
        self.certifications = certifications
        self.certificates = certificates
        self.hours = hours
        self.requiredHours = requiredHours
    }
}

extension PersonRecord.Certification {
    public init(_ programID: String, state: CertificationStateName, certifiedAt: Double?, expiresAt: Double?,
                windowOpensAt: Double?, certificateID: String?) {
        self.programID = programID
        self.state = state
        self.certifiedAt = certifiedAt
        self.expiresAt = expiresAt
        self.windowOpensAt = windowOpensAt
        self.certificateID = certificateID
    }
}

extension PersonRecord.Certificate {
    public init(_ id: String, programID: String, kind: String, issuedAt: Double, expiresAt: Double, revokedAt: Double?,
                revokedReason: String?) {
        self.id = id
        self.programID = programID
        self.kind = kind
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
    }
}

extension PersonRecord.YearHours {
    public init(_ year: Int, hours: Double) {
        self.year = year
        self.hours = hours
    }
}
