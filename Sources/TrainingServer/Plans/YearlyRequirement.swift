import Foundation

/// A yearly study-hour requirement set by a planner: everyone in `departmentID`'s subtree (of `jobCategory`, when
/// set) should earn `hours` study hours per calendar year.
public struct YearlyRequirement: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var departmentID: DepartmentID
    /// nil: a plain rule, for everyone in the subtree that no rule of their own category reaches.
    public var jobCategory: String?
    public var hours: Double
    public var updatedAt: Double

    public init(id: Int64, departmentID: DepartmentID, jobCategory: String?, hours: Double, updatedAt: Double) {
        self.id = id
        self.departmentID = departmentID
        self.jobCategory = jobCategory
        self.hours = hours
        self.updatedAt = updatedAt
    }
}

/// Which rule sets a person's yearly requirement, and the requirement itself.
///
/// The precedence: the nearest rule **for the person's job category** — their own department's, else its
/// parent's, and so on up to the top — wins over every rule without a category, wherever that one is set (at
/// the same department or a deeper one). A category rule says something specific about that kind of work
/// ("counter clerks of the bureau need 60 hours"), which a sub-department's general rule is not meant to undo.
/// Without a category rule the nearest plain rule applies; without any, the platform's global requirement
/// (`serve --yearly-hours`). The database keeps each person's result in `users.required_hours` with the same
/// rule written in SQL (migration `2026-12-08-requirements-yearly-hours`, `SQLiteYearlyRequirements`); tests
/// check that the two agree.
public struct YearlyRequirementRules: Sendable {
    public let rules: [YearlyRequirement]
    /// The platform's requirement for anyone no rule reaches.
    public let global: Double
    private let byDepartment: [DepartmentID: [YearlyRequirement]]

    public init(rules: [YearlyRequirement], global: Double) {
        self.rules = rules
        self.global = global
        self.byDepartment = Dictionary(grouping: rules, by: \.departmentID)
    }

    /// The rule that applies to someone in the department with `departmentPath` (its `id_path`, "/1/4/9/") and
    /// of `jobCategory`, or nil when the global requirement applies.
    public func rule(departmentPath: String, jobCategory: String?) -> YearlyRequirement? {
        let chain = departmentPath.split(separator: "/").compactMap { Int64($0) }.map(DepartmentID.init(rawValue:))
        if let jobCategory {
            for id in chain.reversed() {
                if let rule = byDepartment[id]?.first(where: { $0.jobCategory == jobCategory }) { return rule }
            }
        }
        for id in chain.reversed() {
            if let rule = byDepartment[id]?.first(where: { $0.jobCategory == nil }) { return rule }
        }
        return nil
    }

    /// The hours someone in that department and of that category should earn per year.
    public func hours(departmentPath: String, jobCategory: String?) -> Double {
        rule(departmentPath: departmentPath, jobCategory: jobCategory)?.hours ?? global
    }
}

/// A job category as typed (staff attribute: 领导干部, 窗口岗位, ...): trimmed, 1–60 characters, no control
/// characters.
public enum JobCategory {
    public static let maximumLength = 60

    public enum Problem: Error, Sendable, Equatable {
        case tooLong
        case controlCharacter
    }

    /// The category `raw` names after trimming; nil for an empty text (no category).
    public static func normalized(_ raw: String) throws(Problem) -> String? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        if text.firstControlCharacter != nil { throw .controlCharacter }
        if text.count > maximumLength { throw .tooLong }
        return text
    }
}

/// The hours of a requirement as typed: a number above 0 and at most 1000, in steps of a tenth at most.
public enum RequirementHours {
    public static let maximum = 1000.0

    public static func parse(_ raw: String) -> Double? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.filter({ $0 == "." }).count <= 1, let value = Double(text), value > 0, value <= maximum,
              (value * 10).rounded() == value * 10 else { return nil }
        return value
    }
}

/// What `set` did.
public enum YearlyRequirementChange: String, Sendable, Equatable {
    case added, changed, unchanged
}

/// Enabled people per department of a scope, and those with a job category per department and category: enough
/// to tell how many people each rule reaches without reading everyone.
public struct YearlyRequirementReach: Sendable, Equatable {
    public var people: [DepartmentID: Int]
    public var categories: [DepartmentID: [String: Int]]

    public init(people: [DepartmentID: Int], categories: [DepartmentID: [String: Int]]) {
        self.people = people
        self.categories = categories
    }

    /// How many people each rule sets the requirement of (by rule id), and how many follow the global one; only
    /// the departments counted (`departments` gives their paths).
    public func count(_ rules: YearlyRequirementRules, departments: [DepartmentID: Department])
        -> (byRule: [Int64: Int], global: Int) {
        var byRule: [Int64: Int] = [:]
        var global = 0
        func add(_ rule: YearlyRequirement?, _ count: Int) {
            if let rule { byRule[rule.id, default: 0] += count } else { global += count }
        }
        for (id, total) in people {
            guard let path = departments[id]?.idPath else { continue }
            var rest = total
            for (category, count) in categories[id] ?? [:] {
                let rule = rules.rule(departmentPath: path, jobCategory: category)
                // People of a category that no category rule reaches follow the plain rule, counted below.
                guard rule?.jobCategory != nil else { continue }
                add(rule, count)
                rest -= count
            }
            add(rules.rule(departmentPath: path, jobCategory: nil), rest)
        }
        return (byRule, global)
    }
}

/// The rules and each person's requirement.
public protocol YearlyRequirementRepository: Sendable {
    /// Every rule of the organisation.
    func all() throws -> [YearlyRequirement]
    /// Adds the rule for `department` and `jobCategory`, or changes its hours; refreshes the requirement of the
    /// people below and audits `requirement.set`, in one transaction.
    func set(department: Department, jobCategory: String?, hours: Double, by actor: AuditActor) throws
        -> YearlyRequirementChange
    /// Removes a rule (nil when there is none with this id); refreshes the people below; audits
    /// `requirement.remove`.
    func remove(id: Int64, by actor: AuditActor) throws -> YearlyRequirement?
    /// People counts of the scope for `YearlyRequirementReach.count`.
    func reach(in scope: AccessScope) throws -> YearlyRequirementReach
    /// Job categories someone in scope has, in order, at most `limit`.
    func categories(in scope: AccessScope, limit: Int) throws -> [String]
    /// Sets (nil: removes) a person's job category, audited as `user.job_category`.
    func setJobCategory(_ category: String?, of id: UserID, by actor: AuditActor) throws
    /// A person's own requirement as stored (nil: the global one applies).
    func requiredHours(of id: UserID) throws -> Double?
}
