import Assessment
import Curriculum
import Foundation

/// The system page for organisation-wide administrators: version and uptime, the catalogue's version (content
/// hashes) and lint state with a reload button, the database's files with an integrity check on demand, the last
/// backup with "back up now", health as `/healthz` sees it, and the server's limits.
public enum AdminSystemPage {
    public struct Model: Sendable {
        public var version: String
        public var startedAt: Double
        public var now: Double
        public var catalogue: Catalogue
        public var catalogueStatus: CatalogueHolder.Status
        public var database: DatabaseDescription
        /// The latest `database.check` row (the integrity check run from this page).
        public var lastCheck: AuditEntry?
        public var backupDirectory: String?
        public var lastBackup: DatabaseBackups.File?
        public var healthy: Bool
        public var configuration: ApplicationConfiguration
        public var notice: String?
        /// A failure to show at the top (a backup that could not be written).
        public var failure: String?

        public init(version: String, startedAt: Double, now: Double, catalogue: Catalogue,
                    catalogueStatus: CatalogueHolder.Status, database: DatabaseDescription, lastCheck: AuditEntry?,
                    backupDirectory: String?, lastBackup: DatabaseBackups.File?, healthy: Bool,
                    configuration: ApplicationConfiguration, notice: String?, failure: String?) {
            self.version = version
            self.startedAt = startedAt
            self.now = now
            self.catalogue = catalogue
            self.catalogueStatus = catalogueStatus
            self.database = database
            self.lastCheck = lastCheck
            self.backupDirectory = backupDirectory
            self.lastBackup = lastBackup
            self.healthy = healthy
            self.configuration = configuration
            self.notice = notice
            self.failure = failure
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("admin.section.system.title")
        let failure: HTML = model.failure.map { message -> HTML in
            """
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
            <h2 id="error-summary-title">\(context.t("admin.system.failure"))</h2><p>\(message)</p></div>
            """
        } ?? .empty
        let body: HTML = """
            <h1>\(title)</h1>
            \(failure)
            \(model.notice.map(Components.notice) ?? .empty)
            \(server(model, context: context))
            \(catalogue(model, context: context))
            \(database(model, context: context))
            \(backup(model, context: context))
            \(limits(model, context: context))
            """
        return AdminFrame.page(title: title, section: .system, context: context, stylesheet: stylesheet, body: body)
    }

    /// Term and description pairs as a definition list.
    private static func facts(_ pairs: [(String, HTML)]) -> HTML {
        let items = pairs.map { term, value -> HTML in "<dt>\(term)</dt><dd>\(value)</dd>" }
        return "<dl class=\"facts\">\(items)</dl>"
    }

    private static func server(_ model: Model, context: PageContext) -> HTML {
        let health: HTML = model.healthy
            ? Components.tag(context.t("admin.system.health.ok"), kind: "passed")
            : Components.tag(context.t("admin.system.health.failing"), kind: "wrong")
        return """
            <section aria-labelledby="system-server"><h2 id="system-server">\(context.t("admin.system.server.title"))</h2>
            \(facts([
                (context.t("admin.system.version"), "\(model.version)"),
                (context.t("admin.system.started"), "\(context.dateTime(model.startedAt))"),
                (context.t("admin.system.uptime"), "\(duration(model.now - model.startedAt, context))"),
                (context.t("admin.system.health"), "\(health) <span class=\"meta\">\(context.t("admin.system.health.hint"))</span>"),
            ]))
            </section>
            """
    }

