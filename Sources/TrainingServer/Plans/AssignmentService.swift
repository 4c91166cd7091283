import Assessment
import Curriculum
import Foundation

/// Why an assignment could not be made: the form field it concerns, what is wrong and, for named people, the line.
public struct AssignmentProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        case nameMissing = "name_missing", nameTooLong = "name_too_long"
        case itemMissing = "item_missing", itemUnknown = "item_unknown"
        case departmentMissing = "department_missing"
        case jobCategoryInvalid = "job_category_invalid"
        case audienceMissing = "audience_missing"
        case peopleMissing = "people_missing", peopleTooMany = "people_too_many"
        /// The line names nobody the planner may assign (unknown, ambiguous or outside the scope: not told apart).
        case personUnknown = "person_unknown"
        /// The person is in the planner's scope but not inside the chosen department's subtree.
        case personOutside = "person_outside"
        case dueMissing = "due_missing"
        case dueDateInvalid = "due_date_invalid", dueDatePast = "due_date_past"
        case dueDaysInvalid = "due_days_invalid"
        case controlCharacter = "control_character"
    }

    public var field: String
    public var reason: Reason
    /// The line of the named-people list (1-based), for `personUnknown` and `personOutside`.
    public var line: Int?
    /// What the line said.
    public var value: String?

    public init(field: String, reason: Reason, line: Int? = nil, value: String? = nil) {
        self.field = field
        self.reason = reason
        self.line = line
        self.value = value
    }

    /// The translation key of the message (arguments: `line`, `value`, `limit`).
    public var messageKey: String { "plans.error.\(reason.rawValue)" }

    public var arguments: [String: String] {
        var arguments = ["limit": String(AssignmentService.peopleLimit), "max": String(DueRule.maximumDays)]
        if let line { arguments["line"] = String(line) }
        if let value { arguments["value"] = value }
        return arguments
    }

    public var description: String {
        let at = line.map { "line \($0) (\(value ?? "")): " } ?? ""
        let message: String = switch reason {
        case .nameMissing: "give the assignment a name"
        case .nameTooLong: "a name is at most \(AssignmentService.nameLimit) characters"
        case .itemMissing: "choose a course or programme"
        case .itemUnknown: "no such course or programme in the catalogue"
        case .departmentMissing: "choose a department in your scope"
        case .jobCategoryInvalid: "choose a job category from the list"
        case .audienceMissing: "choose a department or named people"
        case .peopleMissing: "name at least one person, one login or employee number a line"
        case .peopleTooMany: "name at most \(AssignmentService.peopleLimit) people"
        case .personUnknown: "no such person in your departments"
        case .personOutside: "this person is not in the chosen department"
        case .dueMissing: "choose when it is due"
        case .dueDateInvalid: "give the due date as YYYY-MM-DD"
        case .dueDatePast: "the due date is in the past"
        case .dueDaysInvalid: "give a number of days from 1 to \(DueRule.maximumDays)"
        case .controlCharacter: "\(field) contains a control character; remove it"
        }
        return at + message
    }
}

