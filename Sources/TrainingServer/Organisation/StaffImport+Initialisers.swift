// Public initialisers for the staff import values a storage engine outside this module builds from its rows.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension StaffImport.Existing {
    public init(_ id: UserID, employeeNumber: String?, login: String, name: String, department: [String],
                grants: Set<StaffImport.Grant>, disabled: Bool, timeFactor: Double, jobCategory: String?, email: String?) {
        self.id = id
        self.employeeNumber = employeeNumber
        self.login = login
        self.name = name
        self.department = department
        self.grants = grants
        self.disabled = disabled
        self.timeFactor = timeFactor
        self.jobCategory = jobCategory
        self.email = email
    }
}

extension StaffImport.Grant {
    public init(_ role: Role, department: [String]) {
        self.role = role
        self.department = department
    }
}

extension StaffImportUpload {
    public init(_ id: String, userID: UserID, fileName: String, sha256: String, content: [UInt8], createdAt: Double) {
        self.id = id
        self.userID = userID
        self.fileName = fileName
        self.sha256 = sha256
        self.content = content
        self.createdAt = createdAt
    }
}

extension StaffImportRecord {
    public init(_ id: Int64, at: Double, actor: String, fileName: String, sha256: String, scope: [String], created: Int,
                updated: Int, disabled: Int, unchanged: Int, departments: Int, warnings: Int) {
        self.id = id
        self.at = at
        self.actor = actor
        self.fileName = fileName
        self.sha256 = sha256
        self.scope = scope
        self.created = created
        self.updated = updated
        self.disabled = disabled
        self.unchanged = unchanged
        self.departments = departments
        self.warnings = warnings
    }
}
