/// A training plan from `Courses/plans/<id>.yaml`: courses and programmes assigned to audiences, with due rules.
///
/// The platform turns every entry into an assignment whose key is `<plan id>/<entry id>`, so both ids are stable:
/// renaming an entry's id withdraws the old assignment and creates a new one.
public struct Plan: Sendable, Hashable, Identifiable {
    /// Stable forever; the assignments made from the plan are keyed by it.
    public let id: PlanID
    /// The plan's name in both languages.
    public let title: LocalizedText
    /// In the order written.
    public let entries: [PlanEntry]
    /// SHA-256 over everything above.
    public let contentHash: String
    /// The file, relative to the catalogue directory (`plans/<id>.yaml`).
    public let source: SourceReference

    /// A plan from its parts; the content hash is computed.
    public init(id: PlanID, title: LocalizedText, entries: [PlanEntry], source: SourceReference) {
        self.id = id
        self.title = title
        self.entries = entries
        self.source = source
        self.contentHash = ContentHashes.plan(id: id, title: title, entries: entries)
    }

    /// The entry with `id`.
    public func entry(_ id: String) -> PlanEntry? {
        entries.first { $0.id == id }
    }
}

/// A plan's stable identifier, such as `security-2027`.
public struct PlanID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The id as written in the plan file.
    public let rawValue: String
    /// Wraps an id as written in the plan file.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps an id as written in the plan file.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The id as written.
    public var description: String { rawValue }
    /// Orders ids alphabetically.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One line of a plan: what is assigned, to whom, required or elective, and by when.
public struct PlanEntry: Sendable, Hashable, Identifiable {
    /// Stable within its plan.
    public let id: String
    /// The course or programme assigned.
    public let item: PlanItem
    /// Required (counts towards what is due) or elective (offered).
    public let required: Bool
    /// Who it is assigned to.
    public let audience: PlanAudience
    /// By when it is due.
    public let due: PlanDueRule
    /// Where the entry starts in its file (sync problems point there).
    public let line: Int
    /// Where the entry's audience is written (a department or person that cannot be found is reported there).
    public let audienceLine: Int

    public init(id: String, item: PlanItem, required: Bool, audience: PlanAudience, due: PlanDueRule,
                line: Int = 1, audienceLine: Int = 1) {
        self.id = id
        self.item = item
        self.required = required
        self.audience = audience
        self.due = due
        self.line = line
        self.audienceLine = audienceLine
    }
}

/// What a plan entry assigns.
public enum PlanItem: Sendable, Hashable {
    case course(CourseID)
    case program(ProgramID)

    /// `course` or `program`, as the key is written.
    public var kind: String {
        switch self {
        case .course: "course"
        case .program: "program"
        }
    }

    /// The course's or programme's id.
    public var id: String {
        switch self {
        case .course(let id): id.rawValue
        case .program(let id): id.rawValue
        }
    }
}

/// Who a plan entry is assigned to.
public enum PlanAudience: Sendable, Hashable {
    /// Everyone in the department (names from the top of the tree), below it too when `includeSubtree`,
    /// of `jobCategory` only when given.
    case department(path: [String], includeSubtree: Bool, jobCategory: String?)
    /// The people named by login or employee number. `department`, when given, is the anchor they must all
    /// belong to (its subtree); without it the anchor is the closest department above all of them.
    case people([String], department: [String]?)

    /// The department path as written, names joined by `/`.
    public var departmentPath: String? {
        switch self {
        case .department(let path, _, _): path.joined(separator: "/")
        case .people(_, let department): department?.joined(separator: "/")
        }
    }
}

/// By when a plan entry is due.
public enum PlanDueRule: Sendable, Hashable {
    /// No due day (usual for electives).
    case none
    /// A fixed last day, `YYYY-MM-DD`, inclusive, in the platform's time zone.
    case fixed(String)
    /// N days after the person was assigned.
    case afterAssignment(Int)
    /// N days after the person joined their department.
    case afterJoining(Int)
}
