import Curriculum
import Foundation
import GRDB
import TrainingServer

/// Assignments and their members in SQLite.
///
/// Members are kept current set-based, inside the transaction of the change that causes it:
/// - `reconcile(assignment:)` when an assignment is created (and for every one at server start): everyone in the
///   audience now becomes a member, with their due day; members no longer in it are marked as left;
/// - `reconcile(userIDs:)` when people are created, edited, moved, enabled or imported, and `reconcile(subtree:)`
///   when a department moves: for those people, memberships of every active assignment follow their department
///   and job category.
/// A member who leaves keeps their row (history, `left_at`); one who comes back gets the same row back with the
/// due day they had. Disabled people stay members; counts and lists leave them out.
public struct SQLiteAssignmentRepository: AssignmentRepository {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    // MARK: Assignments

    public func create(_ new: NewAssignment, by actor: AuditActor) throws -> Assignment {
        let now = clock()
        let id: Int64 = try store.write { db in
            var includeSubtree = true
            var jobCategory: String?
            var people: [UserID] = []
            switch new.audience {
            case .department(let subtree, let category):
                includeSubtree = subtree
                jobCategory = category
            case .people(let named):
                people = named
            }
            try db.execute(sql: """
                INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                         job_category, due_kind, due_day, due_days, plan_key, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.name, new.item.kind.rawValue, new.item.id, new.required, new.audience.kind,
                                 new.departmentID.rawValue, includeSubtree, jobCategory, new.dueRule.kind,
                                 new.dueRule.fixedDay?.description, new.dueRule.days, new.planKey,
                                 actor.userID?.rawValue, now])
            let id = db.lastInsertedRowID
            try Self.insertNamedPeople(Set(people), assignment: id, anchor: new.departmentID, in: db)
            let members = try Self.reconcile(assignment: AssignmentID(rawValue: id), at: now, in: db)
            var details = ["name": new.name, "item": new.item.token, "required": new.required ? "1" : "0",
                           "department": String(new.departmentID.rawValue), "audience": new.audience.kind,
                           "due": new.dueRule.kind, "members": String(members)]
            if let category = jobCategory { details["job_category"] = category }
            if let day = new.dueRule.fixedDay { details["due_day"] = day.description }
            if let days = new.dueRule.days { details["due_days"] = String(days) }
            if !people.isEmpty { details["people"] = String(Set(people).count) }
            if let key = new.planKey { details["plan_key"] = key }
            try AuditChain.append(AuditEvent(action: "assignment.create", subject: "assignment:\(id)", details: details),
                                  by: actor, at: now, in: db)
            return id
        }
        guard let created = try find(AssignmentID(rawValue: id)) else { throw StoreError.notFound("assignment") }
        return created
    }

    public func find(_ id: AssignmentID) throws -> Assignment? {
        try store.read { db in try Self.load(db, where: "a.id = ?", [id.rawValue]).first }
    }

    public func all() throws -> [Assignment] {
        try store.read { db in try Self.load(db, where: "1", []) }
    }

    @discardableResult
    public func withdraw(_ id: AssignmentID, by actor: AuditActor) throws -> Bool {
        let now = clock()
        return try store.write { db -> Bool in
            guard let assignment = try Self.load(db, where: "a.id = ?", [id.rawValue]).first else {
                throw StoreError.notFound("assignment")
            }
            guard assignment.withdrawnAt == nil else { return false }
            try db.execute(sql: "UPDATE assignments SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?",
                           arguments: [now, actor.userID?.rawValue, id.rawValue])
            try db.execute(sql: "UPDATE assignment_members SET left_at = ? WHERE assignment_id = ? AND left_at IS NULL",
                           arguments: [now, id.rawValue])
            let members = db.changesCount
            try AuditChain.append(AuditEvent(action: "assignment.withdraw", subject: "assignment:\(id)",
                                             details: ["name": assignment.name, "department": String(assignment.departmentID.rawValue),
                                                       "members": String(members)]),
                                  by: actor, at: now, in: db)
            return true
        }
    }

    // MARK: Members

    public func memberships(of userID: UserID) throws -> [PersonAssignment] {
        try store.read { db in try Self.memberships(db, userID: userID) }
    }

    /// The person's memberships in the caller's read (the dashboard reads them with other things in one).
    static func memberships(_ db: Database, userID: UserID) throws -> [PersonAssignment] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT m.assignment_id, m.user_id, m.assigned_at, m.due_day, m.extended_day, m.exempt_at, m.left_at
            FROM assignment_members m WHERE m.user_id = ?
            """), arguments: [userID.rawValue])
        guard !rows.isEmpty else { return [] }
        var assignments: [AssignmentID: Assignment] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT a.* FROM assignments a WHERE a.id IN (SELECT assignment_id FROM assignment_members WHERE user_id = ?)
            """), arguments: [userID.rawValue]) {
            if let assignment = try Self.assignment(db, row: row) { assignments[assignment.id] = assignment }
        }
        return rows.compactMap { row in
            let member = Self.member(row)
            return assignments[member.assignmentID].map { PersonAssignment(assignment: $0, member: member) }
        }
    }

    public func member(_ assignmentID: AssignmentID, userID: UserID) throws -> AssignmentMember? {
        try store.read { db in
            try Row.fetchOne(db, sql: """
                SELECT assignment_id, user_id, assigned_at, due_day, extended_day, exempt_at, left_at
                FROM assignment_members WHERE assignment_id = ? AND user_id = ?
                """, arguments: [assignmentID.rawValue, userID.rawValue]).map(Self.member)
        }
    }

    public func statusCounts(of assignment: Assignment, within scope: AccessScope, catalogue: Catalogue, today: ISODay) throws
        -> [AssignmentStatus: Int] {
        guard !scope.isEmpty else { return [:] }
        let status = AssignmentEvidence.status(of: assignment.item, catalogue: catalogue, today: today)
        let (inScope, scopeArguments) = Self.scopeCondition(scope, department: "d")
        return try store.read { db in
            var counts: [AssignmentStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT \(status.sql) AS status, count(*) AS people
                FROM assignment_members m JOIN users u ON u.id = m.user_id JOIN departments d ON d.id = u.department_id
                WHERE m.assignment_id = ? AND m.left_at IS NULL AND u.disabled = 0 AND \(inScope)
                GROUP BY 1
                """, arguments: status.arguments + [assignment.id.rawValue] + scopeArguments) {
                if let value = AssignmentStatus(rawValue: row["status"]) { counts[value] = row["people"] }
            }
            return counts
        }
    }

    public func audienceSize(_ audience: AssignmentAudience, departmentID: DepartmentID) throws -> Int {
        try store.read { db in
            guard let anchor = try Self.idPath(of: departmentID, in: db) else { return 0 }
            switch audience {
            case .department(let subtree, let category):
                return try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM users u WHERE u.disabled = 0 AND \(subtree
                        ? "u.department_id IN (SELECT id FROM departments WHERE id_path >= ? AND id_path < ?)"
                        : "u.department_id = ?") AND (? IS NULL OR u.job_category = ?)
                    """, arguments: (subtree ? [anchor, SQLiteDepartmentRepository.upper(anchor)] : [departmentID.rawValue])
                        + [category, category]) ?? 0
            case .people(let people):
                guard !people.isEmpty else { return 0 }
                let ids = Set(people.map(\.rawValue))
                return try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
                    WHERE u.disabled = 0 AND d.id_path >= ? AND d.id_path < ? AND u.id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                    """, arguments: [anchor, SQLiteDepartmentRepository.upper(anchor)] + StatementArguments(Array(ids))) ?? 0
            }
        }
    }

    public func people(named keys: [String]) throws -> [String: User] {
        try store.read { db in
            var found: [String: User] = [:]
            for key in Set(keys) where !key.isEmpty {
                let matches = try SQLiteUserRepository.load(db, where: "login = ? OR employee_number = ?", [key, key])
                // A key that is one person's login and another's employee number names nobody for sure.
                if matches.count == 1 { found[key] = matches[0] }
            }
            return found
        }
    }

    public func jobCategories(within scope: AccessScope) throws -> [String] {
        guard !scope.isEmpty else { return [] }
        let (inScope, arguments) = Self.scopeCondition(scope, department: "d")
        return try store.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT c.job_category FROM
                    (SELECT job_category, department_id FROM users WHERE job_category IS NOT NULL GROUP BY 1, 2) c
                JOIN departments d ON d.id = c.department_id WHERE \(inScope) ORDER BY 1
                """, arguments: arguments)
        }
    }

    public func certificationStates(of userID: UserID) throws -> [String: CertificationStateName] {
        try store.read { db in try Self.certificationStates(db, userID: userID) }
    }

    /// The person's certification states in the caller's read.
    static func certificationStates(_ db: Database, userID: UserID) throws -> [String: CertificationStateName] {
        var states: [String: CertificationStateName] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT program_id, state FROM certifications WHERE user_id = ?"),
                                    arguments: [userID.rawValue]) {
            states[row["program_id"]] = CertificationStateName(rawValue: row["state"])
        }
        return states
    }

    public func reconcileAll() throws {
        let now = clock()
        try store.write { db in try Self.reconcileAll(at: now, in: db) }
    }

    public func recordTimeZone(_ timeZone: TimeZone) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO settings (key, value) VALUES ('plans.time_zone', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, arguments: [timeZone.identifier])
        }
    }

    // MARK: Membership sync (inside other writers' transactions)

    /// The platform's time zone as the server last recorded it (`recordTimeZone`); China Standard Time before.
    static func calendar(in db: Database) throws -> PlanCalendar {
        let name = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'plans.time_zone'")
        return PlanCalendar(timeZone: name.flatMap(StudyCalendar.zone(named:)) ?? StudyCalendar.defaultTimeZone)
    }

    /// Brings the memberships of `userIDs` up to date with their departments and job categories, for every active
    /// assignment. Call it inside the transaction that changed them.
    public static func reconcile(userIDs: [UserID], at now: Double, in db: Database) throws {
        guard !userIDs.isEmpty, try hasActiveAssignments(in: db) else { return }
        try prepareTemporaryTables(in: db)
        for id in Set(userIDs) {
            try db.execute(sql: "INSERT OR IGNORE INTO temp.plan_sync (user_id) VALUES (?)", arguments: [id.rawValue])
        }
        try reconcileSyncedPeople(at: now, in: db)
    }

    /// Brings the memberships of everyone in the department subtree at `idPath` up to date (a moved subtree may
    /// leave or enter audiences). Call it inside the transaction that moved it.
    public static func reconcile(subtree idPath: String, at now: Double, in db: Database) throws {
        guard try hasActiveAssignments(in: db) else { return }
        try prepareTemporaryTables(in: db)
        try db.execute(sql: """
            INSERT OR IGNORE INTO temp.plan_sync (user_id)
            SELECT id FROM users WHERE department_id IN (SELECT id FROM departments WHERE id_path >= ? AND id_path < ?)
            """, arguments: [idPath, SQLiteDepartmentRepository.upper(idPath)])
        try reconcileSyncedPeople(at: now, in: db)
    }

    /// Brings every assignment's members up to date (and marks members of withdrawn ones as left).
    public static func reconcileAll(at now: Double, in db: Database) throws {
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM assignments WHERE withdrawn_at IS NULL ORDER BY id") {
            try reconcile(assignment: AssignmentID(rawValue: id), at: now, in: db)
        }
        try db.execute(sql: """
            UPDATE assignment_members SET left_at = (SELECT withdrawn_at FROM assignments a WHERE a.id = assignment_id)
            WHERE left_at IS NULL AND assignment_id IN (SELECT id FROM assignments WHERE withdrawn_at IS NOT NULL)
            """)
    }

    /// Brings one active assignment's members up to date with its audience, set-based; returns how many members
    /// are in the audience now.
    @discardableResult
    static func reconcile(assignment id: AssignmentID, at now: Double, in db: Database) throws -> Int {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT a.audience, a.department_id, a.include_subtree, a.job_category, a.withdrawn_at, a.due_kind, a.due_day,
                   a.due_days, d.id_path
            FROM assignments a JOIN departments d ON d.id = a.department_id WHERE a.id = ?
            """, arguments: [id.rawValue]) else { return 0 }
        guard (row["withdrawn_at"] as Double?) == nil else { return 0 }
        let anchor: String = row["id_path"]
        let range: StatementArguments = [anchor, SQLiteDepartmentRepository.upper(anchor)]
        let category: String? = row["job_category"]
        // The audience now: `u` rows of the people in it.
        let audience: (sql: String, arguments: StatementArguments)
        if (row["audience"] as String) == "people" {
            audience = ("""
                assignment_people p JOIN users u ON u.id = p.user_id JOIN departments d ON d.id = u.department_id
                WHERE p.assignment_id = ? AND d.id_path >= ? AND d.id_path < ?
                """, [id.rawValue] + range)
        } else if (row["include_subtree"] as Bool) {
            audience = ("""
                users u WHERE u.department_id IN (SELECT id FROM departments WHERE id_path >= ? AND id_path < ?)
                  AND (? IS NULL OR u.job_category = ?)
                """, range + [category, category])
        } else {
            audience = ("users u WHERE u.department_id = ? AND (? IS NULL OR u.job_category = ?)",
                        [row["department_id"] as Int64, category, category])
        }
        let hasMembers = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assignment_members WHERE assignment_id = ?)",
                                           arguments: [id.rawValue]) ?? false
        if !hasMembers {
            // A new assignment: everyone in the audience is a new member, inserted in one statement (in id order, so
            // the members' primary key grows at its end); the due day is the same for all unless it counts from each
            // person's joining day.
            guard let rule = DueRule(kind: row["due_kind"], day: row["due_day"], days: row["due_days"]) else { return 0 }
            let calendar = try calendar(in: db)
            if case .afterJoining(let days) = rule {
                try registerDueDayFunction(calendar, in: db)
                try db.execute(sql: """
                    INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)
                    SELECT ?, u.id, ?, plan_due_day('after_joining', NULL, ?, ?, u.department_joined_at) FROM \(audience.sql)
                    ORDER BY u.id
                    """, arguments: [id.rawValue, now, days, now] + audience.arguments)
            } else {
                try db.execute(sql: """
                    INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)
                    SELECT ?, u.id, ?, ? FROM \(audience.sql)
                    ORDER BY u.id
                    """, arguments: [id.rawValue, now, rule.dueDay(assignedAt: now, joinedAt: nil, calendar: calendar)?.description]
                        + audience.arguments)
            }
            return db.changesCount
        }
        try prepareTemporaryTables(in: db)
        try db.execute(sql: "INSERT INTO temp.plan_wanted (assignment_id, user_id) SELECT ?, u.id FROM \(audience.sql)",
                       arguments: [id.rawValue] + audience.arguments)
        let wanted = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.plan_wanted") ?? 0
        try applyWanted(at: now, in: db)
        // Members no longer in the audience leave.
        try db.execute(sql: """
            UPDATE assignment_members SET left_at = ?
            WHERE assignment_id = ? AND left_at IS NULL
              AND user_id NOT IN (SELECT user_id FROM temp.plan_wanted WHERE assignment_id = ?)
            """, arguments: [now, id.rawValue, id.rawValue])
        return wanted
    }

    /// The people in `temp.plan_sync`: memberships for every active assignment whose audience they are in now;
    /// their memberships of active assignments whose audience they left are marked as left.
    private static func reconcileSyncedPeople(at now: Double, in db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO temp.plan_wanted (assignment_id, user_id)
            SELECT a.id, u.id FROM temp.plan_sync t
            JOIN users u ON u.id = t.user_id
            JOIN departments ud ON ud.id = u.department_id
            JOIN assignments a ON a.withdrawn_at IS NULL AND a.audience = 'department'
            JOIN departments ad ON ad.id = a.department_id
            WHERE (CASE WHEN a.include_subtree = 1 THEN substr(ud.id_path, 1, length(ad.id_path)) = ad.id_path
                        ELSE u.department_id = a.department_id END)
              AND (a.job_category IS NULL OR a.job_category = u.job_category)
            """)
        try db.execute(sql: """
            INSERT OR IGNORE INTO temp.plan_wanted (assignment_id, user_id)
            SELECT a.id, u.id FROM temp.plan_sync t
            JOIN assignment_people p ON p.user_id = t.user_id
            JOIN assignments a ON a.id = p.assignment_id AND a.withdrawn_at IS NULL AND a.audience = 'people'
            JOIN users u ON u.id = t.user_id
            JOIN departments ud ON ud.id = u.department_id
            JOIN departments ad ON ad.id = a.department_id
            WHERE substr(ud.id_path, 1, length(ad.id_path)) = ad.id_path
            """)
        try applyWanted(at: now, in: db)
        try db.execute(sql: """
            UPDATE assignment_members SET left_at = ?
            WHERE left_at IS NULL AND user_id IN (SELECT user_id FROM temp.plan_sync)
              AND assignment_id IN (SELECT id FROM assignments WHERE withdrawn_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM temp.plan_wanted w
                              WHERE w.assignment_id = assignment_members.assignment_id
                                AND w.user_id = assignment_members.user_id)
            """, arguments: [now])
    }

    /// Makes every pair in `temp.plan_wanted` a current member: new ones with their due day, ones who had left
    /// back with their row as it was.
    private static func applyWanted(at now: Double, in db: Database) throws {
        try registerDueDayFunction(try calendar(in: db), in: db)
        try db.execute(sql: """
            INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)
            SELECT w.assignment_id, w.user_id, ?1,
                   plan_due_day(a.due_kind, a.due_day, a.due_days, ?1, u.department_joined_at)
            FROM temp.plan_wanted w JOIN assignments a ON a.id = w.assignment_id JOIN users u ON u.id = w.user_id
            WHERE true
            ON CONFLICT (assignment_id, user_id) DO UPDATE SET left_at = NULL WHERE left_at IS NOT NULL
            """, arguments: [now])
    }

    /// `plan_due_day(kind, day, days, assigned_at, joined_at)`: `DueRule.dueDay` for SQL, in `calendar`'s zone.
    private static func registerDueDayFunction(_ calendar: PlanCalendar, in db: Database) throws {
        db.add(function: DatabaseFunction("plan_due_day", argumentCount: 5, pure: true) { values in
            guard let kind = String.fromDatabaseValue(values[0]) else { return nil }
            let rule = DueRule(kind: kind, day: String.fromDatabaseValue(values[1]), days: Int.fromDatabaseValue(values[2]))
            return rule?.dueDay(assignedAt: Double.fromDatabaseValue(values[3]) ?? 0,
                                joinedAt: Double.fromDatabaseValue(values[4]), calendar: calendar)?.description
        })
    }

    private static func hasActiveAssignments(in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assignments WHERE withdrawn_at IS NULL)") ?? false
    }

    private static func prepareTemporaryTables(in db: Database) throws {
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS plan_sync (user_id INTEGER PRIMARY KEY);
            CREATE TEMP TABLE IF NOT EXISTS plan_wanted (assignment_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
                PRIMARY KEY (assignment_id, user_id)) WITHOUT ROWID;
            DELETE FROM temp.plan_sync;
            DELETE FROM temp.plan_wanted;
            """)
    }

    // MARK: Reading rows

    static func load(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [Assignment] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.* FROM assignments a WHERE \(condition) ORDER BY a.created_at DESC, a.id DESC
            """, arguments: arguments)
        let peopleIDs = rows.filter { ($0["audience"] as String) == "people" }.map { $0["id"] as Int64 }
        var people: [Int64: [UserID]] = [:]
        if !peopleIDs.isEmpty {
            for row in try Row.fetchAll(db, sql: """
                SELECT assignment_id, user_id FROM assignment_people
                WHERE assignment_id IN (\(peopleIDs.map { _ in "?" }.joined(separator: ","))) ORDER BY user_id
                """, arguments: StatementArguments(peopleIDs)) {
                people[row["assignment_id"], default: []].append(UserID(rawValue: row["user_id"]))
            }
        }
        return rows.compactMap { row in Self.assignment(row, people: people[row["id"] as Int64] ?? []) }
    }

    /// The assignment in `row` (of `assignments`), with its named people read on a cached statement when its audience
    /// is a list of people (the dashboard reads a person's few assignments on every view).
    static func assignment(_ db: Database, row: Row) throws -> Assignment? {
        let people = (row["audience"] as String) != "people" ? [] : try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT user_id FROM assignment_people WHERE assignment_id = ? ORDER BY user_id
            """), arguments: [row["id"] as Int64]).map(UserID.init(rawValue:))
        return Self.assignment(row, people: people)
    }

    /// An assignment from its row in `assignments` and its named people (empty unless its audience is people).
    private static func assignment(_ row: Row, people: [UserID]) -> Assignment? {
        let id: Int64 = row["id"]
        guard let kind = AssignmentItem.Kind(rawValue: row["item_kind"]),
              let rule = DueRule(kind: row["due_kind"], day: row["due_day"], days: row["due_days"]) else { return nil }
        let audience: AssignmentAudience = (row["audience"] as String) == "people"
            ? .people(people)
            : .department(includeSubtree: row["include_subtree"], jobCategory: row["job_category"])
        return Assignment(id: AssignmentID(rawValue: id), name: row["name"], item: AssignmentItem(kind: kind, id: row["item_id"]),
                          required: row["required"], audience: audience, departmentID: DepartmentID(rawValue: row["department_id"]),
                          dueRule: rule, planKey: row["plan_key"],
                          createdBy: (row["created_by"] as Int64?).map(UserID.init(rawValue:)), createdAt: row["created_at"],
                          withdrawnAt: row["withdrawn_at"],
                          withdrawnBy: (row["withdrawn_by"] as Int64?).map(UserID.init(rawValue:)))
    }

    package static func member(_ row: Row) -> AssignmentMember {
        AssignmentMember(assignmentID: AssignmentID(rawValue: row["assignment_id"]), userID: UserID(rawValue: row["user_id"]),
                         assignedAt: row["assigned_at"], dueDay: (row["due_day"] as String?).flatMap(ISODay.init),
                         extendedDay: (row["extended_day"] as String?).flatMap(ISODay.init),
                         exemptAt: row["exempt_at"], leftAt: row["left_at"])
    }

    /// Stores the named people of a 'people' audience, each checked to be inside the anchor's subtree (throws
    /// `AssignmentProblem` with reason `.personOutside` otherwise).
    static func insertNamedPeople(_ people: Set<UserID>, assignment id: Int64, anchor departmentID: DepartmentID,
                                  in db: Database) throws {
        guard !people.isEmpty else { return }
        guard let anchor = try idPath(of: departmentID, in: db) else { throw StoreError.notFound("department") }
        for person in people {
            guard let path = try String.fetchOne(db, sql: """
                SELECT d.id_path FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ?
                """, arguments: [person.rawValue]), path.hasPrefix(anchor) else {
                throw AssignmentProblem(field: "people", reason: .personOutside)
            }
            try db.execute(sql: "INSERT INTO assignment_people (assignment_id, user_id) VALUES (?, ?)",
                           arguments: [id, person.rawValue])
        }
    }

    static func idPath(of id: DepartmentID, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT id_path FROM departments WHERE id = ?", arguments: [id.rawValue])
    }

    /// `(d.id_path >= ? AND d.id_path < ? OR ...)` for the scope's subtrees, with its arguments.
    public static func scopeCondition(_ scope: AccessScope, department d: String) -> (String, StatementArguments) {
        guard !scope.prefixes.isEmpty else { return ("0", []) }
        var arguments: StatementArguments = []
        for prefix in scope.prefixes { arguments += [prefix, SQLiteDepartmentRepository.upper(prefix)] }
        return ("(" + scope.prefixes.map { _ in "(\(d).id_path >= ? AND \(d).id_path < ?)" }.joined(separator: " OR ") + ")",
                arguments)
    }
}
