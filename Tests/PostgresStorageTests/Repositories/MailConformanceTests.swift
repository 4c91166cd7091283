import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The outbox, people's addresses and the weekly digests give the same answers on SQLite and PostgreSQL.
@Suite struct MailConformanceTests {
    @Test(arguments: StorageKind.enabled)
    func anAddressChangeIsAuditedWithoutTheAddress(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: storage.department("处"))
            let addresses = storage.node.mailAddresses
            #expect(try addresses.email(of: user.id) == nil)
            try addresses.setEmail("li@example.gov", id: user.id, by: .commandLine)
            try addresses.setEmail("li@example.gov", id: user.id, by: .commandLine)
            #expect(try addresses.email(of: user.id) == "li@example.gov")
            try addresses.setEmail("li.xue@example.gov", id: user.id, by: .commandLine)
            try addresses.setEmail(nil, id: user.id, by: .commandLine)
            #expect(try addresses.email(of: user.id) == nil)
            let entries = try storage.audit.recent(limit: 20).filter { $0.action == "user.email" }
            #expect(entries.map(\.details).sorted()
                        == [#"{"change":"added"}"#, #"{"change":"changed"}"#, #"{"change":"removed"}"#].sorted())
            #expect(!entries.contains { $0.details.contains("example.gov") })
            #expect(throws: StoreError.self) { try addresses.setEmail("x@example.gov", id: UserID(rawValue: 999), by: .system) }
            #expect(try addresses.email(of: UserID(rawValue: 999)) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func theOutboxRefusesUnknownStates(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            #expect(throws: (any Error).self) {
                try storage.execute("""
                    INSERT INTO mail_outbox (kind, recipient, subject, body, state, created_at, next_attempt_at)
                    VALUES ('x', 'a@b.c', 's', 'b', 'lost', 0, 0)
                    """, [])
            }
            let stored = try storage.count("mail_outbox")
            #expect(stored == 0)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func messagesAreClaimedInOrderRetriedGivenUpAndErased(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let outbox = storage.node.mailOutbox
            let expiring = try outbox.enqueue(OutgoingMail(kind: "password.reset_link", recipient: "a@example.gov",
                                                           subject: "s", body: "link", expiresAt: 150), at: 100)
            let plain = try outbox.enqueue(OutgoingMail(kind: "plans.overdue", recipient: "b@example.gov", subject: "提醒",
                                                        body: "正文", html: "<p>正文</p>",
                                                        unsubscribeURL: "https://example.gov/u/1"), at: 100)
            let secret = try outbox.enqueue(OutgoingMail(kind: "password.reset_link", recipient: "c@example.gov",
                                                         subject: "s", body: "secret link", sensitive: true), at: 100)
            var made = 0
            let makeID = { () -> String in made += 1; return "<m\(made)@example.gov>" }
            #expect(try outbox.claimNext(now: 50, messageID: makeID) == nil, "nothing is due yet")

