import Curriculum
import Foundation
import Logging

/// `/admin/system`, for organisation-wide administrators (anyone else with an admin grant gets 403): what the
/// server runs and how it is, and three actions, each recorded in the audit log: reload the catalogue (the
/// trainers' reload: `catalogue.reload` or `catalogue.reload_refused`), check the database's integrity
/// (`database.check`), back up now into `serve --backup-dir` (`database.backup`).
struct AdminSystemController {
    let context: ControllerContext
    /// When this instance started serving.
    let startedAt: Double

    init(context: ControllerContext) {
        self.context = context
        startedAt = context.clock()
    }

    func register(in router: inout Router) {
        router.get("/admin/system") { request in try page(request) }
        router.post("/admin/system/reload", reload)
        router.post("/admin/system/check", check)
        router.post("/admin/system/backup", backup)
    }

    /// The signed-in organisation-wide administrator; 403 for a unit administrator.
    private func administrator(_ request: Request) throws -> User {
        let scope = try context.adminScope(request)
        guard scope.isOrganisationWide else { throw HTTPError.forbidden }
        return scope.user
    }

    private var backups: DatabaseBackups? {
        context.configuration.backupDirectory.map {
            DatabaseBackups(folder: $0, databasePath: context.configuration.databasePath)
        }
    }

    private func page(_ request: Request, failure: String? = nil) throws -> Response {
        _ = try administrator(request)
        let page = context.page(request)
        let notice: String? = switch request.query["done"] {
        case "reloaded": page.t("admin.system.done.reloaded")
        case "reload_refused": page.t("admin.system.done.reload_refused")
        case "checked": page.t("admin.system.done.checked")
        case "backed_up": page.t("admin.system.done.backed_up")
        default: nil
        }
        let model = AdminSystemPage.Model(
            version: ProductVersion.current, startedAt: startedAt, now: context.clock(),
            catalogue: context.catalogue.catalogue, catalogueStatus: context.catalogue.status,
            database: context.storage.describe(),
            lastCheck: try context.storage.auditQueries.latest(action: "database.check"),
            backupDirectory: context.configuration.backupDirectory, lastBackup: backups?.latest(),
            healthy: context.storage.isHealthy(), configuration: context.configuration,
            notice: failure == nil ? notice : nil, failure: failure)
        return Response.html(AdminSystemPage.render(model, context: page, stylesheet: context.stylesheet).rendered,
                             status: failure == nil ? .ok : .conflict)
    }

    private func reload(_ request: Request) throws -> Response {
        let user = try administrator(request)
        let outcome = try context.reloadCatalogue(by: user)
        return Response.redirect(to: outcome.taken ? "/admin/system?done=reloaded" : "/admin/system?done=reload_refused")
    }

    private func check(_ request: Request) throws -> Response {
        let user = try administrator(request)
        let lines = try context.storage.checkIntegrity(limit: 20)
        let ok = lines == ["ok"]
        var details = ["result": ok ? "ok" : "problems"]
        if !ok { details["problems"] = lines.joined(separator: "\n") }
        try context.audit.append(AuditEvent(action: "database.check", subject: "database", details: details),
                                 by: AuditActor(user))
        return Response.redirect(to: "/admin/system?done=checked")
    }

    private func backup(_ request: Request) throws -> Response {
        let user = try administrator(request)
        guard let backups else {
            return try page(request, failure: context.page(request).t("admin.system.backup.not_configured"))
        }
        do {
            let outcome = try context.storage.backUp(into: backups, by: AuditActor(user), now: context.clock())
            guard outcome.isSound else {
                return try page(request, failure: context.page(request).t("admin.system.backup.unsound",
                                                                          ["name": outcome.file.name]))
            }
        } catch let failure as DatabaseBackups.Failure {
            context.logger.error("backup from the system page failed: \(failure)")
            let key = if case .folderMissing = failure { "admin.system.backup.folder_missing" } else { "admin.system.backup.failed" }
            return try page(request, failure: context.page(request).t(key, ["folder": backups.folder]))
        }
        return Response.redirect(to: "/admin/system?done=backed_up")
    }
}

extension ControllerContext {
    /// Reloads the catalogue from disk as the trainers' page does: logs what changed and records
    /// `catalogue.reload` (or `catalogue.reload_refused` when the files have errors) by `user`.
    func reloadCatalogue(by user: User) throws -> ReloadOutcome {
        let outcome = catalogue.reload(now: clock(), trigger: .button, by: user.login)
        outcome.log(to: logger)
        try audit.append(AuditEvent(action: outcome.taken ? "catalogue.reload" : "catalogue.reload_refused",
                                    subject: "catalogue",
                                    details: ["revision": catalogue.catalogue.revision,
                                              "changes": String(outcome.changes.count)]),
                         by: AuditActor(user))
        return outcome
    }
}