/// Several problems at once, in the order of the form's fields.
public struct AssignmentProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [AssignmentProblem]
    public init(_ problems: [AssignmentProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// An assignment as a form or API client gives it: text fields, checked by `AssignmentService.check`.
public struct AssignmentDraft: Sendable, Hashable {
    public var name = ""
    /// `course:<id>` or `program:<id>`.
    public var item = ""
    public var required = true
    /// "department" or "people".
    public var audience = "department"
    /// The anchor department's id.
    public var department = ""
    /// The anchor department's name path ("省/数据局/综合处"), where a scope has too many departments to list; used
    /// when `department` is empty.
    public var departmentPath = ""
    public var includeSubtree = true
    /// Empty: any job category.
    public var jobCategory = ""
    /// Logins or employee numbers, one a line.
    public var people = ""
    /// "none", "fixed", "after_assignment" or "after_joining".
    public var dueKind = "none"
    public var dueDate = ""
    public var dueDays = ""

    public init() {}
}

/// Creating and withdrawing assignments within a planner's scope, audited. Membership follows the organisation by
/// itself: the repositories that change people and departments reconcile it in their own transactions
/// (`SQLiteAssignmentRepository.reconcile`), and the server reconciles everything when it starts (`start`).
public struct AssignmentService: Sendable {
    public static let nameLimit = 200
    public static let peopleLimit = 1000
    public static let jobCategoryLimit = 60

    public let repository: any AssignmentRepository
    public let catalogue: @Sendable () -> Catalogue
    public let calendar: PlanCalendar
    public let clock: @Sendable () -> Double

    public init(repository: any AssignmentRepository, catalogue: @escaping @Sendable () -> Catalogue, calendar: PlanCalendar,
                clock: @escaping @Sendable () -> Double) {
        self.repository = repository
        self.catalogue = catalogue
        self.calendar = calendar
        self.clock = clock
    }

    /// Today in the platform's time zone.
    public var today: ISODay { calendar.today(clock()) }

    /// At server start: records the platform's time zone (the command line computes due days in it too) and
    /// brings every assignment's members up to date.
    public func start() throws {
        try repository.recordTimeZone(calendar.timeZone)
        try repository.reconcileAll()
    }

    /// Checks a draft against the catalogue and the planner's scope: a `NewAssignment` ready to store, or every
    /// problem found. Named people must be in the scope and inside the chosen department's subtree.
    public func check(_ draft: AssignmentDraft, scope: PlanScope) throws -> Result<NewAssignment, AssignmentProblems> {
        var problems: [AssignmentProblem] = []
        let name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { problems.append(.init(field: "name", reason: .nameMissing)) }
        else if name.count > Self.nameLimit { problems.append(.init(field: "name", reason: .nameTooLong)) }
        else if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems.append(.init(field: "name", reason: .controlCharacter))
        }

        var item: AssignmentItem?
        if draft.item.isEmpty { problems.append(.init(field: "item", reason: .itemMissing)) }
        else if let parsed = AssignmentItem(token: draft.item), Self.exists(parsed, in: catalogue()) { item = parsed }
        else { problems.append(.init(field: "item", reason: .itemUnknown)) }

        let path = Department.names(inPath: draft.departmentPath)
        let department = draft.department.isEmpty && !path.isEmpty
            ? scope.visibleDepartments.first { $0.namePath == path }
            : try? scope.department(draft.department)
        if department == nil { problems.append(.init(field: "department", reason: .departmentMissing)) }

        var audience: AssignmentAudience?
        switch draft.audience {
        case "department":
            let category = draft.jobCategory.trimmingCharacters(in: .whitespaces)
            if category.count > Self.jobCategoryLimit
                || category.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append(.init(field: "job_category", reason: .jobCategoryInvalid))
            } else {
                audience = .department(includeSubtree: draft.includeSubtree, jobCategory: category.isEmpty ? nil : category)
            }
        case "people":
            let lines = draft.people.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let named = lines.enumerated().filter { !$0.element.isEmpty }
            if named.isEmpty { problems.append(.init(field: "people", reason: .peopleMissing)) }
            else if named.count > Self.peopleLimit { problems.append(.init(field: "people", reason: .peopleTooMany)) }
            else {
                let found = try repository.people(named: named.map(\.element))
                var ids: [UserID] = []
                for (index, key) in named {
                    guard let person = found[key], scope.includes(person) else {
                        problems.append(.init(field: "people", reason: .personUnknown, line: index + 1, value: key))
                        continue
                    }
                    if let department, let home = scope.departments[person.departmentID], !department.contains(home) {
                        problems.append(.init(field: "people", reason: .personOutside, line: index + 1, value: key))
                        continue
                    }
                    if !ids.contains(person.id) { ids.append(person.id) }
                }
                audience = .people(ids)
            }
        default:
            problems.append(.init(field: "audience", reason: .audienceMissing))
        }

        var rule: DueRule?
        switch draft.dueKind {
        case "none": rule = DueRule.none
        case "fixed":
            if let day = ISODay(draft.dueDate.trimmingCharacters(in: .whitespaces)) {
                if day < today { problems.append(.init(field: "due_date", reason: .dueDatePast)) } else { rule = .fixed(day) }
            } else {
                problems.append(.init(field: "due_date", reason: .dueDateInvalid))
            }
        case "after_assignment", "after_joining":
            let text = draft.dueDays.trimmingCharacters(in: .whitespaces)
            if text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let days = Int(text), (1...DueRule.maximumDays).contains(days) {
                rule = draft.dueKind == "after_assignment" ? .afterAssignment(days: days) : .afterJoining(days: days)
            } else {
                problems.append(.init(field: "due_days", reason: .dueDaysInvalid))
            }
        default:
            problems.append(.init(field: "due_kind", reason: .dueMissing))
        }

        guard problems.isEmpty, let item, let department, let audience, let rule else {
            return .failure(AssignmentProblems(problems))
        }
        return .success(NewAssignment(name: name, item: item, required: draft.required, audience: audience,
                                      departmentID: department.id, dueRule: rule))
    }

    /// How many enabled people a checked assignment would reach now (the form's "check" step).
    public func audienceSize(_ new: NewAssignment) throws -> Int {
        try repository.audienceSize(new.audience, departmentID: new.departmentID)
    }

    /// Checks and stores a draft, audited as `assignment.create` by `scope.user`; its audience becomes members at once.
    public func create(_ draft: AssignmentDraft, scope: PlanScope) throws -> Assignment {
        switch try check(draft, scope: scope) {
        case .failure(let problems): throw problems
        case .success(let new): return try repository.create(new, by: AuditActor(scope.user))
        }
    }

    /// The assignment `raw` names when the planner may see it; `notFound` otherwise.
    public func visible(_ raw: String, scope: PlanScope) throws -> Assignment {
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), raw.count <= 18, let id = Int64(raw) else {
            throw PlanScopeFailure.notFound
        }
        return try scope.visible(try repository.find(AssignmentID(rawValue: id)))
    }

    /// The assignments the planner may see, newest first.
    public func visible(scope: PlanScope) throws -> [Assignment] {
        try repository.all().filter(scope.canSee)
    }

    /// Withdraws an assignment anchored in the planner's scope (anything else is `notFound`), audited as
    /// `assignment.withdraw`. Returns false when it was withdrawn already.
    @discardableResult
    public func withdraw(_ assignment: Assignment, scope: PlanScope) throws -> Bool {
        guard scope.canChange(assignment) else { throw PlanScopeFailure.notFound }
        // A plan file's assignment follows its file: removing the entry there withdraws it.
        guard assignment.planKey == nil else { throw PlanFileRules(file: assignment.planFile ?? "") }
        return try repository.withdraw(assignment.id, by: AuditActor(scope.user))
    }

    /// Counts of the members in the planner's scope, by status today.
    public func statusCounts(of assignment: Assignment, scope: PlanScope) throws -> [AssignmentStatus: Int] {
        try repository.statusCounts(of: assignment, within: scope.access, catalogue: catalogue(), today: today)
    }

    /// The person's current memberships of active assignments with their status today, by effective due day
    /// (none last), then name. Reads the memberships once (and the certification states once when a programme is
    /// assigned); course progress comes from what the caller read already (`progress`, `outcomes`).
    public func dueItems(of userID: UserID, progress: [ModuleProgress], outcomes: [QuizOutcome]) throws -> [DueItem] {
        let memberships = try repository.memberships(of: userID).filter { $0.member.isActive && !$0.assignment.isWithdrawn }
        guard !memberships.isEmpty else { return [] }
        let states = memberships.contains { $0.assignment.item.kind == .program }
            ? try repository.certificationStates(of: userID) : [:]
        return dueItems(memberships, certificationStates: states, progress: progress, outcomes: outcomes)
    }

    /// The same from memberships and certification states the caller read already (the dashboard reads them with
    /// the person's records): the current ones of `memberships` with their status today, sorted the same way.
    /// `certificationStates` may be empty when no current membership is of a programme.
    public func dueItems(_ memberships: [PersonAssignment], certificationStates states: [String: CertificationStateName],
                         progress: [ModuleProgress], outcomes: [QuizOutcome]) -> [DueItem] {
        let memberships = memberships.filter { $0.member.isActive && !$0.assignment.isWithdrawn }
        guard !memberships.isEmpty else { return [] }
        let catalogue = catalogue()
        let today = today
        return memberships.map { entry -> DueItem in
            let item = entry.assignment.item
            let evidence: AssignmentStatus.Progress = switch item.kind {
            case .course: catalogue.course(CourseID(rawValue: item.id))
                .map { AssignmentStatus.Progress(CourseStatus(course: $0, progress: progress, outcomes: outcomes)) } ?? .notStarted
            case .program: AssignmentStatus.Progress(certification: states[item.id])
            }
            return DueItem(assignment: entry.assignment, member: entry.member,
                           status: AssignmentStatus.of(entry.member, progress: evidence, today: today))
        }.sorted(by: DueItem.byDueDay)
    }

    static func exists(_ item: AssignmentItem, in catalogue: Catalogue) -> Bool {
        switch item.kind {
        case .course: catalogue.course(CourseID(rawValue: item.id)) != nil
        case .program: catalogue.program(ProgramID(rawValue: item.id)) != nil
        }
    }
}

/// One assignment of a person, with where they stand today.
public struct DueItem: Sendable, Hashable {
    public var assignment: Assignment
    public var member: AssignmentMember
    public var status: AssignmentStatus

    public init(assignment: Assignment, member: AssignmentMember, status: AssignmentStatus) {
        self.assignment = assignment
        self.member = member
        self.status = status
    }

    /// By effective due day, those without one last; then by name and id.
    static func byDueDay(_ a: DueItem, _ b: DueItem) -> Bool {
        switch (a.member.effectiveDueDay, b.member.effectiveDueDay) {
        case (let x?, let y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return (a.assignment.name, a.assignment.id.rawValue) < (b.assignment.name, b.assignment.id.rawValue)
        }
    }
}
