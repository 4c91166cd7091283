/// A certification programme from `Courses/programs/<id>.yaml`.
public struct Program: Sendable, Hashable, Identifiable {
    /// Stable forever; certificates refer to it.
    public let id: ProgramID
    /// The programme's name in both languages.
    public let title: LocalizedText
    /// What the programme certifies.
    public let summary: LocalizedText
    /// What its certificate attests: competence or completion (it names the certificate).
    public let kind: ProgramKind
    /// All must be passed to certify.
    public let courses: [CourseID]
    /// Study hours in the ledger needed in addition to the courses.
    public let minStudyHours: Double
    /// How long a certificate is valid.
    public let validityDays: Int
    /// The window before expiry in which renewal is possible.
    public let renewalWindowDays: Int
    /// What a renewal's new expiry counts from.
    public let expiryBase: ExpiryBase
    /// What renewal requires instead of all courses; nil means renewal requires the courses again.
    public let recertification: Recertification?
    /// SHA-256 over everything above.
    public let contentHash: String
    /// The file, relative to the catalogue directory (`programs/<id>.yaml`).
    public let source: SourceReference

    /// A programme from its parts; the content hash is computed.
    public init(id: ProgramID, title: LocalizedText, summary: LocalizedText, kind: ProgramKind = .completion,
                courses: [CourseID], minStudyHours: Double = 0, validityDays: Int, renewalWindowDays: Int,
                expiryBase: ExpiryBase, recertification: Recertification?, source: SourceReference) {
        self.id = id
        self.title = title
        self.summary = summary
        self.kind = kind
        self.courses = courses
        self.minStudyHours = minStudyHours
        self.validityDays = validityDays
        self.renewalWindowDays = renewalWindowDays
        self.expiryBase = expiryBase
        self.recertification = recertification
        self.source = source
        self.contentHash = ContentHashes.program(
            id: id, title: title, summary: summary, kind: kind, courses: courses, minStudyHours: minStudyHours,
            validityDays: validityDays, renewalWindowDays: renewalWindowDays, expiryBase: expiryBase,
            recertification: recertification)
    }
}