            // The expired one is given up on the way to the next due message.
            let first = try #require(try outbox.claimNext(now: 200, messageID: makeID))
            #expect(first.id == plain && first.state == .sending && first.attempts == 1)
            #expect(first.messageID == "<m1@example.gov>" && first.html == "<p>正文</p>"
                        && first.unsubscribeURL == "https://example.gov/u/1" && !first.sensitive)
            let expired = try #require(try outbox.find(id: expiring))
            #expect(expired.state == .failed && expired.failedAt == 200
                        && expired.lastError == "expired before it could be delivered")

            try outbox.attemptFailed(id: plain, error: "421 busy", at: 210, retryAt: 300)
            let waiting = try #require(try outbox.find(id: plain))
            #expect(waiting.state == .pending && waiting.nextAttemptAt == 300 && waiting.lastError == "421 busy")

            let second = try #require(try outbox.claimNext(now: 250, messageID: makeID))
            #expect(second.id == secret && second.sensitive && second.body == "secret link")
            #expect(try outbox.claimNext(now: 260, messageID: makeID) == nil, "the retry is not due yet")
            try outbox.delivered(id: secret, at: 270)
            let sent = try #require(try outbox.find(id: secret))
            #expect(sent.state == .sent && sent.sentAt == 270 && sent.body.isEmpty && sent.html == nil)

            let again = try #require(try outbox.claimNext(now: 300, messageID: makeID))
            #expect(again.id == plain && again.attempts == 2 && again.messageID == "<m1@example.gov>",
                    "a retry keeps its Message-ID")
            #expect(try outbox.abandonInterrupted(claimedBefore: 300, at: 400).isEmpty)
            #expect(try outbox.abandonInterrupted(claimedBefore: 301, at: 400) == [plain])
            let interrupted = try #require(try outbox.find(id: plain))
            #expect(interrupted.state == .failed && interrupted.failedAt == 400 && interrupted.body == "正文"
                        && interrupted.lastError?.contains("interrupted") == true)
            // A late report of the interrupted sender changes nothing.
            try outbox.attemptFailed(id: plain, error: "late", at: 410, retryAt: 500)
            #expect(try outbox.find(id: plain)?.state == .failed)
            #expect(try outbox.counts() == [.failed: 2, .sent: 1])
            #expect(try outbox.find(id: 999) == nil)
        }
    }

    private func deadLetter(_ outbox: any MailOutboxRepository, sensitive: Bool = false, expiresAt: Double? = nil,
                            at now: Double) throws -> Int64 {
        let id = try outbox.enqueue(OutgoingMail(kind: "plans.overdue", recipient: "li@example.gov", subject: "提醒",
                                                 body: "正文", html: "<p>正文</p>", expiresAt: expiresAt,
                                                 sensitive: sensitive), at: now)
        _ = try outbox.claimNext(now: now) { "<m\(id)@example.gov>" }
        try outbox.attemptFailed(id: id, error: "421 down", at: now + 1, retryAt: nil)
        return id
    }

    @Test(arguments: StorageKind.enabled)
    func deadLettersAreListedRetriedWithFreshAttemptsAndDiscarded(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let outbox = storage.node.mailOutbox
            let first = try deadLetter(outbox, at: 100)
            let second = try deadLetter(outbox, at: 200)
            _ = try outbox.enqueue(OutgoingMail(kind: "x", recipient: "a@example.gov", subject: "s", body: "b"), at: 300)
            var (letters, total) = try outbox.deadLetters(limit: 10, offset: 0)
            #expect(total == 2 && letters.map(\.id) == [second, first], "newest first")
            #expect(letters[0].failedAt == 201 && letters[0].lastError == "421 down" && letters[0].attempts == 1)
            (letters, total) = try outbox.deadLetters(limit: 1, offset: 1)
            #expect(total == 2 && letters.map(\.id) == [first])

            let retried = try outbox.retry(id: first, by: .system, at: 500)
            #expect(retried.id == first)
            let stored = try #require(try outbox.find(id: first))
            #expect(stored.state == .pending && stored.attempts == 0 && stored.nextAttemptAt == 500 && stored.failedAt == nil)
            #expect(stored.messageID == "<m\(first)@example.gov>", "the same message keeps its Message-ID")
            #expect(stored.body == "正文" && stored.html == "<p>正文</p>")

            let discarded = try outbox.discard(id: second, by: .system, at: 600)
            #expect(discarded?.id == second)
            let gone = try #require(try outbox.find(id: second))
            #expect(gone.state == .failed && gone.discardedAt == 600 && gone.body.isEmpty && gone.html == nil)
            (letters, total) = try outbox.deadLetters(limit: 10, offset: 0)
            #expect(letters.isEmpty && total == 0)
            #expect(try outbox.discardedCount() == 1)
            // Neither can happen twice, nor to a message that is not a dead letter.
            #expect(try outbox.discard(id: second, by: .system, at: 700) == nil)
            #expect(throws: MailRetryRefusal.notDeadLetter) { try outbox.retry(id: second, by: .system, at: 700) }
            #expect(throws: MailRetryRefusal.notDeadLetter) { try outbox.retry(id: first, by: .system, at: 700) }
            #expect(throws: MailRetryRefusal.notDeadLetter) { try outbox.retry(id: 999, by: .system, at: 700) }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func erasedAndExpiredDeadLettersAreNotRetried(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let outbox = storage.node.mailOutbox
            let link = try deadLetter(outbox, sensitive: true, at: 100)
            let expiring = try deadLetter(outbox, expiresAt: 1000, at: 100)
            #expect(try outbox.find(id: link)?.body.isEmpty == true && outbox.find(id: link)?.html == nil)
            #expect(throws: MailRetryRefusal.contentErased) { try outbox.retry(id: link, by: .system, at: 200) }
            #expect(throws: MailRetryRefusal.expired) { try outbox.retry(id: expiring, by: .system, at: 1000) }
            #expect(try outbox.find(id: expiring)?.state == .failed, "nothing changed")
            #expect(try storage.audit.recent(limit: 10).filter { $0.action.hasPrefix("mail.") }.isEmpty)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func retryAndDiscardAreAuditedInTheSameTransaction(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let outbox = storage.node.mailOutbox
            let first = try deadLetter(outbox, at: 100)
            let second = try deadLetter(outbox, at: 100)
            let link = try deadLetter(outbox, sensitive: true, at: 100)
            try outbox.retry(id: first, by: .system, at: 200)
            #expect(try outbox.discard(id: second, by: .system, at: 210) != nil)
            #expect(throws: MailRetryRefusal.contentErased) { try outbox.retry(id: link, by: .system, at: 220) }
            #expect(try outbox.discard(id: first, by: .system, at: 230) == nil, "no longer a dead letter")
            let entries = try storage.audit.recent(limit: 10).filter { $0.action.hasPrefix("mail.") }
            #expect(entries.map(\.action).sorted() == ["mail.discard", "mail.retry"])
            #expect(Set(entries.map(\.subject)) == ["mail:\(first)", "mail:\(second)"])
            #expect(entries.allSatisfy { $0.details.contains("plans.overdue") && !$0.details.contains("example.gov") })
            #expect(try storage.audit.verify() == .intact(rows: try storage.count("audit_log")))
        }
    }

    /// An assignment of a programme nobody is certified in, anchored at `department`, due on `due` (written as rows:
    /// the digest only reads them).
    static func overdueAssignment(_ storage: StorageFixture, at department: Department, due: String,
                                  members: [(User, String?)]) throws -> Int64 {
        try storage.execute("""
            INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                     due_kind, due_day, created_at)
            VALUES ('年度培训', 'program', 'annual', 1, 'department', ?, 1, 'fixed', ?, 10)
            """, [.int(department.id.rawValue), .text(due)])
        let id = try #require(try storage.integer("SELECT max(id) FROM assignments", []))
        for (user, day) in members {
            try storage.execute("""
                INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day) VALUES (?, ?, 10, ?)
                """, [.int(Int64(id)), .int(user.id.rawValue), day.map(SQLValue.text) ?? .null])
        }
        return Int64(id)
    }

    @Test(arguments: StorageKind.enabled)
    func aDigestIsQueuedOnceAWeekWithWhatIsOverdueInScope(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let province = try storage.department("省")
            let first = try storage.department("省", "甲处")
            let second = try storage.department("省", "乙处")
            let planner = try storage.user("hr", in: first, roles: [.hr])
            _ = try storage.user("hr2", in: first, roles: [.hr])  // no address: no digest
            let li = try storage.user("li", in: first, name: "李明")
            let zhao = try storage.user("zhao", in: first, name: "赵刚")
            let early = try storage.user("early", in: first, name: "钱")
            let marker = try storage.user("marker", in: second, name: "王五")
            try storage.node.mailAddresses.setEmail("hr@example.gov", id: planner.id, by: .system)
            try storage.node.mailAddresses.setEmail("li@example.gov", id: li.id, by: .system)
            let assignment = try Self.overdueAssignment(storage, at: province, due: "2026-05-01", members: [
                (li, "2026-05-01"), (zhao, "2026-05-20"), (early, "2026-09-01"), (marker, "2026-04-01"),
            ])
            let catalogue = Catalogue(directory: FileManager.default.temporaryDirectory, courses: [], programs: [])
            let today = try #require(ISODay("2026-06-01"))
            let digests = storage.node.weeklyDigests
            #expect(try digests.recipientsWithoutDigest(week: "2026-W22") == [planner.id])

            var seen: (total: Int, people: [DigestOverduePerson], wide: Int, first: [DigestOverduePerson]) = (0, [], 0, [])
            let queued = try digests.queue(for: planner.id, week: "2026-W22", at: 500) { transaction -> OutgoingMail? in
                guard let recipient = try digests.recipient(planner.id, in: transaction) else {
                    Issue.record("the planner has an address")
                    return nil
                }
                #expect(recipient.0.login == "hr" && recipient.1 == "hr@example.gov")
                #expect(try digests.recipient(zhao.id, in: transaction) == nil, "no address")
                let open = try digests.openAssignments(in: transaction)
                #expect(open.map(\.id.rawValue) == [assignment] && open[0].item == AssignmentItem(kind: .program, id: "annual"))
                let inScope = try digests.overdue(open[0], within: AccessScope(prefixes: [first.idPath]), catalogue: catalogue,
                                                  today: today, limit: 10, in: transaction)
                let wide = try digests.overdue(open[0], within: AccessScope(prefixes: [province.idPath]), catalogue: catalogue,
                                               today: today, limit: 1, in: transaction)
                #expect(try digests.overdue(open[0], within: AccessScope(prefixes: []), catalogue: catalogue, today: today,
                                            limit: 10, in: transaction).total == 0)
                seen = (inScope.total, inScope.people, wide.total, wide.people)
                return OutgoingMail(kind: "plans.digest", recipient: recipient.1, subject: "周报", body: "逾期")
            }
            let id = try #require(queued)
            #expect(seen.total == 2 && seen.people.map(\.userID) == [li.id, zhao.id], "the marker outside the scope never appears")
            #expect(seen.people.map(\.dueDay) == ["2026-05-01", "2026-05-20"] && seen.people[0].name == "李明"
                        && seen.people[0].departmentID == first.id)
            #expect(seen.wide == 3 && seen.first.map(\.userID) == [marker.id], "earliest due first, at most the limit")
            #expect(try storage.node.mailOutbox.find(id: id)?.kind == "plans.digest")
            #expect(try storage.integer("SELECT outbox_id FROM mail_digests WHERE user_id = ? AND week = '2026-W22'",
                                        [.int(planner.id.rawValue)]) == Int(id))

            // Once a week: a second pass (or server) finds the claim and composes nothing.
            #expect(try digests.queue(for: planner.id, week: "2026-W22", at: 600) { _ in
                Issue.record("composed twice")
                return nil
            } == nil)
            #expect(try digests.recipientsWithoutDigest(week: "2026-W22").isEmpty)
            // Nothing to send: the claim stays, nothing is queued.
            #expect(try digests.queue(for: planner.id, week: "2026-W23", at: 700) { _ in nil } == nil)
            #expect(try digests.recipientsWithoutDigest(week: "2026-W23").isEmpty)
            #expect(try storage.count("mail_outbox") == 1)
        }
    }

    struct ComposeFailed: Error {}

    @Test(arguments: StorageKind.enabled)
    func aFailedDigestLeavesNeitherItsClaimNorMailWrittenInItsTransaction(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let planner = try storage.user("hr", in: storage.department("省"), roles: [.hr])
            try storage.node.mailAddresses.setEmail("hr@example.gov", id: planner.id, by: .system)
            let outbox = storage.node.mailOutbox
            #expect(throws: ComposeFailed.self) {
                try storage.node.weeklyDigests.queue(for: planner.id, week: "2026-W22", at: 500) { transaction in
                    try outbox.enqueue(OutgoingMail(kind: "x", recipient: "hr@example.gov", subject: "s", body: "b"),
                                       at: 500, in: transaction)
                    throw ComposeFailed()
                }
            }
            #expect(try storage.count("mail_outbox") == 0 && storage.count("mail_digests") == 0)
            #expect(try storage.node.weeklyDigests.recipientsWithoutDigest(week: "2026-W22") == [planner.id])
            // In a transaction that commits, the extra message is kept with the digest.
            let id = try storage.node.weeklyDigests.queue(for: planner.id, week: "2026-W22", at: 600) { transaction in
                try outbox.enqueue(OutgoingMail(kind: "x", recipient: "hr@example.gov", subject: "s", body: "b"),
                                   at: 600, in: transaction)
                return OutgoingMail(kind: "plans.digest", recipient: "hr@example.gov", subject: "周报", body: "b")
            }
            let stored = try storage.count("mail_outbox")
            #expect(id != nil && stored == 2)
        }
    }
}
