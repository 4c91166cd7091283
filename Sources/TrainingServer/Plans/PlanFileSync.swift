import Curriculum
import Foundation
import Logging

/// What one plan entry's sync did to its assignment.
public struct PlanFileChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case created, updated, reinstated, withdrawn
    }

    public var kind: Kind
    /// `<plan id>/<entry id>`.
    public var key: String
    public var assignmentID: AssignmentID
    /// The members in the audience afterwards (left members for a withdrawal).
    public var members: Int

    public init(kind: Kind, key: String, assignmentID: AssignmentID, members: Int) {
        self.kind = kind
        self.key = key
        self.assignmentID = assignmentID
        self.members = members
    }
}

/// A plan file's assignment cannot be changed or withdrawn in the browser or the API: its file rules.
public struct PlanFileRules: Error, Sendable, Hashable, CustomStringConvertible {
    /// `plans/<plan id>.yaml`, relative to the course folder.
    public var file: String
    public var description: String { "this assignment comes from Courses/\(file); change or remove it there" }
}

extension Assignment {
    /// `plans/<plan id>.yaml` for an assignment declared in a plan file (pages say "from Courses/<file>");
    /// nil for one made in the browser or the API.
    public var planFile: String? {
        guard let key = planKey, let plan = key.split(separator: "/").first else { return nil }
        return "plans/\(plan).yaml"
    }
}

/// Where the plan file sync writes: one entry per transaction, audited as `assignment.plan_sync`.
public protocol PlanFileAssignmentStore: Sendable {
    /// Creates the assignment `new.planKey`, or brings `existing` (same key, possibly withdrawn) to `new` in place:
    /// members follow the new audience, and a new due rule moves the due day of members without an extension.
    func applyPlanEntry(_ new: NewAssignment, replacing existing: Assignment?, file: String, by actor: AuditActor) throws
        -> PlanFileChange
    /// Withdraws a plan file's assignment whose entry is gone; nil when it was withdrawn already.
    func withdrawPlanEntry(_ assignment: Assignment, file: String, by actor: AuditActor) throws -> PlanFileChange?
}

/// Turns the catalogue's training plans (`Courses/plans/*.yaml`) into assignments made by the system, keyed
/// `<plan id>/<entry id>`: a new entry is created, a changed one updated in place, a removed one withdrawn.
///
/// Departments and people are looked up in the organisation here (lint knows only the files): an entry whose
/// department path does not exist, or whose people cannot all be found inside it, is skipped whole and reported
/// as a warning at its file and line; its assignment, if it has one, stays as it was.
public struct PlanFileSync: Sendable {
    /// What a sync did and what it could not do.
    public struct Report: Sendable {
        public var changes: [PlanFileChange] = []
        /// Entries already in force as written.
        public var unchanged = 0
        /// Warnings at the plan files' lines: entries not applied.
        public var problems: [Diagnostic] = []

        /// One line for the server log.
        public var summary: String {
            let count = { (kind: PlanFileChange.Kind) in changes.count(where: { $0.kind == kind }) }
            return "plan files applied: \(count(.created)) created, \(count(.updated)) updated, "
                + "\(count(.reinstated)) reinstated, \(count(.withdrawn)) withdrawn, \(unchanged) unchanged, "
                + "\(problems.count) not applied"
        }
    }

    public let assignments: any AssignmentRepository
    public let store: any PlanFileAssignmentStore
    public let departments: any DepartmentRepository

    public init(assignments: any AssignmentRepository, store: any PlanFileAssignmentStore,
                departments: any DepartmentRepository) {
        self.assignments = assignments
        self.store = store
        self.departments = departments
    }

    /// The longest assignment name (the column's limit).
    static let nameLimit = AssignmentService.nameLimit

