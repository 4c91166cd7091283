// Public initialisers for the account values a storage engine outside this module builds from its rows.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension Department {
    public init(_ id: DepartmentID, parentID: DepartmentID?, name: String, idPath: String, namePath: [String]) {
        self.id = id
        self.parentID = parentID
        self.name = name
        self.idPath = idPath
        self.namePath = namePath
    }
}

extension User {
    public init(_ id: UserID, login: String, displayName: String, employeeNumber: String?, departmentID: DepartmentID,
                disabled: Bool, language: String?, accommodationFactor: Double, grants: [RoleGrant], timeZone: String?,
                jobCategory: String?, requiredHours: Double?, unreadNotices: Int, unreadAnnouncements: Int) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.employeeNumber = employeeNumber
        self.departmentID = departmentID
        self.disabled = disabled
        self.language = language
        self.accommodationFactor = accommodationFactor
        self.grants = grants
        self.timeZone = timeZone
        self.jobCategory = jobCategory
        self.requiredHours = requiredHours
        self.unreadNotices = unreadNotices
        self.unreadAnnouncements = unreadAnnouncements
    }
}

extension SessionRecord {
    public init(_ id: Int64, userID: UserID, csrfSecret: String, createdAt: Double, idleExpiresAt: Double,
                absoluteExpiresAt: Double, method: SignInMethod, providerSession: String?) {
        self.id = id
        self.userID = userID
        self.csrfSecret = csrfSecret
        self.createdAt = createdAt
        self.idleExpiresAt = idleExpiresAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.method = method
        self.providerSession = providerSession
    }
}

extension SignInRecord {
    public init(_ method: SignInMethod, secondFactor: Bool, at: Double, clientAddress: String) {
        self.method = method
        self.secondFactor = secondFactor
        self.at = at
        self.clientAddress = clientAddress
    }
}

extension AuditEntry {
    public init(_ id: Int64, at: Double, actorUserID: Int64?, actor: String, action: String, subject: String,
                details: String, prevHash: String, hash: String) {
        self.id = id
        self.at = at
        self.actorUserID = actorUserID
        self.actor = actor
        self.action = action
        self.subject = subject
        self.details = details
        self.prevHash = prevHash
        self.hash = hash
    }
}
