import Curriculum
import Foundation
import PostgresStorage
import Testing
import TrainingServer

/// Several servers ("nodes": pools with their own connections) polling the outbox and running the reminder pass at
/// the same moment on one schema: every message is handed to exactly one sender, every notice is posted (and its
/// mail queued) once, every certification event is claimed once.
@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresMailAndReminderConcurrencyTests {
    struct Claim: Sendable, Hashable {
        var id: Int64
        var attempts: Int
        var delivered: Bool
    }

    @Test func sendersOnTwoNodesSendEveryMessageExactlyOnce() throws {
        try StorageFixture.with(.postgres) { storage in
            let outboxes: [any MailOutboxRepository] = [storage.node.mailOutbox, try storage.openNode().mailOutbox]
            var ids: [Int64] = []
            for index in 0..<150 {
                ids.append(try outboxes[index % 2].enqueue(OutgoingMail(kind: "test", recipient: "p\(index)@example.gov",
                                                                        subject: "s", body: "b\(index)"), at: 0))
            }
            let claims = LockedBox<[Claim]>([])
            let errors = LockedBox<[String]>([])
            PostgresRepositoryConcurrencyTests.race(8, warmUp: { _ = try outboxes[$0 % 2].counts() }) { thread in
                let outbox = outboxes[thread % 2]
                do {
                    while let message = try outbox.claimNext(now: 10, messageID: { "<t\(thread)@example.gov>" }) {
                        // Every third message fails its first attempt and is due again at once (another sender may
                        // take the retry); the others are delivered.
                        let fails = message.id % 3 == 0 && message.attempts == 1
                        if fails {
                            try outbox.attemptFailed(id: message.id, error: "451 try later", at: 10, retryAt: 10)
                        } else {
                            try outbox.delivered(id: message.id, at: 11)
                        }
                        claims.update { $0.append(Claim(id: message.id, attempts: message.attempts, delivered: !fails)) }
                    }
                } catch {
                    errors.update { $0.append("\(error)") }
                }
            }
            #expect(errors.current.isEmpty, "\(errors.current)")
            let delivered = claims.current.filter(\.delivered).map(\.id)
            #expect(delivered.count == ids.count && Set(delivered) == Set(ids), "each message delivered once, none lost")
            for id in ids {
                let attempts = claims.current.filter { $0.id == id }.map(\.attempts).sorted()
                #expect(attempts == (id % 3 == 0 ? [1, 2] : [1]), "message \(id): claims \(attempts)")
            }
            #expect(try outboxes[0].counts() == [.sent: ids.count])
            #expect(try storage.integer("SELECT count(*) FROM mail_outbox WHERE message_id IS NULL OR attempts <> "
                                        + "CASE WHEN id % 3 = 0 THEN 2 ELSE 1 END", []) == 0)
        }
    }

    /// One sweep as the reminder pass makes it: the members owed their overdue notice, in batches, each notice
    /// posted with its mail in one transaction; then the certification events, each claimed in the transaction
    /// that posts its notice. Returns how many notices this sweep posted.
    static func sweep(_ node: StorageNode, today: ISODay) throws -> Int {
        var posted = 0
        let catalogue = RemindersConformanceTests.catalogue
        for assignment in try node.reminders.activeRequiredAssignments() {
            let window = ReminderWindow.dueBefore(today)
            let prefix = node.reminders.dedupeKeyPrefix(assignment: assignment.id, window)
            while true {
                let owed = try node.reminders.membersOwed(assignment, window, catalogue: catalogue)
                guard !owed.isEmpty else { break }
                let changed = try node.reminders.batch { transaction in
                    var changed = 0
                    for member in owed {
                        guard try node.notices.insert(NewNotice(userID: member.userID, kind: .assignmentOverdue,
                                                                dedupeKey: prefix + (member.due ?? "")),
                                                      at: 100, in: transaction) != nil else { continue }
                        try node.mailOutbox.enqueue(OutgoingMail(kind: "assignment.overdue", recipient: "\(member.userID)@example.gov",
                                                                 subject: "逾期", body: "b"), at: 100, in: transaction)
                        changed += 1
                    }
                    return changed
                }
                posted += changed
                if changed == 0 { break }
            }
        }
        while true {
            let events = try node.reminders.unsentCertificationEvents()
            guard !events.isEmpty else { break }
            let changed = try node.reminders.batch { transaction in
                var changed = 0
                for event in events where try node.reminders.claim(certificationEvent: event.id, at: 100, in: transaction) {
                    _ = try node.notices.insert(NewNotice(userID: event.userID, kind: .certificateRevoked,
                                                          dedupeKey: "certification:\(event.id)"), at: 100, in: transaction)
                    changed += 1
                }
                return changed
            }
            posted += changed
            if changed == 0 { break }
        }
        return posted
    }

    @Test func reminderSweepsOnTwoNodesPostEachNoticeAndMailOnce() throws {
        try StorageFixture.with(.postgres) { storage in
            let bureau = try storage.department("省", "数据局")
            var people: [User] = []
            for index in 0..<60 { people.append(try storage.user("p\(index)", in: bureau)) }
            // Written as rows after the people exist (an assignment made through the repository would make them members).
            let id = try RemindersConformanceTests.assignment(storage, bureau)
            for (index, person) in people.enumerated() {
                try RemindersConformanceTests.member(storage, id, person, due: index % 2 == 0 ? "2027-02-20" : "2027-02-21")
                try storage.execute("""
                    INSERT INTO notification_outbox (user_id, kind, program_id, payload, created_at)
                    VALUES (?, 'certification.revoked', 'security', '{}', 60)
                    """, [.int(person.id.rawValue)])
            }
            let nodes = [storage.node, try storage.openNode()]
            let today = try #require(ISODay("2027-03-01"))
            let posted = LockedBox<Int>(0)
            let errors = LockedBox<[String]>([])
            PostgresRepositoryConcurrencyTests.race(6, warmUp: { _ = try nodes[$0 % 2].reminders.activeRequiredAssignments() }) { thread in
                do {
                    let count = try Self.sweep(nodes[thread % 2], today: today)
                    posted.update { $0 += count }
                } catch {
                    errors.update { $0.append("\(error)") }
                }
            }
            #expect(errors.current.isEmpty, "\(errors.current)")
            #expect(posted.current == 120, "60 overdue notices and 60 certification notices, each posted by one sweep")
            #expect(try storage.count("notices") == 120)
            #expect(try storage.count("mail_outbox") == 60, "each overdue notice's mail queued once")
            #expect(try storage.integer("SELECT count(*) FROM notification_outbox WHERE sent_at IS NULL", []) == 0)
            #expect(try storage.integer("""
                SELECT count(*) FROM users WHERE unread_notices <> 2 AND login LIKE 'p%'
                """, []) == 0, "every person has exactly their two notices")
            #expect(try Self.sweep(nodes[0], today: today) == 0, "nothing is left to post")
        }
    }
}
