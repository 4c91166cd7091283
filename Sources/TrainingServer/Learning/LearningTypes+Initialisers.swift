import Assessment

// Public initialisers for the learning values a storage engine outside this module builds from its rows (and its
// tests pass in).
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension ModuleProgress {
    public init(_ courseID: String, moduleID: String, seconds: Double, startedAt: Double, lastActivityAt: Double,
                completedAt: Double?) {
        self.courseID = courseID
        self.moduleID = moduleID
        self.seconds = seconds
        self.startedAt = startedAt
        self.lastActivityAt = lastActivityAt
        self.completedAt = completedAt
    }
}

extension LedgerEntry {
    public init(_ year: Int, source: HoursSource, courseID: String, itemID: String, hours: Double, at: Double) {
        self.year = year
        self.source = source
        self.courseID = courseID
        self.itemID = itemID
        self.hours = hours
        self.at = at
    }
}

extension StudyBeat {
    public init(_ userID: UserID, sessionKey: String, courseID: String, moduleID: String, contentHash: String,
                requiredSeconds: Double, hours: Double, maximumGap: Double, now: Double, year: Int) {
        self.userID = userID
        self.sessionKey = sessionKey
        self.courseID = courseID
        self.moduleID = moduleID
        self.contentHash = contentHash
        self.requiredSeconds = requiredSeconds
        self.hours = hours
        self.maximumGap = maximumGap
        self.now = now
        self.year = year
    }
}

extension StoredAttempt {
    public init(_ attempt: Attempt, userID: UserID, courseID: String, quizHash: String, closedAt: Double?,
                mark: Double?, maxMark: Double, fraction: Double?, passed: Bool?) {
        self.attempt = attempt
        self.userID = userID
        self.courseID = courseID
        self.quizHash = quizHash
        self.closedAt = closedAt
        self.mark = mark
        self.maxMark = maxMark
        self.fraction = fraction
        self.passed = passed
    }
}
