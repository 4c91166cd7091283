import Curriculum
import Foundation

/// A person's calendar feed as stored: when its address was made and last fetched (the token is never kept).
public struct CalendarFeedRecord: Sendable, Hashable {
    public var createdAt: Double
    public var lastUsedAt: Double?

    public init(createdAt: Double, lastUsedAt: Double?) {
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// Calendar feed tokens and what a feed shows.
public protocol CalendarFeedRepository: Sendable {
    func feed(of userID: UserID) throws -> CalendarFeedRecord?
    /// Stores a new token for the person (the old one, if any, stops working), audited as `calendar.reset`;
    /// returns whether one was replaced.
    @discardableResult
    func reset(userID: UserID, tokenHash: String, by actor: AuditActor) throws -> Bool
    /// Turns the person's feed off, audited as `calendar.revoke`; false when there was none.
    @discardableResult
    func remove(userID: UserID, by actor: AuditActor) throws -> Bool
    /// The enabled person whose feed has this token's digest.
    func owner(tokenHash: String) throws -> User?
    /// The person's current assignments (in the audience, not withdrawn) with their status on `today`.
    func dueItems(of userID: UserID, catalogue: Catalogue, today: ISODay) throws -> [DueItem]
}

/// The private iCalendar feed (`/calendar/<token>.ics`): one all-day event per open assignment with a due day
/// (the effective one: an approved extension's), one per certificate's expiry, in the person's language.
public struct CalendarFeedService: Sendable {
    /// How long clients and caches may keep a copy, and how often clients are asked to fetch again.
    public static let maxAge = 900
    public static let refresh = 3600

    public let feeds: any CalendarFeedRepository
    public let certificates: any CertificationRepository
    public let catalogue: @Sendable () -> Catalogue
    public let calendar: PlanCalendar
    public let strings: Localization
    /// The server's public address: feed addresses and event links start with it.
    public let publicURL: String
    public let clock: @Sendable () -> Double

    public init(feeds: any CalendarFeedRepository, certificates: any CertificationRepository,
                catalogue: @escaping @Sendable () -> Catalogue, calendar: PlanCalendar, strings: Localization,
                publicURL: String, clock: @escaping @Sendable () -> Double) {
        self.feeds = feeds
        self.certificates = certificates
        self.catalogue = catalogue
        self.calendar = calendar
        self.strings = strings
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.clock = clock
    }

    /// The address a token opens.
    public func address(token: String) -> String { "\(publicURL)/calendar/\(token).ics" }

    /// Makes a new feed address for `user` (any old one stops working at once); returns it. It is shown once:
    /// only its digest is kept.
    public func reset(for user: User) throws -> String {
        let token = Tokens.random()
        try feeds.reset(userID: user.id, tokenHash: Tokens.digest(token), by: AuditActor(user))
        return address(token: token)
    }

    /// The person a feed token belongs to (enabled accounts only); nil for anything else, including malformed ones.
    public func owner(token: String) throws -> User? {
        guard token.count == 43, token.utf8.allSatisfy({ Self.tokenBytes.contains($0) }) else { return nil }
        return try feeds.owner(tokenHash: Tokens.digest(token))
    }

    private static let tokenBytes = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The person's calendar now.
    public func document(for user: User) throws -> CalendarDocument {
        let language = user.language.flatMap(Language.init(rawValue:)) ?? .zh
        let catalogue = catalogue()
        let today = calendar.today(clock())
        let items = try feeds.dueItems(of: user.id, catalogue: catalogue, today: today)
        let stored = try certificates.certificates(userID: user.id)
        return document(for: user, language: language, items: items, certificates: stored, catalogue: catalogue)
    }

    /// The calendar of `items` and `certificates` in `language` (pure: the tests' way in).
    public func document(for user: User, language: Language, items: [DueItem], certificates: [StoredCertificate],
                         catalogue: Catalogue) -> CalendarDocument {
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
            strings.text(key, language, arguments)
        }
        let host = URLComponents(string: publicURL)?.host ?? "training"
        var events: [CalendarDocument.Event] = []
        let open = items.filter { $0.status.isOpen && $0.member.effectiveDueDay != nil }
            .sorted { ($0.member.effectiveDueDay!, $0.assignment.id.rawValue) < ($1.member.effectiveDueDay!, $1.assignment.id.rawValue) }
        for item in open {
            guard let day = item.member.effectiveDueDay else { continue }
            let assignment = item.assignment
            let title: String
            let link: String
            switch assignment.item.kind {
            case .course:
                title = catalogue.course(CourseID(rawValue: assignment.item.id))?.title.text(in: language) ?? assignment.item.id
                link = "\(publicURL)/courses/\(assignment.item.id)"
            case .program:
                title = catalogue.program(ProgramID(rawValue: assignment.item.id))?.title.text(in: language) ?? assignment.item.id
                link = "\(publicURL)/programs/\(assignment.item.id)"
            }
            let summaryKey = item.status == .overdue ? "calendar.event.overdue" : "calendar.event.due"
            var lines = [
                t(assignment.required ? "calendar.event.required" : "calendar.event.elective", ["name": assignment.name]),
                t("calendar.event.status", ["status": t("plans.status.\(item.status.rawValue)")]),
                t("calendar.event.due_day", ["date": strings.date(day.start(in: calendar.timeZone), language,
                                                                   timeZone: calendar.timeZone)]),
            ]
            if item.member.extendedDay != nil { lines.append(t("calendar.event.extended")) }
            lines.append(link)
            events.append(CalendarDocument.Event(
                uid: "assignment-\(assignment.id)-user-\(user.id)@\(host)", stamp: item.member.assignedAt, day: day,
                summary: t(summaryKey, ["item": title]), description: lines.joined(separator: "\n"), url: link))
        }
        // The newest certificate of each programme, unless revoked: its last day of validity.
        var newest: [String: StoredCertificate] = [:]
        for certificate in certificates where (newest[certificate.programID]?.issuedAt ?? -.infinity) <= certificate.issuedAt {
            newest[certificate.programID] = certificate
        }
        for certificate in newest.values.sorted(by: { ($0.expiresAt, $0.programID) < ($1.expiresAt, $1.programID) })
        where certificate.revokedAt == nil {
            let programme = catalogue.program(ProgramID(rawValue: certificate.programID))?.title.text(in: language)
                ?? certificate.programID
            let link = "\(publicURL)/certificates/\(certificate.id.rawValue)"
            let day = calendar.day(of: certificate.expiresAt)
            let lines = [
                t("calendar.certificate.number", ["number": certificate.id.rawValue]),
                t("calendar.certificate.valid_until", ["date": strings.date(certificate.expiresAt, language,
                                                                            timeZone: calendar.timeZone)]),
                t("calendar.certificate.renew"),
                link,
            ]
            events.append(CalendarDocument.Event(
                uid: "certificate-\(certificate.id.rawValue)@\(host)", stamp: certificate.issuedAt, day: day,
                summary: t("calendar.certificate.summary", ["programme": programme]),
                description: lines.joined(separator: "\n"), url: link))
        }
        return CalendarDocument(productID: "-//Civil Service Academy//Training calendar//\(language.rawValue.uppercased())",
                                name: t("calendar.name", ["name": user.displayName]),
                                timeZone: calendar.timeZone.identifier, refreshSeconds: Self.refresh, events: events)
    }
}
