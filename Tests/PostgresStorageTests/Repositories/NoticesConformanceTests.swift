import Assessment
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Notices and announcements give the same answers on SQLite and PostgreSQL: once per person and dedupe key, in
/// the transaction of what caused them, with the unread counts on the person's row following every change, and
/// announcements reaching their department's subtree and never a sibling.
@Suite struct NoticesConformanceTests {
    static func notice(_ user: User, _ key: String, kind: NoticeKind = .assignmentDueSoon) -> NewNotice {
        NewNotice(userID: user.id, kind: kind, parameters: ["name": "复训", "due": "2027-01-20"], link: "/due/4",
                  dedupeKey: key)
    }

    func counts(_ storage: StorageFixture, _ user: User) throws -> [Int] {
        let stored = try #require(try storage.users.find(id: user.id))
        return [stored.unreadNotices, stored.unreadAnnouncements]
    }

    @Test(arguments: StorageKind.enabled)
    func theUnreadCountsFollowEveryChange(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let bureau = try storage.department("省", "数据局")
            let li = try storage.user("li", in: bureau)
            let notices = storage.node.notices
            let announcements = storage.node.announcements
            #expect(try counts(storage, li) == [0, 0])
            let first = try announcements.publish(.init(department: bureau, title: "一", body: "正文", endsOn: nil), by: .system, at: 10)
            let second = try announcements.publish(.init(department: bureau, title: "二", body: "正文", endsOn: nil), by: .system, at: 11)
            _ = try storage.node.reminders.batch { transaction in
                try notices.insert(Self.notice(li, "assignment:4:due_soon:2027-01-20"), at: 12, in: transaction)
            }
            #expect(try counts(storage, li) == [3, 2])

            let firstNotice = try #require(try notices.noticeFor(announcement: first.id, of: li.id))
            #expect(try notices.markRead(id: firstNotice.id, of: li.id, at: 20))
            #expect(try counts(storage, li) == [2, 1])
            try storage.execute("UPDATE notices SET read_at = NULL WHERE id = ?", [.int(firstNotice.id)])
            #expect(try counts(storage, li) == [3, 2], "unread again")

            // Withdrawing removes the notices it posted, read or not; only unread ones count down.
            #expect(try notices.markRead(id: firstNotice.id, of: li.id, at: 21))
            #expect(try announcements.withdraw(id: first.id, by: .system, at: 30))
            #expect(try counts(storage, li) == [2, 1])
            #expect(try announcements.withdraw(id: second.id, by: .system, at: 31))
            #expect(try counts(storage, li) == [1, 0])
            #expect(try notices.markAllRead(of: li.id, at: 40) == 1)
            #expect(try counts(storage, li) == [0, 0])
            #expect(try notices.counts(of: li.id) == (1, 0))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aNoticeIsPostedOncePerKeyAndReadOnlyByItsPerson(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("省")
            let li = try storage.user("li", in: department, name: "李明")
            let wang = try storage.user("wang", in: department)
            try storage.node.mailAddresses.setEmail("li@example.gov", id: li.id, by: .system)
            try storage.users.setLanguage("en", id: li.id)
            let notices = storage.node.notices
            let ids = try storage.node.reminders.batch { transaction in
                [try notices.insert(Self.notice(li, "k1"), at: 10, in: transaction),
                 try notices.insert(Self.notice(li, "k2", kind: .assignmentOverdue), at: 11, in: transaction),
                 try notices.insert(Self.notice(li, "k1"), at: 12, in: transaction),
                 try notices.insert(Self.notice(wang, "k1"), at: 13, in: transaction)]
            }
            #expect(ids[0] != nil && ids[1] != nil && ids[2] == nil && ids[3] != nil, "once per person and key")
            let listed = try notices.notices(of: li.id, limit: 10, offset: 0)
            #expect(listed.map(\.dedupeKey) == ["k2", "k1"], "newest first")
            #expect(listed[1].kind == .assignmentDueSoon && listed[1].parameters == ["name": "复训", "due": "2027-01-20"]
                        && listed[1].link == "/due/4" && listed[1].createdAt == 10 && listed[1].readAt == nil
                        && listed[1].announcementID == nil)
            #expect(try notices.notices(of: li.id, limit: 1, offset: 1).map(\.dedupeKey) == ["k1"])
            #expect(try notices.counts(of: li.id) == (2, 2))
            let first = try #require(ids[0])
            #expect(try notices.notice(id: first, of: li.id)?.dedupeKey == "k1")
            #expect(try notices.notice(id: first, of: wang.id) == nil, "another person's notice is not found")
            #expect(try !notices.markRead(id: first, of: wang.id, at: 20))
            #expect(try notices.markRead(id: first, of: li.id, at: 20))
            #expect(try !notices.markRead(id: first, of: li.id, at: 21), "read already")
            #expect(try notices.notice(id: first, of: li.id)?.readAt == 20)
            #expect(try notices.counts(of: wang.id) == (1, 1))

