import Assessment
import Foundation

/// Audit rows in words, in the page's language: "陈静 停用了账户 zhang.san（原因：离职）" / "Chen Jing disabled
/// the account zhang.san (reason: left)". Each action the platform writes has a sentence template
/// (`admin.audit.sentence.<action>`, its details as arguments) and a name for the action filter
/// (`admin.audit.action.<action>`); an action without them is shown as its code with its details.
public struct AdminAuditWords: Sendable {
    /// Every action the platform writes, in the order the action filter lists them.
    public static let actions = [
        "user.create", "user.update", "user.disable", "user.enable", "user.unlock", "user.email", "user.password",
        "role.grant", "role.withdraw", "password.reset_link", "password.reset",
        "token.create", "token.revoke",
        "calendar.reset", "calendar.revoke",
        "department.create", "department.rename", "department.move", "department.delete", "staff.import",
        "record.view", "report.export",
        "certificate.issue", "certificate.reissue", "certificate.revoke", "certificate.reinstate",
        "certificate.withdraw", "certification.expire",
        "quiz.regrade", "catalogue.reload", "catalogue.reload_refused",
        "assignment.plan_sync",
        "database.backup", "database.check", "database.restore",
        "audit.view", "audit.export", "audit.verify",
        "settings.update",
        "user.job_category", "requirement.set", "requirement.remove",
        "assignment.create", "assignment.withdraw",
        "mail.retry", "mail.discard",
        "announcement.publish", "announcement.withdraw",
        "assignment.exempt", "assignment.exemption_lift", "assignment.extension_request", "assignment.extension_approve",
        "assignment.extension_refuse",
        "user.second_factor_enable", "user.second_factor_disable", "user.second_factor_reset",
        "user.second_factor_recovery_codes",
    ]

    let context: PageContext
    /// The departments whose names may be shown (the viewer's scope); others are not named.
    let departments: [DepartmentID: Department]
    private let keys: Set<String>

    public init(context: PageContext, departments: [DepartmentID: Department]) {
        self.context = context
        self.departments = departments
        keys = context.strings.keys(context.language)
    }

    /// The action's name ("停用账户" / "Disable an account"); the code itself when it has none.
    public func actionName(_ action: String) -> String {
        let key = "admin.audit.action.\(action)"
        return keys.contains(key) ? context.t(key) : action
    }

    /// Who acted: the person's current name (login), or the command line, or the platform itself.
    public func actor(_ record: AuditRecord) -> String {
        switch (record.entry.actorUserID, record.entry.actor) {
        case (nil, "cli"): return context.t("admin.audit.actor.cli")
        case (nil, "system"): return context.t("admin.audit.actor.system")
        case (nil, let name): return name
        case (_, let login):
            guard let name = record.actorName else { return login }
            return context.language == .zh ? "\(name)（\(login)）" : "\(name) (\(login))"
        }
    }

    /// Whom or what the row is about, in words: a person's login, a department's name, else the subject as written.
    public func target(_ record: AuditRecord) -> String {
        if let login = record.subjectLogin { return login }
        if let id = record.subjectDepartmentID, let department = departments[DepartmentID(rawValue: id)] {
            return department.displayPath
        }
        return record.entry.subject
    }

    /// The row as a sentence.
    public func sentence(_ record: AuditRecord) -> String {
        let entry = record.entry
        let details = AuditSubjects.decode(entry.details)
        let actorName = record.actorName ?? actor(record)
        var arguments = details
        arguments["actor"] = entry.actorUserID == nil ? actor(record) : actorName
        arguments["target"] = target(record)
        arguments["subject"] = entry.subject
        arguments["subject_id"] = entry.subject.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? entry.subject
        arguments["roles"] = details["roles"].map(roleNames)
        arguments["role"] = details["role"].map(roleNames)
        if let raw = details["department"], let id = Int64(raw) {
            // Only departments the viewer may see are named; others keep their number.
            arguments["department"] = departments[DepartmentID(rawValue: id)]?.displayPath ?? "#\(raw)"
        }
        if entry.action == "user.job_category" || entry.action.hasPrefix("requirement.") {
            // A category left out or emptied is "any" for a rule, "none" for a person; an earlier value may be absent.
            let none = context.t(entry.action == "user.job_category" ? "plans.requirements.no_category" : "plans.requirements.any_category")
            arguments["job_category"] = details["job_category"].flatMap { $0.isEmpty ? nil : $0 } ?? none
            arguments["from_job_category"] = details["from_job_category"].flatMap { $0.isEmpty ? nil : $0 } ?? none
            arguments["from_hours"] = details["from_hours"] ?? "—"
        }
        arguments["result"] = details["result"].map { result in
            keys.contains("admin.audit.result.\(result)") ? context.t("admin.audit.result.\(result)") : result
        }
        if let expires = details["expires"] {
            arguments["expires"] = Double(expires).map(context.date) ?? expires
        }
        let key = "admin.audit.sentence.\(entry.action)"
        guard keys.contains(key), Self.placeholders(context.t(key, [:])).isSubset(of: Set(arguments.keys)) else {
            let shown = details.keys.sorted().map { "\($0)=\(details[$0] ?? "")" }.joined(separator: ", ")
            return context.t("admin.audit.sentence_unknown", ["actor": arguments["actor"] ?? entry.actor,
                                                               "action": entry.action, "subject": entry.subject,
                                                               "details": shown.isEmpty ? "—" : shown])
        }
        let sentence = context.t(key, arguments)
        if let reason = details["reason"], !reason.isEmpty, entry.action != "certificate.withdraw" {
            return context.t("admin.audit.with_reason", ["sentence": sentence, "reason": reason])
        }
        return sentence
    }

    /// "learner, hr" as the roles' names.
    private func roleNames(_ codes: String) -> String {
        codes.split(separator: ",").map { code in
            let key = "role.\(code)"
            return keys.contains(key) ? context.t(key) : String(code)
        }.joined(separator: context.language == .zh ? "、" : ", ")
    }

    /// The `{name}`s a template uses.
    static func placeholders(_ template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            names.insert(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return names
    }
}
