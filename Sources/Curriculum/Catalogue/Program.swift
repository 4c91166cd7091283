/// A certification programme from `Courses/programs/<id>.yaml`.
public struct Program: Sendable, Hashable, Identifiable {
    public let id: ProgramID
    public let title: LocalizedText
    public let summary: LocalizedText
    /// All must be passed to certify.
    public let courses: [CourseID]
    /// Study hours in the ledger needed in addition to the courses.
    public let minStudyHours: Double
    /// How long a certificate is valid.
    public let validityDays: Int
    /// The window before expiry in which renewal is possible.
    public let renewalWindowDays: Int
    public let expiryBase: ExpiryBase
    /// What renewal requires instead of all courses; nil means renewal requires the courses again.
    public let recertification: Recertification?
    public let contentHash: String
    /// The file, relative to the catalogue directory (`programs/<id>.yaml`).
    public let source: SourceReference

    public init(id: ProgramID, title: LocalizedText, summary: LocalizedText, courses: [CourseID],
                minStudyHours: Double = 0, validityDays: Int, renewalWindowDays: Int, expiryBase: ExpiryBase,
                recertification: Recertification?, source: SourceReference) {
        self.id = id
        self.title = title
        self.summary = summary
        self.courses = courses
        self.minStudyHours = minStudyHours
        self.validityDays = validityDays
        self.renewalWindowDays = renewalWindowDays
        self.expiryBase = expiryBase
        self.recertification = recertification
        self.source = source
        self.contentHash = ContentHashes.program(
            id: id, title: title, summary: summary, courses: courses, minStudyHours: minStudyHours,
            validityDays: validityDays, renewalWindowDays: renewalWindowDays, expiryBase: expiryBase,
            recertification: recertification)
    }
}

/// What a renewed certificate's new expiry counts from.
public enum ExpiryBase: String, Sendable, Hashable, Codable, CaseIterable {
    /// The date the renewal was completed.
    case completion
    /// The previous certificate's expiry date, so renewing early loses nothing.
    case previousExpiry = "previous_expiry"
}

/// The recertification path: all of `courses`, plus `choose` of the courses in `from` whose completion quiz
/// was passed within the renewal window.
public struct Recertification: Sendable, Hashable {
    public let courses: [CourseID]
    public let choose: Int
    public let from: [CourseID]

    public init(courses: [CourseID], choose: Int = 0, from: [CourseID] = []) {
        self.courses = courses
        self.choose = choose
        self.from = from
    }
}
