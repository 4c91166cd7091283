import TrainingServer

/// The assignments declared in `Courses/plans/` on PostgreSQL: created, updated in place and withdrawn by the plan
/// file sync, each entry in its own transaction, audited as `assignment.plan_sync` (as the SQLite engine's
/// `SQLiteAssignmentRepository+PlanFiles`). An update locks the assignment's row first, and a withdrawal is
/// conditional on `withdrawn_at IS NULL`, so two servers syncing the same files at start apply each change once
/// (the second finds the entry already withdrawn; an update applied twice gives the same row).
extension PostgresAssignmentRepository: PlanFileAssignmentStore {
    public func applyPlanEntry(_ new: NewAssignment, replacing existing: Assignment?, file: String,
                               by actor: AuditActor) throws -> PlanFileChange {
        guard let key = new.planKey else { throw StoreError.notFound("plan key") }
        let now = clock()
        return try pool.transaction { connection -> PlanFileChange in
            let (includeSubtree, jobCategory, people) = Self.audienceColumns(new.audience)
            let columns: [(any PostgresBindable)?] = [
                new.name, new.item.kind.rawValue, new.item.id, new.required ? 1 : 0, new.audience.kind,
                new.departmentID.rawValue, includeSubtree ? 1 : 0, jobCategory, new.dueRule.kind,
                new.dueRule.fixedDay?.description, new.dueRule.days,
            ]
            let id: Int64
            let kind: PlanFileChange.Kind
            if let existing {
                id = existing.id.rawValue
                kind = existing.isWithdrawn ? .reinstated : .updated
                let changed = try connection.execute("""
                    UPDATE assignments SET name = $1, item_kind = $2, item_id = $3, required = $4, audience = $5,
                        department_id = $6, include_subtree = $7, job_category = $8, due_kind = $9, due_day = $10,
                        due_days = $11, withdrawn_at = NULL, withdrawn_by = NULL
                    WHERE id = $12 AND plan_key = $13
                    """, columns + [id, key])
                guard changed == 1 else { throw StoreError.notFound("assignment \(id)") }
                try connection.execute("DELETE FROM assignment_people WHERE assignment_id = $1", id)
            } else {
                kind = .created
                id = try connection.query("""
                    INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                             job_category, due_kind, due_day, due_days, plan_key, created_by, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id
                    """, columns + [key, actor.userID?.rawValue, now])[0].decode(at: 0)
            }
            try Self.insertNamedPeople(Set(people), assignment: id, anchor: new.departmentID, on: connection)
            let members = try Self.reconcile(assignment: id, at: now, on: connection)
            // A new due rule (or an assignment back in force) moves the due day of everyone assigned, except where
            // HR granted an extension: that day stays the person's.
            var moved = 0
            if let existing, existing.dueRule != new.dueRule || existing.isWithdrawn {
                let calendar = try PostgresAssignmentSync.planCalendar(on: connection)
                var users: [Int64] = []
                var days: [String?] = []
                for row in try connection.query("""
                    SELECT m.user_id, m.assigned_at, u.department_joined_at FROM assignment_members m
                    JOIN users u ON u.id = m.user_id
                    WHERE m.assignment_id = $1 AND m.left_at IS NULL AND m.extended_day IS NULL ORDER BY m.user_id
                    """, id) {
                    users.append(try row.decode(at: 0))
                    days.append(new.dueRule.dueDay(assignedAt: try row.decode(at: 1), joinedAt: try row.decodeIfPresent(at: 2),
                                                   calendar: calendar)?.description)
                }
                moved = try connection.execute("""
                    UPDATE assignment_members SET due_day = w.due_day
                    FROM unnest($2::bigint[], $3::text[]) AS w (user_id, due_day)
                    WHERE assignment_members.assignment_id = $1 AND assignment_members.user_id = w.user_id
                    """, id, Self.array(users), Self.textArray(days))
            }
            var details = ["plan_key": key, "file": file, "change": kind.rawValue, "name": new.name,
                           "item": new.item.token, "required": new.required ? "1" : "0",
                           "department": String(new.departmentID.rawValue), "audience": new.audience.kind,
                           "due": new.dueRule.kind, "members": String(members)]
            if let category = jobCategory { details["job_category"] = category }
            if let day = new.dueRule.fixedDay { details["due_day"] = day.description }
            if let days = new.dueRule.days { details["due_days"] = String(days) }
            if !people.isEmpty { details["people"] = String(people.count) }
            if existing != nil { details["due_days_moved"] = String(moved) }
            try PostgresAuditChain.append(AuditEvent(action: "assignment.plan_sync", subject: "assignment:\(id)", details: details),
                                          by: actor, at: now, on: connection)
            return PlanFileChange(kind: kind, key: key, assignmentID: AssignmentID(rawValue: id), members: members)
        }
    }

    public func withdrawPlanEntry(_ assignment: Assignment, file: String, by actor: AuditActor) throws -> PlanFileChange? {
        guard let key = assignment.planKey else { return nil }
        let now = clock()
        return try pool.transaction { connection -> PlanFileChange? in
            guard try connection.execute("""
                UPDATE assignments SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL
                """, now, actor.userID?.rawValue, assignment.id.rawValue) == 1 else { return nil }
            let members = try connection.execute("""
                UPDATE assignment_members SET left_at = $1 WHERE assignment_id = $2 AND left_at IS NULL
                """, now, assignment.id.rawValue)
            try PostgresAuditChain.append(AuditEvent(action: "assignment.plan_sync", subject: "assignment:\(assignment.id)",
                                                     details: ["plan_key": key, "file": file,
                                                               "change": PlanFileChange.Kind.withdrawn.rawValue,
                                                               "name": assignment.name, "members": String(members),
                                                               "department": String(assignment.departmentID.rawValue)]),
                                          by: actor, at: now, on: connection)
            return PlanFileChange(kind: .withdrawn, key: key, assignmentID: assignment.id, members: members)
        }
    }
}