    private static func catalogue(_ model: Model, context: PageContext) -> HTML {
        let status = model.catalogueStatus
        let errors = status.diagnostics.filter { $0.severity == .error }
        let warnings = status.diagnostics.filter { $0.severity == .warning }
        let lint: HTML
        if status.lastReloadFailed {
            lint = "\(Components.tag(context.t("admin.system.lint.refused"), kind: "wrong")) \(context.t("admin.system.lint.counts", ["errors": String(errors.count), "warnings": String(warnings.count)]))"
        } else if warnings.isEmpty {
            lint = Components.tag(context.t("admin.system.lint.clean"), kind: "passed")
        } else {
            lint = "\(Components.tag(context.t("admin.system.lint.warnings"), kind: "in_progress")) \(context.t("admin.system.lint.counts", ["errors": String(errors.count), "warnings": String(warnings.count)]))"
        }
        let problems = status.diagnostics.prefix(20).map { diagnostic -> HTML in "<li>\(diagnostic.description)</li>" }
        let problemList: HTML = problems.isEmpty ? .empty : "<ul lang=\"en\" class=\"diagnostics\">\(problems)</ul>"
        let rows = model.catalogue.courses.map { course -> HTML in
            "<tr><th scope=\"row\">\(course.title.t(context))</th><td>\(context.t("admin.system.catalogue.kind_course"))</td><td><code>\(course.id.rawValue)</code></td><td>\(String(course.version))</td><td><code>\(String(course.contentHash.prefix(16)))</code></td></tr>"
        } + model.catalogue.programs.map { program -> HTML in
            "<tr><th scope=\"row\">\(program.title.t(context))</th><td>\(context.t("admin.system.catalogue.kind_program"))</td><td><code>\(program.id.rawValue)</code></td><td>—</td><td><code>\(String(program.contentHash.prefix(16)))</code></td></tr>"
        }
        let lastReload: HTML = status.lastReload.map { outcome -> HTML in
            let key = outcome.taken ? "admin.system.catalogue.last_reload" : "admin.system.catalogue.last_reload_refused"
            return "<p>\(context.t(key, ["time": context.dateTime(outcome.at), "by": outcome.by ?? context.t("admin.system.catalogue.signal"), "changes": String(outcome.changes.count)]))</p>"
        } ?? .empty
        return """
            <section aria-labelledby="system-catalogue"><h2 id="system-catalogue">\(context.t("admin.system.catalogue.title"))</h2>
            \(facts([
                (context.t("admin.system.catalogue.revision"), "<code>\(String(model.catalogue.revision.prefix(16)))</code>"),
                (context.t("admin.system.catalogue.loaded"), "\(context.dateTime(status.loadedAt))"),
                (context.t("admin.system.catalogue.lint"), lint),
            ]))
            \(lastReload)
            \(problemList)
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="catalogue-caption">
            <table><caption id="catalogue-caption">\(context.t("admin.system.catalogue.caption", ["courses": String(model.catalogue.courses.count), "programs": String(model.catalogue.programs.count)]))</caption>
            <thead><tr><th scope="col">\(context.t("admin.system.catalogue.column.title"))</th><th scope="col">\(context.t("admin.system.catalogue.column.kind"))</th>\
            <th scope="col">\(context.t("admin.system.catalogue.column.id"))</th><th scope="col">\(context.t("admin.system.catalogue.column.version"))</th>\
            <th scope="col">\(context.t("admin.system.catalogue.column.hash"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <form method="post" action="/admin/system/reload" class="no-print">\(Components.csrf(context))\
            <button type="submit" class="button">\(context.t("admin.system.catalogue.reload"))</button></form>
            </section>
            """
    }

    private static func database(_ model: Model, context: PageContext) -> HTML {
        let check: HTML
        if let last = model.lastCheck {
            let details = AuditSubjects.decode(last.details)
            let ok = details["result"] == "ok"
            let tag = ok ? Components.tag(context.t("admin.system.check.ok"), kind: "passed")
                : Components.tag(context.t("admin.system.check.problems"), kind: "wrong")
            let problems: HTML = ok ? .empty : "<pre lang=\"en\">\(details["problems"] ?? "")</pre>"
            check = "\(tag) <span class=\"meta\">\(context.t("admin.system.check.ran", ["time": context.dateTime(last.at), "actor": last.actor]))</span>\(problems)"
        } else {
            check = "\(context.t("admin.system.check.never"))"
        }
        let database = model.database
        var rows: [(String, HTML)] = [
            (context.t(database.engine == .sqlite ? "admin.system.database.file" : "admin.system.database.postgres"),
             "<code>\(database.location)</code>"),
            (context.t("admin.system.database.size"),
             database.bytes.map { "\(bytes($0, context))" } ?? "\(context.t("admin.system.database.size_unknown"))"),
        ]
        if let wal = database.walBytes { rows.append((context.t("admin.system.database.wal"), "\(bytes(wal, context))")) }
        return """
            <section aria-labelledby="system-database"><h2 id="system-database">\(context.t("admin.system.database.title"))</h2>
            \(facts(rows + [(context.t("admin.system.check"), check)]))
            <form method="post" action="/admin/system/check" class="no-print">\(Components.csrf(context))\
            <button type="submit" class="button">\(context.t("admin.system.check.button"))</button></form>
            </section>
            """
    }

