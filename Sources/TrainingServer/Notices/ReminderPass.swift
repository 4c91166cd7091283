import Curriculum
import Foundation
import Logging

/// The background pass that turns what happened into notices (and, through `NoticeService`, mail), at start and
/// then every `interval` seconds, on the server's clock:
///
/// - `assignment.assigned` for people who became members of a required assignment in the last 30 days;
/// - `assignment.due_soon` when a member's effective due day is within 7 days (once per member and due day: an
///   extension that moves the day gives a new reminder);
/// - `assignment.overdue` from the day after the effective due day (once per member and due day);
/// - `extension.approved` / `extension.refused` for extension requests decided in the last 30 days;
/// - `certificate.expiring` / `certificate.revoked` from the certification engine's `notification_outbox` (renewal
///   window opened, certificate revoked); each row is marked sent in the transaction that posts its notice, and
///   rows of other kinds (certified, renewed, expired) are marked sent without a notice;
/// - announcements for people who came into an announcement's subtree after it was published.
///
/// Members who are done (by the evidence), exempt, moved away or disabled are skipped. Each batch is one
/// transaction, and every notice has a dedupe key, so two passes, or two servers sharing the database, post each
/// notice (and queue its mail) once.
public final class ReminderPass: Sendable {
    let reminders: any ReminderRepository
    let announcements: any AnnouncementRepository
    let notices: NoticeService
    let catalogue: CatalogueHolder
    let calendar: PlanCalendar
    let logger: Logger
    let clock: @Sendable () -> Double
    /// Seconds between passes.
    public let interval: Double
    /// Due-soon reminders go out when the effective due day is at most this many days away.
    public static let dueSoonDays = 7
    /// How far back assignments and extension decisions still get their notice (a server down for a while catches
    /// up; an upgrade does not tell everyone about years-old assignments).
    public static let lookBack: Double = 30 * 86_400

    public init(storage: any StorageEngine, notices: NoticeService, catalogue: CatalogueHolder, timeZone: TimeZone, logger: Logger,
                clock: @escaping @Sendable () -> Double, interval: Double = 300) {
        self.reminders = storage.reminders
        self.announcements = storage.announcements
        self.notices = notices
        self.catalogue = catalogue
        self.calendar = PlanCalendar(timeZone: timeZone)
        self.logger = logger
        self.clock = clock
        self.interval = interval
    }

    /// What one pass posted, by kind.
    public struct Outcome: Sendable, Hashable {
        public var posted: [NoticeKind: Int] = [:]
        public var mailed = 0

        public var total: Int { posted.values.reduce(0, +) }
    }

    /// Runs a pass now, then every `interval` seconds on a thread of its own.
    public func start() {
        runLogged()
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                runLogged()
            }
        }
    }

    private func runLogged() {
        do {
            let outcome = try runOnce()
            if outcome.total > 0 {
                let kinds = outcome.posted.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue)=\(outcome.posted[$0] ?? 0)" }
                logger.info("notice pass: posted \(outcome.total) (\(kinds.joined(separator: " "))), mailed \(outcome.mailed)")
            } else {
                logger.debug("notice pass: nothing to post")
            }
        } catch {
            logger.error("notice pass failed: \(error)")
        }
    }

    /// One pass (see the type's description).
    @discardableResult
    public func runOnce() throws -> Outcome {
        let now = clock()
        let today = calendar.today(now)
        var outcome = Outcome()
        let current = catalogue.catalogue
        for assignment in try reminders.activeRequiredAssignments() {
            let windows: [(ReminderWindow, NoticeKind)] = [
                (.assignedSince(now - Self.lookBack), .assignmentAssigned),
                (.dueBefore(today), .assignmentOverdue),
                (.dueBetween(from: today, to: today.adding(days: Self.dueSoonDays)), .assignmentDueSoon),
            ]
            for (window, kind) in windows {
                try drain({ try reminders.membersOwed(assignment, window, catalogue: current) }) { member, transaction in
                    var parameters = ["name": assignment.name]
                    if let due = member.due { parameters["due"] = due }
                    let prefix = reminders.dedupeKeyPrefix(assignment: assignment.id, window)
                    let key = kind == .assignmentAssigned ? prefix : prefix + (member.due ?? "")
                    return try post(NewNotice(userID: member.userID, kind: kind, parameters: parameters,
                                              link: "/due/\(assignment.id)", dedupeKey: key), at: now, in: transaction, into: &outcome)
                }
            }
        }
        try drain({ try reminders.decisionsOwed(since: now - Self.lookBack) }) { decision, transaction in
            var parameters = ["name": decision.assignmentName]
            if decision.approved, let day = decision.day { parameters["due"] = day }
            if !decision.approved, let note = decision.note, !note.isEmpty { parameters["note"] = note }
            return try post(NewNotice(userID: decision.userID, kind: decision.approved ? .extensionApproved : .extensionRefused,
                                      parameters: parameters, link: "/due/\(decision.assignmentID)",
                                      dedupeKey: "extension:\(decision.requestID)"), at: now, in: transaction, into: &outcome)
        }
        try drain({ try reminders.unsentCertificationEvents() }) { event, transaction in
            guard try reminders.claim(certificationEvent: event.id, at: now, in: transaction) else { return false }
            let kind: NoticeKind
            switch event.kind {
            case "certification.window_opened": kind = .certificateExpiring
            case "certification.revoked": kind = .certificateRevoked
            default: return true
            }
            var parameters: [String: String] = [:]
            let program = event.programID.flatMap { id in current.programs.first { $0.id.rawValue == id } }
            parameters["name_zh"] = program?.title.text(in: .zh) ?? event.programID ?? ""
            parameters["name_en"] = program?.title.text(in: .en) ?? event.programID ?? ""
            if kind == .certificateExpiring, let expires = event.expiresAt {
                // The last day it is valid: the day before the instant it expires.
                parameters["due"] = calendar.day(of: expires - 1).description
            }
            _ = try post(NewNotice(userID: event.userID, kind: kind, parameters: parameters,
                                   link: event.programID.map { "/programs/\($0)" },
                                   dedupeKey: "certification:\(event.id)"), at: now, in: transaction, into: &outcome)
            return true
        }
        let caughtUp = try announcements.catchUp(today: today, at: now)
        if caughtUp > 0 { outcome.posted[.announcement, default: 0] += caughtUp }
        if outcome.mailed > 0 { notices.mailQueued() }
        return outcome
    }

    private func post(_ notice: NewNotice, at now: Double, in transaction: any StorageTransaction,
                      into outcome: inout Outcome) throws -> Bool {
        let posted = try notices.post(notice, at: now, in: transaction)
        guard posted.noticeID != nil else { return false }
        outcome.posted[notice.kind, default: 0] += 1
        if posted.mailID != nil { outcome.mailed += 1 }
        return true
    }

    /// Reads batches with `fetch` and handles each in one transaction with `handle` (true: something changed),
    /// until a batch comes back empty or changes nothing (what is left was taken by another server meanwhile).
    private func drain<Item>(_ fetch: () throws -> [Item], _ handle: (Item, any StorageTransaction) throws -> Bool) throws {
        while true {
            let items = try fetch()
            guard !items.isEmpty else { return }
            let changed = try reminders.batch { transaction in
                var changed = 0
                for item in items where try handle(item, transaction) { changed += 1 }
                return changed
            }
            guard changed > 0, items.count == reminders.batchSize else { return }
        }
    }
}
