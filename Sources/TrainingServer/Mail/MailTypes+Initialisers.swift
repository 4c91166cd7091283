// Public initialisers for the mail values a storage engine outside this module returns.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension OutboxMessage {
    public init(_ id: Int64, kind: String, recipient: String, subject: String, body: String, html: String?,
                unsubscribeURL: String?, sensitive: Bool, messageID: String?, state: OutboxState, attempts: Int,
                createdAt: Double, nextAttemptAt: Double, expiresAt: Double?, sentAt: Double?, failedAt: Double?,
                discardedAt: Double?, lastError: String?) {
        self.id = id
        self.kind = kind
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.html = html
        self.unsubscribeURL = unsubscribeURL
        self.sensitive = sensitive
        self.messageID = messageID
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.expiresAt = expiresAt
        self.sentAt = sentAt
        self.failedAt = failedAt
        self.discardedAt = discardedAt
        self.lastError = lastError
    }
}

extension DigestOverduePerson {
    public init(_ userID: UserID, name: String, departmentID: DepartmentID, dueDay: String) {
        self.userID = userID
        self.name = name
        self.departmentID = departmentID
        self.dueDay = dueDay
    }
}