            let recipient = try storage.node.reminders.batch { transaction in
                (try notices.recipient(li.id, in: transaction), try notices.recipient(UserID(rawValue: 999), in: transaction))
            }
            #expect(recipient.0?.displayName == "李明" && recipient.0?.email == "li@example.gov"
                        && recipient.0?.language == .en && recipient.0?.reminderMail == true && recipient.0?.disabled == false)
            #expect(recipient.1 == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func reminderMailIsTurnedOffByItsPersonOrAnUnsubscribeToken(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let li = try storage.user("li", in: storage.department("省"))
            let notices = storage.node.notices
            #expect(try notices.reminderMail(of: li.id))
            #expect(try notices.reminderMail(of: UserID(rawValue: 999)), "on unless turned off")
            try storage.node.reminders.batch { transaction in
                try notices.insertUnsubscribeToken(hash: "digest-1", userID: li.id, at: 10, in: transaction)
            }
            #expect(try notices.unsubscribeTarget(tokenHash: "digest-1").map { [$0.userID.rawValue: $0.reminderMail] }
                        == [li.id.rawValue: true])
            #expect(try notices.unsubscribeTarget(tokenHash: "digest-2") == nil)
            #expect(try notices.setReminderMail(false, of: li.id, at: 20))
            #expect(try !notices.setReminderMail(false, of: li.id, at: 21), "unchanged")
            #expect(try !notices.reminderMail(of: li.id))
            #expect(try notices.unsubscribeTarget(tokenHash: "digest-1")?.reminderMail == false)
            #expect(try notices.setReminderMail(true, of: li.id, at: 22))
            #expect(try notices.reminderMail(of: li.id))
        }
    }

    struct Interrupted: Error {}

    @Test(arguments: StorageKind.enabled)
    func aNoticeAndItsMailCommitTogetherOrNotAtAll(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let li = try storage.user("li", in: storage.department("省"))
            let notices = storage.node.notices
            let outbox = storage.node.mailOutbox
            let mail = OutgoingMail(kind: "assignment.due_soon", recipient: "li@example.gov", subject: "提醒", body: "正文")
            #expect(throws: Interrupted.self) {
                try storage.node.reminders.batch { transaction in
                    _ = try notices.insert(Self.notice(li, "k1"), at: 10, in: transaction)
                    try notices.insertUnsubscribeToken(hash: "digest-1", userID: li.id, at: 10, in: transaction)
                    try outbox.enqueue(mail, at: 10, in: transaction)
                    throw Interrupted()
                }
            }
            #expect(try storage.count("notices") == 0 && storage.count("mail_outbox") == 0
                        && storage.count("mail_unsubscribe_tokens") == 0)
            #expect(try counts(storage, li) == [0, 0])
            let mailID = try storage.node.reminders.batch { transaction in
                _ = try notices.insert(Self.notice(li, "k1"), at: 10, in: transaction)
                return try outbox.enqueue(mail, at: 10, in: transaction)
            }
            #expect(try storage.count("notices") == 1 && outbox.find(id: mailID)?.state == .pending)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func anAnnouncementReachesTheSubtreeOnceAndIsWithdrawnWithItsNotices(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let bureau = try storage.department("省", "数据局")
            let office = try storage.department("省", "数据局", "综合处")
            let sibling = try storage.department("省", "ZZMARKER厅")
            let head = try storage.user("head", in: bureau)
            let clerk = try storage.user("clerk", in: office)
            let marker = try storage.user("zzmarker.b", in: sibling)
            let gone = try storage.user("gone", in: office)
            try storage.users.setDisabled(true, id: gone.id, by: .system)
            let announcements = storage.node.announcements
            let notices = storage.node.notices
            let planner = AuditActor(userID: head.id, name: "head")
            let published = try announcements.publish(.init(department: bureau, title: "春节值班安排", body: "第一段。\n\n第二段。",
                                                            endsOn: ISODay("2027-02-01")), by: planner, at: storage.clock.current)
            #expect(published.recipients == 2)
            #expect(try storage.users.find(id: clerk.id)?.unreadNotices == 1)
            #expect(try storage.users.find(id: marker.id)?.unreadNotices == 0, "a sibling department is never reached")
            #expect(try notices.notices(of: marker.id, limit: 10, offset: 0).isEmpty)
            #expect(try notices.notices(of: gone.id, limit: 10, offset: 0).isEmpty, "disabled people are left out")
            let sent = try #require(try notices.noticeFor(announcement: published.id, of: clerk.id))
            #expect(sent.kind == .announcement && sent.announcementID == published.id && sent.parameters == ["name": "春节值班安排"]
                        && sent.link == "/announcements/\(published.id)")
            let stored = try #require(try announcements.find(id: published.id))
            #expect(stored.title == "春节值班安排" && stored.paragraphs == ["第一段。", "第二段。"] && stored.endsOn == ISODay("2027-02-01")
                        && stored.createdBy == head.id && stored.departmentID == bureau.id && stored.withdrawnAt == nil)
            #expect(try announcements.find(id: 999) == nil && announcements.withCounts(id: 999) == nil)

            // Someone who comes into the subtree later gets it once; those who had it are not posted again.
            storage.clock.advance(by: 60)
            let newcomer = try storage.user("newcomer", in: office)
            let today = try #require(ISODay("2027-01-10"))
            #expect(try announcements.catchUp(today: today, at: storage.clock.current) == 1)
            #expect(try announcements.catchUp(today: today, at: storage.clock.current) == 0)
            #expect(try storage.users.find(id: newcomer.id)?.unreadNotices == 1)
            let later = try storage.user("later", in: office)
            #expect(try announcements.catchUp(today: try #require(ISODay("2027-02-02")), at: storage.clock.current) == 0,
                    "past its last day")
            #expect(try storage.users.find(id: later.id)?.unreadNotices == 0)

            let listed = try announcements.list(prefixes: [bureau.idPath], limit: 10, offset: 0)
            #expect(listed.total == 1 && listed.announcements.first?.recipients == 3 && listed.announcements.first?.readers == 0)
            #expect(try announcements.list(prefixes: [sibling.idPath], limit: 10, offset: 0).total == 0)
            #expect(try announcements.list(prefixes: [], limit: 10, offset: 0).total == 0)
            try notices.markRead(id: sent.id, of: clerk.id, at: storage.clock.current)
            #expect(try announcements.withCounts(id: published.id)?.readers == 1)
            #expect(try announcements.withCounts(id: published.id)?.recipients == 3)

            #expect(try announcements.withdraw(id: published.id, by: planner, at: storage.clock.current))
            #expect(try !announcements.withdraw(id: published.id, by: planner, at: storage.clock.current))
            #expect(try storage.users.find(id: newcomer.id)?.unreadNotices == 0)
            #expect(try storage.users.find(id: head.id)?.unreadNotices == 0)
            #expect(try notices.notices(of: clerk.id, limit: 10, offset: 0).isEmpty)
            #expect(try announcements.find(id: published.id)?.withdrawnAt != nil)
            #expect(try announcements.catchUp(today: today, at: storage.clock.current) == 0, "withdrawn: nobody gets it again")
            let actions = try storage.audit.recent(limit: 20).map(\.action)
            #expect(actions.filter { $0.hasPrefix("announcement.") }.sorted() == ["announcement.publish", "announcement.withdraw"])
            #expect(try storage.audit.verify() == .intact(rows: try storage.count("audit_log")))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func announcementsAreListedNewestFirstInPages(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let first = try storage.department("省", "甲")
            let second = try storage.department("省", "乙")
            _ = try storage.user("li", in: first)
            var ids: [Int64] = []
            for (index, department) in [first, second, first].enumerated() {
                ids.append(try storage.node.announcements.publish(.init(department: department, title: "第\(index)", body: "b",
                                                                         endsOn: nil), by: .system, at: Double(index)).id)
            }
            let page = try storage.node.announcements.list(prefixes: [first.idPath, second.idPath], limit: 2, offset: 0)
            #expect(page.total == 3 && page.announcements.map(\.id) == [ids[2], ids[1]])
            #expect(try storage.node.announcements.list(prefixes: [first.idPath], limit: 10, offset: 1).announcements.map(\.id)
                        == [ids[0]])
        }
    }
}