    /// Applies every plan of `catalogue`. Errors of single entries are reported, not thrown; a failing database
    /// throws.
    public func sync(_ catalogue: Catalogue) throws -> Report {
        var report = Report()
        let existing = try assignments.all().filter { $0.planKey != nil }
        let byKey = Dictionary(existing.map { ($0.planKey ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let allDepartments = try departments.all()
        let byPath = Dictionary(allDepartments.map { ($0.namePath, $0) }, uniquingKeysWith: { first, _ in first })
        let byID = Dictionary(allDepartments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var declared: Set<String> = []

        for plan in catalogue.plans {
            let file = plan.source.file
            for entry in plan.entries {
                let key = "\(plan.id.rawValue)/\(entry.id)"
                declared.insert(key)
                let resolved: NewAssignment
                switch try resolve(entry, of: plan, key: key, catalogue: catalogue, byPath: byPath, byID: byID) {
                case .failure(let message):
                    report.problems.append(.warning(message.text + "; entry '\(entry.id)' is not applied until this is fixed",
                                                    file: file, line: entry.audienceLine))
                    continue
                case .success(let new):
                    resolved = new
                }
                let current = byKey[key]
                if let current, !current.isWithdrawn, Self.same(current, resolved) {
                    report.unchanged += 1
                    continue
                }
                do {
                    report.changes.append(try store.applyPlanEntry(resolved, replacing: current, file: file, by: .system))
                } catch let problem as AssignmentProblem {
                    // Someone moved between the lookup and the write: reported like a person not found.
                    report.problems.append(.warning("\(problem.description); entry '\(entry.id)' is not applied",
                                                    file: file, line: entry.audienceLine))
                }
            }
        }
        for assignment in existing where !assignment.isWithdrawn {
            guard let key = assignment.planKey, !declared.contains(key) else { continue }
            if let change = try store.withdrawPlanEntry(assignment, file: assignment.planFile ?? key, by: .system) {
                report.changes.append(change)
            }
        }
        return report
    }

    /// The assignment an entry asks for, or why it cannot be applied.
    private func resolve(_ entry: PlanEntry, of plan: Plan, key: String, catalogue: Catalogue,
                         byPath: [[String]: Department], byID: [DepartmentID: Department]) throws
        -> Result<NewAssignment, Message> {
        let item: AssignmentItem
        let itemTitle: LocalizedText
        switch entry.item {
        case .course(let id):
            item = AssignmentItem(kind: .course, id: id.rawValue)
            itemTitle = catalogue.course(id)?.title ?? LocalizedText(both: id.rawValue)
        case .program(let id):
            item = AssignmentItem(kind: .program, id: id.rawValue)
            itemTitle = catalogue.program(id)?.title ?? LocalizedText(both: id.rawValue)
        }
        var anchor: Department?
        if let path = entry.audience.departmentPath {
            guard let found = byPath[path.split(separator: "/").map(String.init)] else {
                return .failure(Message("department '\(path)' does not exist in the organisation"))
            }
            anchor = found
        }
        let audience: AssignmentAudience
        switch entry.audience {
        case .department(_, let includeSubtree, let jobCategory):
            audience = .department(includeSubtree: includeSubtree, jobCategory: jobCategory)
        case .people(let keys, _):
            let found = try assignments.people(named: keys)
            let missing = keys.filter { found[$0] == nil }
            guard missing.isEmpty else {
                let names = missing.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (missing.count > 5 ? ", ..." : "")
                return .failure(Message("\(missing.count == 1 ? "person" : "people") \(names) not found: "
                                        + "no login or employee number names exactly one person"))
            }
            let people = keys.compactMap { found[$0] }
            let homes = people.compactMap { byID[$0.departmentID] }
            if let anchor {
                let outside = people.filter { person in !(byID[person.departmentID].map(anchor.contains) ?? false) }
                guard outside.isEmpty else {
                    let names = outside.prefix(5).map { "'\($0.login)'" }.joined(separator: ", ")
                    return .failure(Message("\(names) \(outside.count == 1 ? "is" : "are") not in department "
                                            + "'\(anchor.namePath.joined(separator: "/"))'"))
                }
            } else {
                anchor = Self.closestCommon(homes, byID: byID)
            }
            audience = .people(people.map(\.id))
        }
        guard let anchor else {
            return .failure(Message("the people named are in no common department"))
        }
        let planTitle = plan.title.zh ?? plan.title.en ?? plan.id.rawValue
        let itemName = itemTitle.zh ?? itemTitle.en ?? item.id
        let name = String("\(planTitle)：\(itemName)".prefix(Self.nameLimit))
        let due: DueRule
        switch entry.due {
        case .none: due = .none
        case .fixed(let text):
            guard let day = ISODay(text) else { return .failure(Message("'\(text)' is not a day")) }
            due = .fixed(day)
        case .afterAssignment(let days): due = .afterAssignment(days: days)
        case .afterJoining(let days): due = .afterJoining(days: days)
        }
        return .success(NewAssignment(name: name, item: item, required: entry.required, audience: audience,
                                      departmentID: anchor.id, dueRule: due, planKey: key))
    }

    /// Whether the stored assignment is already what the entry asks for.
    static func same(_ stored: Assignment, _ new: NewAssignment) -> Bool {
        let audiencesMatch: Bool = switch (stored.audience, new.audience) {
        case (.people(let a), .people(let b)): Set(a) == Set(b)
        default: stored.audience == new.audience
        }
        return audiencesMatch && stored.name == new.name && stored.item == new.item && stored.required == new.required
            && stored.departmentID == new.departmentID && stored.dueRule == new.dueRule
    }

    /// The deepest department that holds all of `departments`.
    static func closestCommon(_ departments: [Department], byID: [DepartmentID: Department]) -> Department? {
        guard var common = departments.first else { return nil }
        for department in departments.dropFirst() {
            while !common.contains(department) {
                guard let parent = common.parentID.flatMap({ byID[$0] }) else { return nil }
                common = parent
            }
        }
        return common
    }

    /// Why an entry was not applied.
    struct Message: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }
}
