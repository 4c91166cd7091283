import Foundation
import GRDB
import TrainingServer

/// The assignments declared in `Courses/plans/`: created, updated in place and withdrawn by the plan file sync,
/// each entry in its own transaction (applied whole or not at all), audited as `assignment.plan_sync`.
extension SQLiteAssignmentRepository: PlanFileAssignmentStore {
    public func applyPlanEntry(_ new: NewAssignment, replacing existing: Assignment?, file: String,
                               by actor: AuditActor) throws -> PlanFileChange {
        guard let key = new.planKey else { throw StoreError.notFound("plan key") }
        let now = clock()
        return try store.write { db -> PlanFileChange in
            var includeSubtree = true
            var jobCategory: String?
            var people: [UserID] = []
            switch new.audience {
            case .department(let subtree, let category):
                includeSubtree = subtree
                jobCategory = category
            case .people(let named):
                people = Array(Set(named)).sorted { $0.rawValue < $1.rawValue }
            }
            let arguments: StatementArguments = [
                new.name, new.item.kind.rawValue, new.item.id, new.required, new.audience.kind, new.departmentID.rawValue,
                includeSubtree, jobCategory, new.dueRule.kind, new.dueRule.fixedDay?.description, new.dueRule.days,
            ]
            let id: Int64
            let kind: PlanFileChange.Kind
            if let existing {
                id = existing.id.rawValue
                kind = existing.isWithdrawn ? .reinstated : .updated
                try db.execute(sql: """
                    UPDATE assignments SET name = ?, item_kind = ?, item_id = ?, required = ?, audience = ?, department_id = ?,
                        include_subtree = ?, job_category = ?, due_kind = ?, due_day = ?, due_days = ?,
                        withdrawn_at = NULL, withdrawn_by = NULL
                    WHERE id = ? AND plan_key = ?
                    """, arguments: arguments + [id, key])
                guard db.changesCount == 1 else { throw StoreError.notFound("assignment \(id)") }
                try db.execute(sql: "DELETE FROM assignment_people WHERE assignment_id = ?", arguments: [id])
            } else {
                kind = .created
                try db.execute(sql: """
                    INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                             job_category, due_kind, due_day, due_days, plan_key, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: arguments + [key, actor.userID?.rawValue, now])
                id = db.lastInsertedRowID
            }
            try Self.insertNamedPeople(Set(people), assignment: id, anchor: new.departmentID, in: db)
            let members = try Self.reconcile(assignment: AssignmentID(rawValue: id), at: now, in: db)
            // A new due rule (or an assignment back in force) moves the due day of everyone assigned, except where
            // HR granted an extension: that day stays the person's.
            var moved = 0
            if let existing, existing.dueRule != new.dueRule || existing.isWithdrawn {
                try Self.registerDueDayFunction(in: db)
                try db.execute(sql: """
                    UPDATE assignment_members
                    SET due_day = plan_file_due_day(?, ?, ?, assigned_at,
                                                    (SELECT department_joined_at FROM users WHERE id = assignment_members.user_id))
                    WHERE assignment_id = ? AND left_at IS NULL AND extended_day IS NULL
                    """, arguments: [new.dueRule.kind, new.dueRule.fixedDay?.description, new.dueRule.days, id])
                moved = db.changesCount
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
            try AuditChain.append(AuditEvent(action: "assignment.plan_sync", subject: "assignment:\(id)", details: details),
                                  by: actor, at: now, in: db)
            return PlanFileChange(kind: kind, key: key, assignmentID: AssignmentID(rawValue: id), members: members)
        }
    }

    public func withdrawPlanEntry(_ assignment: Assignment, file: String, by actor: AuditActor) throws -> PlanFileChange? {
        guard let key = assignment.planKey else { return nil }
        let now = clock()
        return try store.write { db -> PlanFileChange? in
            try db.execute(sql: """
                UPDATE assignments SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND withdrawn_at IS NULL
                """, arguments: [now, actor.userID?.rawValue, assignment.id.rawValue])
            guard db.changesCount == 1 else { return nil }
            try db.execute(sql: "UPDATE assignment_members SET left_at = ? WHERE assignment_id = ? AND left_at IS NULL",
                           arguments: [now, assignment.id.rawValue])
            let members = db.changesCount
            try AuditChain.append(AuditEvent(action: "assignment.plan_sync", subject: "assignment:\(assignment.id)",
                                             details: ["plan_key": key, "file": file, "change": PlanFileChange.Kind.withdrawn.rawValue,
                                                       "name": assignment.name, "members": String(members),
                                                       "department": String(assignment.departmentID.rawValue)]),
                                  by: actor, at: now, in: db)
            return PlanFileChange(kind: .withdrawn, key: key, assignmentID: assignment.id, members: members)
        }
    }

    /// `plan_file_due_day(kind, day, days, assigned_at, joined_at)`: a member's due day by `DueRule`, in the
    /// platform's time zone as the server recorded it.
    private static func registerDueDayFunction(in db: Database) throws {
        let calendar = try calendar(in: db)
        db.add(function: DatabaseFunction("plan_file_due_day", argumentCount: 5, pure: true) { values in
            guard let kind = String.fromDatabaseValue(values[0]) else { return nil }
            let rule = DueRule(kind: kind, day: String.fromDatabaseValue(values[1]), days: Int.fromDatabaseValue(values[2]))
            return rule?.dueDay(assignedAt: Double.fromDatabaseValue(values[3]) ?? 0,
                                joinedAt: Double.fromDatabaseValue(values[4]), calendar: calendar)?.description
        })
    }
}
