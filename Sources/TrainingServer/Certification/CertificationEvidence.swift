import Curriculum

/// Everything the engine replays for one person and one programme: course completions, study-hour credits and
/// revocations. Instants are seconds since 1970. Order does not matter; the engine sorts.
public struct CertificationEvidence: Sendable, Hashable, Codable {
    /// One completion of a course: every module completed and the completion quiz passed. A course completed again
    /// (a renewal passes the completion quiz once more) gives one completion per passing attempt.
    public struct Completion: Sendable, Hashable, Codable {
        public let course: CourseID
        /// When the course was completed: the later of the passing attempt's close and the last module completion.
        public let at: Double
        /// When the passing attempt at the course's completion quiz closed; nil for a course without one.
        public let quizPassedAt: Double?

        public init(course: CourseID, at: Double, quizPassedAt: Double? = nil) {
            self.course = course
            self.at = at
            self.quizPassedAt = quizPassedAt
        }

        /// The earliest instant the completion rests on. A completion counts from an instant (the renewal window's
        /// opening, a revocation) only when this is at or after it: the quiz must be passed again, not only the
        /// last module finished.
        public var earliest: Double { min(at, quizPassedAt ?? at) }
    }

    /// Study hours credited to the person (any course, the whole ledger).
    public struct Credit: Sendable, Hashable, Codable {
        public let at: Double
        public let hours: Double

        public init(at: Double, hours: Double) {
            self.at = at
            self.hours = hours
        }
    }

    /// A revocation by HR or an administrator.
    public struct Revocation: Sendable, Hashable, Codable {
        public let at: Double
        public let reason: String
        /// Who revoked: the account's identifier as the caller stores it.
        public let by: String

        public init(at: Double, reason: String, by: String) {
            self.at = at
            self.reason = reason
            self.by = by
        }
    }

    public var completions: [Completion]
    public var credits: [Credit]
    public var revocations: [Revocation]

    public init(completions: [Completion] = [], credits: [Credit] = [], revocations: [Revocation] = []) {
        self.completions = completions
        self.credits = credits
        self.revocations = revocations
    }
}
