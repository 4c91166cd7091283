import Curriculum
import Foundation
import PostgresStorage
import Testing
import TrainingServer

/// Several servers ("nodes": pools with their own connections) polling the outbox at the same moment on one schema:
/// every message is handed to exactly one sender.
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
}
