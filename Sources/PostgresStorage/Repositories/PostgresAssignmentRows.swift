import TrainingServer

/// Assignments read from their rows, as `SQLiteAssignmentRepository.load` reads them: newest first, a people
/// audience with its named people in id order, rows with an unknown item kind or due rule left out.
enum PostgresAssignmentRows {
    static let columns = """
        a.id, a.name, a.item_kind, a.item_id, a.required, a.audience, a.department_id, a.include_subtree, a.job_category,
        a.due_kind, a.due_day, a.due_days, a.plan_key, a.created_by, a.created_at, a.withdrawn_at, a.withdrawn_by
        """

    /// The assignments matching `condition` (over `assignments a`, with `$n` placeholders for `arguments`).
    static func load(_ connection: PostgresConnection, where condition: String,
                     _ arguments: [(any PostgresBindable)?]) throws -> [Assignment] {
        let rows = try connection.query("""
            SELECT \(columns) FROM assignments a WHERE \(condition) ORDER BY a.created_at DESC, a.id DESC
            """, arguments)
        var peopleIDs: [Int64] = []
        for row in rows where try row.decode(String.self, at: 5) == "people" { peopleIDs.append(try row.decode(at: 0)) }
        var people: [Int64: [UserID]] = [:]
        if !peopleIDs.isEmpty {
            for row in try connection.query("""
                SELECT assignment_id, user_id FROM assignment_people WHERE assignment_id = ANY ($1::bigint[])
                ORDER BY assignment_id, user_id
                """, "{" + peopleIDs.map(String.init).joined(separator: ",") + "}") {
                people[try row.decode(at: 0), default: []].append(UserID(rawValue: try row.decode(at: 1)))
            }
        }
        return try rows.compactMap { row in try assignment(row, people: people[try row.decode(Int64.self, at: 0)] ?? []) }
    }

    /// The assignment in `row` (`columns`' order) with its named people.
    static func assignment(_ row: PostgresRow, people: [UserID]) throws -> Assignment? {
        guard let kind = AssignmentItem.Kind(rawValue: try row.decode(at: 2)),
              let rule = DueRule(kind: try row.decode(at: 9), day: try row.decodeIfPresent(at: 10),
                                 days: try row.decodeIfPresent(at: 11)) else { return nil }
        let audience: AssignmentAudience = try row.decode(String.self, at: 5) == "people"
            ? .people(people)
            : .department(includeSubtree: try row.decode(Int.self, at: 7) == 1, jobCategory: try row.decodeIfPresent(at: 8))
        return Assignment(id: AssignmentID(rawValue: try row.decode(at: 0)), name: try row.decode(at: 1),
                          item: AssignmentItem(kind: kind, id: try row.decode(at: 3)),
                          required: try row.decode(Int.self, at: 4) == 1, audience: audience,
                          departmentID: DepartmentID(rawValue: try row.decode(at: 6)), dueRule: rule,
                          planKey: try row.decodeIfPresent(at: 12),
                          createdBy: try row.decodeIfPresent(Int64.self, at: 13).map(UserID.init(rawValue:)),
                          createdAt: try row.decode(at: 14), withdrawnAt: try row.decodeIfPresent(at: 15),
                          withdrawnBy: try row.decodeIfPresent(Int64.self, at: 16).map(UserID.init(rawValue:)))
    }
}
