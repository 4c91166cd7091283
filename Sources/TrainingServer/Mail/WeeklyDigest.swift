import Assessment
import Curriculum
import Foundation
import Logging
import Synchronization

/// The weekly digest of overdue people for HR: once a week (`WeeklyDigestSchedule`, default Monday 08:00 in the
/// platform's time zone) every enabled person with an HR grant and an e-mail address gets one message, in their
/// language (both, Chinese first, when they chose none), listing for each assignment they can follow up how many
/// people in their scope are overdue, the first 20 of them with their departments, and a link to the assignment's
/// progress page. Nobody outside their scope is counted or named. Nothing is sent when nothing is overdue.
///
/// It runs as a producer of the mail sender (each pass, cheaply skipped outside the digest's time or once this
/// week's round is done). Each person's digest is claimed in `mail_digests` in the transaction that queues it, so
/// two servers sharing the database never send anyone two digests in one week.
public final class WeeklyDigest: Sendable {
    /// People listed per assignment at most (the count says how many there are).
    public static let listedPeople = 20
    public static let kind = "plans.digest"

    let digests: any WeeklyDigestRepository
    let departments: any DepartmentRepository
    let strings: Localization
    let catalogue: @Sendable () -> Catalogue
    let schedule: WeeklyDigestSchedule
    let publicURL: String
    let clock: @Sendable () -> Double
    let logger: Logger
    /// The week whose round this server finished (nothing more to look at until the next week).
    private let finishedWeek = Mutex<String?>(nil)

    public init(storage: any StorageEngine, strings: Localization, catalogue: @escaping @Sendable () -> Catalogue,
                schedule: WeeklyDigestSchedule, publicURL: String, logger: Logger, clock: @escaping @Sendable () -> Double) {
        self.digests = storage.weeklyDigests
        self.departments = storage.departments
        self.strings = strings
        self.catalogue = catalogue
        self.schedule = schedule
        self.publicURL = publicURL
        self.clock = clock
        self.logger = logger
    }

    /// Queues this week's digests when their time has come and they are not queued yet; returns how many
    /// messages were queued.
    @discardableResult
    public func run() throws -> Int {
        let now = clock()
        let (week, due) = schedule.week(at: now)
        guard due, finishedWeek.withLock({ $0 }) != week else { return 0 }
        let recipients = try digests.recipientsWithoutDigest(week: week)
        var queued = 0
        if !recipients.isEmpty {
            let organisation = try departments.all()
            let catalogue = catalogue()
            let today = PlanCalendar(timeZone: schedule.timeZone).today(now)
            for userID in recipients {
                let id = try digests.queue(for: userID, week: week, at: now) { transaction in
                    try compose(for: userID, week: week, today: today, now: now, departments: organisation,
                                catalogue: catalogue, in: transaction)
                }
                if let id {
                    queued += 1
                    logger.info("weekly digest queued id=\(id) user=\(userID) week=\(week)")
                }
            }
        }
        finishedWeek.withLock { $0 = week }
        return queued
    }

    /// One assignment's part of a digest.
    struct Section {
        var assignment: Assignment
        var total: Int
        var people: [DigestOverduePerson]
    }

    /// The digest for `userID`, or nil when nothing in their scope is overdue (or they have no address).
    func compose(for userID: UserID, week: String, today: ISODay, now: Double, departments: [Department],
                 catalogue: Catalogue, in transaction: any StorageTransaction) throws -> OutgoingMail? {
        guard let (user, email) = try digests.recipient(userID, in: transaction) else { return nil }
        let scope = PlanScope(user: user, departments: departments)
        guard !scope.isEmpty else { return nil }
        var sections: [Section] = []
        for assignment in try digests.openAssignments(in: transaction) where scope.canSee(assignment) {
            let overdue = try digests.overdue(assignment, within: scope.access, catalogue: catalogue, today: today,
                                              limit: Self.listedPeople, in: transaction)
            if overdue.total > 0 { sections.append(Section(assignment: assignment, total: overdue.total, people: overdue.people)) }
        }
        guard !sections.isEmpty else { return nil }
        let languages: [Language] = user.language.flatMap(Language.init(rawValue:)).map { [$0] } ?? [.zh, .en]
        let names = scope.departments
        func department(_ id: DepartmentID) -> String { names[id]?.displayPath ?? "" }
        let subject = languages.map { strings.text("mail.digest.subject", $0, ["week": week]) }.joined(separator: " / ")
        let plain = languages.map { plainText(sections, user: user, today: today, language: $0, department: department) }
            .joined(separator: "\n\n———\n\n")
        let blocks = languages.map { MailHTML.block($0, htmlBody(sections, user: user, today: today, language: $0, department: department)) }
        let document = MailHTML.document(title: strings.text("mail.digest.subject", languages[0], ["week": week]),
                                     language: languages[0], body: HTML.join(blocks, separator: MailHTML.separator))
        return OutgoingMail(kind: Self.kind, recipient: email, subject: subject, body: plain + "\n", html: document)
    }

