// Public initialisers for the audit log page's values a storage engine outside this module builds from its rows.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension AuditRecord {
    public init(_ entry: AuditEntry, actorName: String?, subjectUserID: Int64?, subjectLogin: String?, subjectName: String?,
                subjectDepartmentID: Int64?) {
        self.entry = entry
        self.actorName = actorName
        self.subjectUserID = subjectUserID
        self.subjectLogin = subjectLogin
        self.subjectName = subjectName
        self.subjectDepartmentID = subjectDepartmentID
    }
}

extension AuditPage {
    public init(_ records: [AuditRecord], total: Int, totalExact: Bool, offset: Int, limit: Int) {
        self.records = records
        self.total = total
        self.totalExact = totalExact
        self.offset = offset
        self.limit = limit
    }
}
