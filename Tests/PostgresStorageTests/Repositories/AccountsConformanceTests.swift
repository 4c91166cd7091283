import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The accounts repositories (users, departments, API tokens, login failures, settings) give the same answers on
/// SQLite and PostgreSQL: every test runs once per engine on a fresh storage (`StorageFixture`).
@Suite struct AccountsConformanceTests {
    // MARK: Users

    @Test(arguments: StorageKind.enabled)
    func createStoresTheAccountWithLearnerAlwaysGranted(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("省政府", "数据局")
            let user = try storage.user("  li.ming ", in: department, roles: [.trainer, .admin], employeeNumber: "E-001")
            #expect(user.login == "li.ming")
            #expect(user.displayName == "李明")
            #expect(user.employeeNumber == "E-001")
            #expect(user.departmentID == department.id)
            #expect(!user.disabled && user.language == nil && user.accommodationFactor == 1)
            #expect(user.grants.map(\.role) == [.learner, .trainer, .admin])
            #expect(user.grants.allSatisfy { $0.departmentID == department.id })
            #expect(user.timeZone == nil && user.jobCategory == nil && user.requiredHours == nil)
            #expect(user.unreadNotices == 0 && user.unreadAnnouncements == 0)
            #expect(try storage.users.passwordHash(of: user.id) == "hash-of-  li.ming ")
            let entry = try #require(try storage.audit.recent(limit: 1).first)
            #expect(entry.action == "user.create" && entry.subject == "user:li.ming" && entry.actor == "cli")
            #expect(entry.details == #"{"department":"\#(department.id)","roles":"admin,learner,trainer"}"#)
            // The name's sort key is written with the account (lists in name order need it).
            #expect(try storage.integer("SELECT count(*) FROM users WHERE name_key IS NOT NULL", []) == 1)
            // The audit row is about the person (the audit page's scope).
            #expect(try storage.integer("SELECT user_id FROM audit_log_subjects WHERE audit_id = ?", [.int(entry.id)])
                        == Int(user.id.rawValue))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func loginsAreUniqueWithoutRegardToCase(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            _ = try storage.user("Wang.Fang", in: department)
            #expect(throws: StoreError.self) { try storage.user("wang.fang", in: department) }
            #expect(throws: StoreError.self) { try storage.user("WANG.FANG", in: department) }
            #expect(try storage.users.find(login: "wang.FANG")?.login == "Wang.Fang")
            #expect(try storage.users.all().count == 1)
            // The refusals left nothing behind: one department and one account audited.
            #expect(try storage.audit.verify() == .intact(rows: 2))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func caseIsFoldedForASCIILettersOnlyAsSQLitesNOCASEDoes(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            let upper = try storage.user("Ärger.A", in: department)
            // Ä and ä are different letters to NOCASE: a second account, whatever the database's locale.
            let lower = try storage.user("ärger.a", in: department)
            #expect(upper.id != lower.id)
            #expect(try storage.users.find(login: "ÄRGER.a")?.id == upper.id, "ASCII letters still fold")
            #expect(try storage.users.find(login: "ärger.A")?.id == lower.id)
            #expect(try storage.users.find(login: "ÄRGER.A")?.id == upper.id)
            #expect(throws: StoreError.self) { try storage.user("ärger.A", in: department) }
            // The audit rows about them are filed under each one, by login.
            try storage.audit.append(AuditEvent(action: "record.view", subject: "user:ärger.a"), by: .system)
            let row = try #require(try storage.audit.recent(limit: 1).first)
            #expect(try storage.integer("SELECT user_id FROM audit_log_subjects WHERE audit_id = ?", [.int(row.id)])
                        == Int(lower.id.rawValue))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func employeeNumbersAreUniqueAndAccountsListInLoginOrder(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            _ = try storage.user("a", in: department, employeeNumber: "E-7")
            #expect(throws: StoreError.self) { try storage.user("b", in: department, employeeNumber: "E-7") }
            for login in ["d", "C", "b_2", "B1", "zeta", "Alpha", "ab", "a_z"] { _ = try storage.user(login, in: department) }
            // SQLite's NOCASE order: ASCII letters folded to lower case, then bytes compared ('1' < '_' < 'b'), not a
            // language's order (which would skip the '_').
            #expect(try storage.users.all().map(\.login) == ["a", "a_z", "ab", "Alpha", "B1", "b_2", "C", "d", "zeta"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func invalidLoginsAndNamesAreRefused(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            for login in ["", "   ", "li ming", "tab\there", String(repeating: "x", count: 101)] {
                #expect(throws: StoreError.self, "\(login.debugDescription)") { try storage.user(login, in: department) }
            }
            #expect(throws: StoreError.self) { try storage.user("x", in: department, name: " \n ") }
            #expect(throws: StoreError.self) { try storage.user("x", in: department, name: String(repeating: "名", count: 201)) }
            #expect(try storage.users.all().isEmpty)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func findAnswersNilForUnknownAccounts(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { (storage: StorageFixture) throws in
            #expect(try storage.users.find(login: "nobody") == nil)
            #expect(try storage.users.find(id: UserID(rawValue: 42)) == nil)
            #expect(try storage.users.passwordHash(of: UserID(rawValue: 42)) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func disablingEndsSessionsRevokesTokensAndEnablingRestoresNeither(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            let user = try storage.user("li", in: department)
            let other = try storage.user("wang", in: department)
            try storage.session(for: user, token: "t1")
            try storage.session(for: user, token: "t2")
            try storage.session(for: other, token: "t3")
            try storage.tokens.create(tokenHash: "k", userID: user.id, name: "a", now: 1, expiresAt: 2_000_000_000, by: .system)
            storage.clock.advance(by: 5)
            try storage.accounts.setDisabled(true, id: user.id, reason: "left the office", by: .commandLine)
            #expect(try storage.users.find(id: user.id)?.disabled == true)
            #expect(try storage.sessionCount(of: user) == 0 && storage.sessionCount(of: other) == 1)
            #expect(try storage.tokens.user(tokenHash: "k", now: 2) == nil)
            let disable = try #require(try storage.audit.recent(limit: 1).first)
            #expect(disable.action == "user.disable")
            #expect(disable.details == #"{"reason":"left the office","tokens_revoked":"1"}"#)
            try storage.users.setDisabled(false, id: user.id, by: .commandLine)
            #expect(try storage.users.find(id: user.id)?.disabled == false)
            #expect(try storage.tokens.user(tokenHash: "k", now: 3) == nil)
            #expect(try storage.audit.recent(limit: 2).map(\.action) == ["user.enable", "user.disable"])
            #expect(try storage.integer("SELECT count(*) FROM account_state_changes WHERE user_id = ? AND reason = 'left the office'",
                                        [.int(user.id.rawValue)]) == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func changingThePasswordEndsEverySessionAndToken(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            try storage.session(for: user, token: "t1")
            try storage.tokens.create(tokenHash: "k", userID: user.id, name: "a", now: 1, expiresAt: 100, by: .system)
            try storage.users.setPasswordHash("new-hash", id: user.id, by: AuditActor(user))
            #expect(try storage.users.passwordHash(of: user.id) == "new-hash")
            #expect(try storage.sessionCount(of: user) == 0)
            #expect(try storage.tokens.list(userID: user.id).allSatisfy { $0.revokedAt != nil })
            let entry = try #require(try storage.audit.recent(limit: 1).first)
            #expect(entry.action == "user.password" && entry.actorUserID == user.id.rawValue)
            #expect(entry.details == #"{"tokens_revoked":"1"}"#)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func changesToUnknownAccountsAreNotFoundAndWriteNothing(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            _ = try storage.user("li", in: try storage.department("处"))
            let ghost = UserID(rawValue: 404)
            #expect(throws: StoreError.self) { try storage.users.setDisabled(true, id: ghost, by: .system) }
            #expect(throws: StoreError.self) { try storage.users.setPasswordHash("h", id: ghost, by: .system) }
            #expect(throws: StoreError.self) { try storage.users.setTimeZone("UTC", id: ghost) }
            #expect(try storage.audit.verify() == .intact(rows: 2))
            #expect(try storage.count("account_state_changes") == 0)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func languageAndTimeZoneAreStoredCheckedAndCleared(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            try storage.users.setLanguage("en", id: user.id)
            #expect(try storage.users.find(id: user.id)?.language == "en")
            try storage.users.setLanguage(nil, id: user.id)
            #expect(try storage.users.find(id: user.id)?.language == nil)
            #expect(throws: (any Error).self) { try storage.users.setLanguage("fr", id: user.id) }
            try storage.users.setTimeZone("Europe/Berlin", id: user.id)
            #expect(try storage.users.find(id: user.id)?.timeZone == "Europe/Berlin")
            #expect(try storage.users.find(login: "LI")?.timeZone == "Europe/Berlin")
            try storage.users.setTimeZone(nil, id: user.id)
            #expect(try storage.users.find(id: user.id)?.timeZone == nil)
            #expect(throws: (any Error).self) { try storage.users.setTimeZone(String(repeating: "x", count: 65), id: user.id) }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aNewAccountJoinsTheActiveAssignmentsOfItsDepartment(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let province = try storage.department("省政府")
            let office = try storage.department("省政府", "办公厅")
            let elsewhere = try storage.department("市政府")
            // Assignments written directly (their repository is not part of this suite): one on the province's
            // subtree due on a fixed day, one 30 days after joining, one withdrawn, one on another department.
            func assignment(_ name: String, on department: Department, dueKind: String, dueDay: String?, dueDays: Int64?,
                            withdrawn: Bool = false) throws {
                try storage.execute("""
                    INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                             due_kind, due_day, due_days, created_at, withdrawn_at)
                    VALUES (?, 'course', 'c1', 1, 'department', ?, 1, ?, ?, ?, 1, ?)
                    """, [.text(name), .int(department.id.rawValue), .text(dueKind), dueDay.map(SQLValue.text) ?? .null,
                          dueDays.map(SQLValue.int) ?? .null, withdrawn ? .double(2) : .null])
            }
            try assignment("fixed", on: province, dueKind: "fixed", dueDay: "2027-06-30", dueDays: nil)
            try assignment("joining", on: province, dueKind: "after_joining", dueDay: nil, dueDays: 30)
            try assignment("withdrawn", on: province, dueKind: "none", dueDay: nil, dueDays: nil, withdrawn: true)
            try assignment("other", on: elsewhere, dueKind: "none", dueDay: nil, dueDays: nil)
            let user = try storage.user("li", in: office)
            #expect(try storage.integer("SELECT count(*) FROM assignment_members WHERE user_id = ? AND left_at IS NULL",
                                        [.int(user.id.rawValue)]) == 2)
            #expect(try storage.integer("""
                SELECT count(*) FROM assignment_members m JOIN assignments a ON a.id = m.assignment_id
                WHERE m.user_id = ? AND a.name = 'fixed' AND m.due_day = '2027-06-30'
                """, [.int(user.id.rawValue)]) == 1)
            // 1_800_000_000 is 2027-01-15 in China Standard Time: 30 days later is 2027-02-14.
            #expect(try storage.integer("""
                SELECT count(*) FROM assignment_members m JOIN assignments a ON a.id = m.assignment_id
                WHERE m.user_id = ? AND a.name = 'joining' AND m.due_day = '2027-02-14'
                """, [.int(user.id.rawValue)]) == 1)
            // Disabling keeps the memberships as they are (the audience does not look at the state), and says so
            // on both engines alike.
            try storage.users.setDisabled(true, id: user.id, by: .system)
            #expect(try storage.integer("SELECT count(*) FROM assignment_members WHERE user_id = ? AND left_at IS NULL",
                                        [.int(user.id.rawValue)]) == 2)
        }
    }

    // MARK: Departments

    @Test(arguments: StorageKind.enabled)
    func ensureCreatesEveryMissingLevelWithIdPathsAndAuditsEach(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let office = try storage.departments.ensure(path: ["省人民政府", "省数据局", "综合处"], by: .system)
            #expect(office.name == "综合处")
            #expect(office.namePath == ["省人民政府", "省数据局", "综合处"])
            let all = try storage.departments.all()
            #expect(all.map(\.name) == ["省人民政府", "省数据局", "综合处"])
            #expect(all.map(\.idPath) == ["/\(all[0].id)/", "/\(all[0].id)/\(all[1].id)/", "/\(all[0].id)/\(all[1].id)/\(all[2].id)/"])
            #expect(all[1].parentID == all[0].id && all[2].parentID == all[1].id && all[0].parentID == nil)
            let entries = try storage.audit.recent(limit: 10)
            #expect(entries.map(\.action) == Array(repeating: "department.create", count: 3))
            #expect(entries.map(\.subject) == all.reversed().map { "department:\($0.id)" })
            #expect(entries.map(\.details) == [#"{"path":"省人民政府/省数据局/综合处"}"#, #"{"path":"省人民政府/省数据局"}"#,
                                               #"{"path":"省人民政府"}"#])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func ensureFindsExistingDepartmentsWithoutDuplicatingOrAuditingThem(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let first = try storage.departments.ensure(path: ["省政府", "数据局"], by: .system)
            let again = try storage.departments.ensure(path: [" 省政府 ", "数据局"], by: .system)
            let sibling = try storage.departments.ensure(path: ["省政府", "人社厅"], by: .system)
            #expect(again == first)
            #expect(sibling.parentID == first.parentID)
            #expect(try storage.departments.all().map(\.namePath) == [["省政府"], ["省政府", "人社厅"], ["省政府", "数据局"]])
            #expect(try storage.audit.verify() == .intact(rows: 3))
            for path in [[String](), [""], ["省政府", "  "], ["a/b"], [String(repeating: "长", count: 201)]] {
                #expect(throws: StoreError.self) { try storage.departments.ensure(path: path, by: .system) }
            }
            #expect(try storage.departments.all().count == 3)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func findsByPathAndIdAndTheCacheFollowsOtherServers(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let office = try storage.departments.ensure(path: ["省政府", "数据局"], by: .system)
            #expect(try storage.departments.find(path: ["省政府", "数据局"]) == office)
            #expect(try storage.departments.find(path: ["数据局"]) == nil)
            #expect(try storage.departments.find(id: office.id) == office)
            #expect(try storage.departments.find(id: DepartmentID(rawValue: 9_999)) == nil)
            // Another server adds a department: this one's cached tree sees it on its next read.
            let other = try storage.openNode()
            let added = try other.departments.ensure(path: ["省政府", "数据局", "综合处"], by: .system)
            #expect(try storage.departments.find(id: added.id)?.namePath == ["省政府", "数据局", "综合处"])
            // A rename made with plain SQL (no repository involved) is seen too.
            let parent = try #require(office.parentID)
            try storage.execute("UPDATE departments SET name = '大数据局' WHERE id = ?", [.int(office.id.rawValue)])
            #expect(try storage.departments.find(id: added.id)?.namePath == ["省政府", "大数据局", "综合处"])
            #expect(try storage.departments.find(id: parent)?.name == "省政府")
            #expect(try storage.departments.all() == other.departments.all())
        }
    }

    // MARK: API tokens

    @Test(arguments: StorageKind.enabled)
    func aTokenFindsItsEnabledUserUntilItsExpiryAndIsAudited(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("api-client", in: try storage.department("处"), roles: [.hr])
            try storage.tokens.create(tokenHash: "digest-1", userID: user.id, name: "HR export", now: 10,
                                      expiresAt: 1_000.5, by: .commandLine)
            #expect(try storage.tokens.user(tokenHash: "digest-1", now: 11) == user)
            #expect(try storage.tokens.user(tokenHash: "digest-2", now: 11) == nil)
            #expect(try storage.tokens.user(tokenHash: "digest-1", now: 1_000.4) != nil)
            #expect(try storage.tokens.user(tokenHash: "digest-1", now: 1_000.5) == nil)
            let entry = try #require(try storage.audit.recent(limit: 1).first)
            #expect(entry.action == "token.create")
            #expect(entry.details == #"{"expires":"1970-01-01T00:16:40Z","name":"HR export","token":"1"}"#)
            try storage.users.setDisabled(true, id: user.id, by: .system)
            try storage.tokens.create(tokenHash: "digest-3", userID: user.id, name: "later", now: 20, expiresAt: 1_000, by: .system)
            #expect(try storage.tokens.user(tokenHash: "digest-3", now: 21) == nil, "a disabled account's token finds nobody")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func tokensNeedAnExistingUserAndAUniqueHash(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("api", in: try storage.department("处"))
            #expect(throws: (any Error).self) {
                try storage.tokens.create(tokenHash: "x", userID: UserID(rawValue: 999), name: "n", now: 1, expiresAt: 100, by: .system)
            }
            try storage.tokens.create(tokenHash: "y", userID: user.id, name: "n", now: 1, expiresAt: 100, by: .system)
            #expect(throws: (any Error).self) {
                try storage.tokens.create(tokenHash: "y", userID: user.id, name: "again", now: 1, expiresAt: 100, by: .system)
            }
            // The failed creations left no audit rows behind.
            #expect(try storage.audit.verify() == .intact(rows: 3))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func listingShowsUseAndExpiryNewestFirst(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("api", in: try storage.department("处"))
            let first = try storage.tokens.create(tokenHash: "one", userID: user.id, name: "a", now: 1, expiresAt: 500, by: .system)
            let second = try storage.tokens.create(tokenHash: "two", userID: user.id, name: "b", now: 2, expiresAt: 600, by: .system)
            _ = try storage.tokens.user(tokenHash: "one", now: 50)
            _ = try storage.tokens.user(tokenHash: "one", now: 70)  // within a minute: not written again
            _ = try storage.tokens.user(tokenHash: "one", now: 111)
            #expect(try storage.tokens.list(userID: user.id) == [
                APIToken(id: second, userID: user.id, name: "b", createdAt: 2, lastUsedAt: nil, expiresAt: 600, revokedAt: nil),
                APIToken(id: first, userID: user.id, name: "a", createdAt: 1, lastUsedAt: 111, expiresAt: 500, revokedAt: nil),
            ])
            #expect(try storage.tokens.find(id: first)?.lastUsedAt == 111)
            #expect(try storage.tokens.find(id: 999) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aRevokedTokenStaysRevokedAndIsAuditedOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("api", in: try storage.department("处"))
            let id = try storage.tokens.create(tokenHash: "t", userID: user.id, name: "a", now: 1, expiresAt: 100, by: .system)
            try storage.tokens.revoke(id: id, now: 5, by: .commandLine)
            try storage.tokens.revoke(id: id, now: 6, by: .commandLine)
            #expect(try storage.tokens.user(tokenHash: "t", now: 6) == nil)
            #expect(try storage.tokens.find(id: id)?.revokedAt == 5)
            let entries = try storage.audit.recent(limit: 2)
            #expect(entries.map(\.action) == ["token.revoke", "token.create"])
            #expect(entries[0].details == #"{"token":"\#(id)"}"# && entries[0].subject == "user:\(user.id)")
            #expect(throws: StoreError.self) { try storage.tokens.revoke(id: 999, now: 7, by: .commandLine) }
        }
    }

    // MARK: Login failures

    @Test(arguments: StorageKind.enabled)
    func admitCountsEachKeyAndRecordsOnlyWhenAllowed(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let failures = storage.loginFailures
            let first = try failures.admit(keys: ["login:a", "address:1"], since: 0, usual: "1 a", usualSince: 0, at: 100) { counts, usual in
                #expect(counts["login:a"] == LoginFailureCounts(count: 0, oldest: nil, latest: nil))
                #expect(!usual)
                return nil
            }
            #expect(first.wait == nil && first.rowIDs.count == 2 && Set(first.rowIDs).count == 2)
            _ = try failures.admit(keys: ["login:a"], since: 0, usual: "1 a", usualSince: 0, at: 200) { _, _ in nil }
            let refused = try failures.admit(keys: ["login:a", "address:1"], since: 0, usual: "1 a", usualSince: 0, at: 300) { counts, _ in
                #expect(counts["login:a"] == LoginFailureCounts(count: 2, oldest: 100, latest: 200))
                #expect(counts["address:1"]?.count == 1)
                return 42
            }
            #expect(refused.wait == 42 && refused.rowIDs.isEmpty)
            #expect(try storage.count("login_failures") == 3)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func forgetRemovesTheAttemptClearsOneKeyAndRemembersTheUsualAddress(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let failures = storage.loginFailures
            _ = try failures.admit(keys: ["login:a", "pair:1 a"], since: 0, usual: "1 a", usualSince: 0, at: 1) { _, _ in nil }
            let attempt = try failures.admit(keys: ["login:a", "pair:1 a", "address:1"], since: 0, usual: "1 a", usualSince: 0,
                                             at: 2) { _, _ in nil }
            try failures.forget(rowIDs: attempt.rowIDs, clearing: "pair:1 a", usual: "1 a", at: 2)
            #expect(try failures.failures(account: "login:a", pairSuffix: " a", since: 0) == (account: 1, worstPair: 0))
            #expect(try storage.count("login_failures") == 1)
            _ = try failures.admit(keys: ["login:a"], since: 0, usual: "1 a", usualSince: 1, at: 3) { _, usual in
                #expect(usual)
                return 1
            }
            _ = try failures.admit(keys: ["login:a"], since: 0, usual: "1 a", usualSince: 2, at: 3) { _, usual in
                #expect(!usual)
                return 1
            }
            // An older success does not move the remembered one back.
            try failures.forget(rowIDs: [], clearing: "login:a", usual: "1 a", at: 1)
            _ = try failures.admit(keys: ["login:a"], since: 0, usual: "1 a", usualSince: 1.5, at: 3) { _, usual in
                #expect(usual)
                return 1
            }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func recordingForgetsFailuresOlderThanADay(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            _ = try storage.loginFailures.admit(keys: ["login:a"], since: 0, usual: "", usualSince: 0, at: 0) { _, _ in nil }
            _ = try storage.loginFailures.admit(keys: ["login:b"], since: 0, usual: "", usualSince: 0, at: 86_401) { _, _ in nil }
            #expect(try storage.count("login_failures") == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func anAccountsFailuresAreCountedAndClearedWithoutTouchingOthers(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let failures = storage.loginFailures
            for (key, at) in [("login:li", 100.0), ("login:li", 110), ("pair:1.1.1.1 li", 100), ("pair:1.1.1.1 li", 110),
                              ("pair:2.2.2.2 li", 120), ("pair:1.1.1.1 xli", 100), ("login:xli", 100), ("address:1.1.1.1", 100),
                              ("pair:3.3.3.3 李", 100)] {
                _ = try failures.admit(keys: [key], since: 0, usual: "-", usualSince: 0, at: at) { _, _ in nil }
            }
            let counts = try failures.failures(account: "login:li", pairSuffix: " li", since: 0)
            #expect(counts.account == 2 && counts.worstPair == 2)
            #expect(try failures.failures(account: "login:li", pairSuffix: " li", since: 105) == (account: 1, worstPair: 1))
            #expect(try failures.failures(account: "login:李", pairSuffix: " 李", since: 0) == (account: 0, worstPair: 1))
            #expect(try failures.clear(account: "login:li", pairSuffix: " li") == 5)
            #expect(try failures.failures(account: "login:li", pairSuffix: " li", since: 0) == (account: 0, worstPair: 0))
            #expect(try failures.failures(account: "login:xli", pairSuffix: " xli", since: 0) == (account: 1, worstPair: 1))
            #expect(try storage.count("login_failures") == 4)
        }
    }

    // MARK: Settings

    static let svg = Array(#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>"#.utf8)

    @Test(arguments: StorageKind.enabled)
    func settingsAndImagesAreWrittenWithTheirAuditRow(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let settings = storage.settings
            #expect(try settings.values().isEmpty)
            let upload = try BrandImageUpload.check(Self.svg)
            let actor = AuditActor(userID: nil, name: "cli")
            try settings.apply(["organisation.logo": upload.image.fileName, "organisation.name.zh": "机构"],
                               images: [upload], audit: AuditEvent(action: "settings.update", subject: "settings"),
                               by: actor, at: 10)
            #expect(try settings.values() == ["organisation.logo": upload.image.fileName, "organisation.name.zh": "机构"])
            #expect(try settings.image(digest: upload.image.digest) == upload.bytes)
            #expect(try settings.image(digest: String(repeating: "0", count: 64)) == nil)
            try settings.apply(["organisation.logo": nil, "organisation.name.zh": "新机构"], images: [],
                               audit: AuditEvent(action: "settings.update", subject: "settings"), by: actor, at: 20)
            #expect(try settings.values() == ["organisation.name.zh": "新机构"])
            #expect(try settings.image(digest: upload.image.digest) == nil)
            #expect(try storage.audit.verify() == .intact(rows: 2))
            #expect(try storage.audit.recent(limit: 1).first?.at == 20)
            // An image no setting names is not kept.
            try settings.apply([:], images: [upload], audit: AuditEvent(action: "settings.update", subject: "settings"),
                               by: .commandLine, at: 30)
            #expect(try settings.image(digest: upload.image.digest) == nil)
        }
    }
}