    private func link(_ assignment: Assignment) -> String { "\(publicURL)/plans/\(assignment.id)/progress" }

    private func plainText(_ sections: [Section], user: User, today: ISODay, language: Language,
                      department: (DepartmentID) -> String) -> String {
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { strings.text(key, language, arguments) }
        var parts = [t("mail.digest.greeting", ["name": user.displayName]),
                     t("mail.digest.intro", ["day": today.description])]
        for section in sections {
            var lines = [t("mail.digest.assignment", ["name": section.assignment.name, "count": String(section.total)])]
            lines += section.people.map {
                "- " + t("mail.digest.person", ["name": $0.name, "department": department($0.departmentID), "due": $0.dueDay])
            }
            if section.total > section.people.count {
                lines.append(t("mail.digest.more", ["count": String(section.total - section.people.count)]))
            }
            lines.append(t("mail.digest.link", ["link": link(section.assignment)]))
            parts.append(lines.joined(separator: "\n"))
        }
        parts.append(t("mail.digest.footer"))
        return parts.joined(separator: "\n\n")
    }

    private func htmlBody(_ sections: [Section], user: User, today: ISODay, language: Language,
                      department: (DepartmentID) -> String) -> HTML {
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { strings.text(key, language, arguments) }
        var body = MailHTML.paragraph(t("mail.digest.greeting", ["name": user.displayName]))
            + MailHTML.paragraph(t("mail.digest.intro", ["day": today.description]))
        for section in sections {
            body = body + MailHTML.heading(t("mail.digest.assignment", ["name": section.assignment.name,
                                                                        "count": String(section.total)]), level: 2)
            body = body + MailHTML.table(caption: t("mail.digest.caption", ["count": String(section.people.count)]),
                                         columns: [t("mail.digest.column.name"), t("mail.digest.column.department"),
                                                   t("mail.digest.column.due")],
                                         rows: section.people.map { [$0.name, department($0.departmentID), $0.dueDay] })
            if section.total > section.people.count {
                body = body + MailHTML.paragraph(t("mail.digest.more", ["count": String(section.total - section.people.count)]))
            }
            body = body + "<p>\(MailHTML.link(link(section.assignment), text: t("mail.digest.open")))</p>\n"
        }
        return body + MailHTML.footnote(t("mail.digest.footer"))
    }
}

extension WeeklyDigest {
    /// Adds the weekly digest to `mail`'s producers with the configured schedule (nothing when mail is off).
    static func register(with mail: MailService, configuration: ApplicationConfiguration, storage: any StorageEngine,
                         strings: Localization, catalogue: CatalogueHolder, logger: Logger,
                         clock: @escaping @Sendable () -> Double) {
        guard let settings = configuration.mail else { return }
        let schedule = WeeklyDigestSchedule(weekday: settings.digestWeekday, hour: settings.digestHour,
                                            timeZone: configuration.calendar.timeZone)
        let digest = WeeklyDigest(storage: storage, strings: strings, catalogue: { [catalogue] in catalogue.catalogue },
                                  schedule: schedule, publicURL: configuration.publicURL, logger: logger, clock: clock)
        mail.addProducer { try digest.run() }
    }
}