    private static func backup(_ model: Model, context: PageContext) -> HTML {
        guard let folder = model.backupDirectory else {
            return """
                <section aria-labelledby="system-backup"><h2 id="system-backup">\(context.t("admin.system.backup.title"))</h2>
                <p>\(context.t("admin.system.backup.not_configured"))</p></section>
                """
        }
        let last: HTML = model.lastBackup.map { file -> HTML in
            "\(context.t("admin.system.backup.last_value", ["name": file.name, "time": context.dateTime(file.at), "size": bytes(file.bytes, context)]))"
        } ?? "\(context.t("admin.system.backup.none"))"
        return """
            <section aria-labelledby="system-backup"><h2 id="system-backup">\(context.t("admin.system.backup.title"))</h2>
            \(facts([
                (context.t("admin.system.backup.folder"), "<code>\(folder)</code>"),
                (context.t("admin.system.backup.last"), last),
            ]))
            <form method="post" action="/admin/system/backup" class="no-print">\(Components.csrf(context))\
            <button type="submit" class="button">\(context.t("admin.system.backup.button"))</button></form>
            </section>
            """
    }

    private static func limits(_ model: Model, context: PageContext) -> HTML {
        let configuration = model.configuration
        let limits = configuration.serverLimits
        let throttle = configuration.loginThrottle
        let minutes = { (seconds: Double) -> String in context.strings.number(seconds / 60) }
        let perIP = limits.perIPConnections == 0 ? context.t("admin.system.limits.unlimited") : String(limits.perIPConnections)
        return """
            <section aria-labelledby="system-limits"><h2 id="system-limits">\(context.t("admin.system.limits.title"))</h2>
            \(facts([
                (context.t("admin.system.limits.threads"), "\(String(limits.threads))"),
                (context.t("admin.system.limits.body"), "\(context.t("admin.system.limits.body_value", ["largest": bytes(Int64(limits.maxBodyBytes), context), "forms": bytes(Int64(Router.defaultBodyLimit), context)]))"),
                (context.t("admin.system.limits.connections"), "\(context.t("admin.system.limits.connections_value", ["per_ip": perIP, "timeout": String(limits.connectionTimeoutSeconds)]))"),
                (context.t("admin.system.limits.sessions"), "\(context.t("admin.system.limits.sessions_value", ["idle": minutes(configuration.sessionIdleTimeout), "absolute": context.strings.number(configuration.sessionAbsoluteTimeout / 3600)]))"),
                (context.t("admin.system.limits.throttle"), "\(context.t("admin.system.limits.throttle_value", ["window": minutes(throttle.window), "account": String(throttle.perAccountAndAddress), "address": String(throttle.perAddress), "free": String(throttle.accountFreeFailures), "cap": String(throttle.accountHardCap)]))"),
                (context.t("admin.system.limits.attempts_per_day"), "\(context.t("admin.system.limits.attempts_per_day_value", ["count": String(QuizDefinition.defaultPracticeAttemptsPerDay)]))"),
                (context.t("admin.system.limits.tls"), "\(context.t(limits.tls ? "admin.system.limits.tls_on" : "admin.system.limits.tls_off"))"),
                (context.t("admin.system.limits.time_zone"), "\(configuration.calendar.timeZone.identifier)"),
                (context.t("admin.system.limits.yearly_hours"), "\(context.strings.number(configuration.yearlyRequiredHours))"),
            ]))
            </section>
            """
    }

    /// "3 天 4 小时 5 分钟" / "3 days 4 hours 5 minutes".
    static func duration(_ seconds: Double, _ context: PageContext) -> String {
        let total = max(0, Int(seconds))
        let days = total / 86_400
        let hours = total % 86_400 / 3600
        let minutes = total % 3600 / 60
        return context.t("admin.system.duration", ["days": String(days), "hours": String(hours), "minutes": String(minutes)])
    }

    /// A size in bytes for people: 812 B, 4.2 MB (1 MB = 1024 × 1024 bytes).
    static func bytes(_ value: Int64, _ context: PageContext) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : "\(context.strings.number(amount)) \(units[unit])"
    }
}
