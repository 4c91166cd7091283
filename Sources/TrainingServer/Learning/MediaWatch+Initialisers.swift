// Public initialisers for the watching values a storage engine outside this module returns.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension WatchOutcome {
    public init(_ record: MediaWatchRecord, credited: Double, refused: Double) {
        self.record = record
        self.credited = credited
        self.refused = refused
    }
}

extension WatchReportResult {
    public init(_ outcome: WatchOutcome, moduleCompleted: Bool, completedNow: Bool, allowance: Double) {
        self.outcome = outcome
        self.moduleCompleted = moduleCompleted
        self.completedNow = completedNow
        self.allowance = allowance
    }
}
