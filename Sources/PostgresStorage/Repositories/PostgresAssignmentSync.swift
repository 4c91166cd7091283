import TrainingServer

/// Keeps people's memberships of the active assignments in step with their departments, job categories and
/// states, inside the transaction of the change that moved them (what the SQLite engine's
/// `SQLiteAssignmentRepository.reconcile(userIDs:at:in:)` does): a person now in an assignment's audience becomes
/// a member (due day by the assignment's rule, in the platform's plan time zone) or, having left, a member again
/// with their row as it was; a member no longer in the audience is marked as left.
///
/// **Concurrency.** Memberships are keyed by (assignment, person): the insert is `ON CONFLICT DO UPDATE`, so two
/// servers reconciling the same person at once cannot make a second row; the person's own change (which the caller
/// made in the same transaction) holds that person's `users` row lock until commit, so a second change of the same
/// person waits and reconciles after it.
enum PostgresAssignmentSync {
    static func reconcile(userIDs: [UserID], at now: Double, on connection: PostgresConnection) throws {
        guard !userIDs.isEmpty,
              try !connection.query("SELECT 1 FROM assignments WHERE withdrawn_at IS NULL LIMIT 1").isEmpty else { return }
        let calendar = try planCalendar(on: connection)
        for userID in Set(userIDs).sorted(by: { $0.rawValue < $1.rawValue }) {
            try reconcile(userID, at: now, calendar: calendar, on: connection)
        }
    }

    private static func reconcile(_ userID: UserID, at now: Double, calendar: PlanCalendar,
                                  on connection: PostgresConnection) throws {
        // The active assignments whose audience the person is in now: a department (with its subtree or not, and a
        // job category or not), or a list of people naming them while they stay inside the anchor's subtree.
        let wanted = try connection.query("""
            SELECT a.id, a.due_kind, a.due_day, a.due_days, u.department_joined_at
            FROM users u
            JOIN departments ud ON ud.id = u.department_id
            JOIN assignments a ON a.withdrawn_at IS NULL
            JOIN departments ad ON ad.id = a.department_id
            WHERE u.id = $1 AND (
                (a.audience = 'department'
                 AND (CASE WHEN a.include_subtree = 1 THEN substr(ud.id_path, 1, length(ad.id_path)) = ad.id_path
                           ELSE u.department_id = a.department_id END)
                 AND (a.job_category IS NULL OR a.job_category = u.job_category))
                OR (a.audience = 'people'
                    AND EXISTS (SELECT 1 FROM assignment_people p WHERE p.assignment_id = a.id AND p.user_id = u.id)
                    AND substr(ud.id_path, 1, length(ad.id_path)) = ad.id_path))
            ORDER BY a.id
            """, userID.rawValue)
        var ids: [Int64] = []
        for row in wanted {
            let id: Int64 = try row.decode(at: 0)
            ids.append(id)
            let rule = DueRule(kind: try row.decode(at: 1), day: try row.decodeIfPresent(at: 2),
                               days: try row.decodeIfPresent(at: 3))
            let due = rule?.dueDay(assignedAt: now, joinedAt: try row.decodeIfPresent(at: 4), calendar: calendar)
            try connection.execute("""
                INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day) VALUES ($1, $2, $3, $4)
                ON CONFLICT (assignment_id, user_id) DO UPDATE SET left_at = NULL
                WHERE assignment_members.left_at IS NOT NULL
                """, id, userID.rawValue, now, due?.description)
        }
        try connection.execute("""
            UPDATE assignment_members SET left_at = $1
            WHERE left_at IS NULL AND user_id = $2
              AND assignment_id IN (SELECT id FROM assignments WHERE withdrawn_at IS NULL)
              AND NOT (assignment_id = ANY ($3::bigint[]))
            """, now, userID.rawValue, "{" + ids.map(String.init).joined(separator: ",") + "}")
    }

    /// The platform's time zone as the server last recorded it (`plans.time_zone`); China Standard Time before.
    static func planCalendar(on connection: PostgresConnection) throws -> PlanCalendar {
        let name = try connection.query("SELECT value FROM settings WHERE key = 'plans.time_zone'").first?
            .decode(String.self, at: 0)
        return PlanCalendar(timeZone: name.flatMap(StudyCalendar.zone(named:)) ?? StudyCalendar.defaultTimeZone)
    }
}
