import Assessment

// Public initialisers for the notice values a storage engine outside this module returns.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension Notice {
    public init(_ id: Int64, userID: UserID, kind: NoticeKind, parameters: [String: String], link: String?,
                dedupeKey: String, announcementID: Int64?, createdAt: Double, readAt: Double?) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.parameters = parameters
        self.link = link
        self.dedupeKey = dedupeKey
        self.announcementID = announcementID
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

extension Announcement {
    public init(_ id: Int64, departmentID: DepartmentID, title: String, body: String, endsOn: ISODay?, createdBy: UserID?,
                createdAt: Double, withdrawnAt: Double?, recipients: Int = 0, readers: Int = 0) {
        self.id = id
        self.departmentID = departmentID
        self.title = title
        self.body = body
        self.endsOn = endsOn
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.withdrawnAt = withdrawnAt
        self.recipients = recipients
        self.readers = readers
    }
}

extension NoticeRecipient {
    public init(_ userID: UserID, displayName: String, email: String?, language: Language?, reminderMail: Bool,
                disabled: Bool) {
        self.userID = userID
        self.displayName = displayName
        self.email = email
        self.language = language
        self.reminderMail = reminderMail
        self.disabled = disabled
    }
}

extension ReminderAssignment {
    public init(_ id: Int64, name: String, item: AssignmentItem) {
        self.id = id
        self.name = name
        self.item = item
    }
}

extension ReminderMember {
    public init(_ userID: UserID, due: String?) {
        self.userID = userID
        self.due = due
    }
}

extension ReminderDecision {
    public init(_ requestID: Int64, userID: UserID, approved: Bool, day: String?, note: String?, assignmentID: Int64,
                assignmentName: String) {
        self.requestID = requestID
        self.userID = userID
        self.approved = approved
        self.day = day
        self.note = note
        self.assignmentID = assignmentID
        self.assignmentName = assignmentName
    }
}

extension ReminderCertificationEvent {
    public init(_ id: Int64, userID: UserID, kind: String, programID: String?, expiresAt: Double?) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.programID = programID
        self.expiresAt = expiresAt
    }
}
