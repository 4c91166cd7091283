import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Two-step sign-in enrolments, recovery codes and pending sign-ins behave the same on SQLite and PostgreSQL,
/// and what must happen once happens once when two servers try at the same moment.
@Suite struct SecondFactorConformanceTests {
    static func lastAudit(_ storage: StorageFixture) throws -> String? {
        try storage.text("SELECT action || ' ' || subject FROM audit_log ORDER BY id DESC LIMIT 1", [])
    }

    @Test(arguments: StorageKind.enabled)
    func aPendingSignInExpiresAndEndsAfterTheFailureLimit(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("省"))
            let factors = storage.node.secondFactors
            let now = storage.clock.current
            let pending = PendingSignIn(user.id, method: .ldap, purpose: .enrol, next: "/hr", expiresAt: now + 300, failures: 0)
            try factors.createPending(tokenHash: "a", pending, now: now)
            #expect(try factors.pending(tokenHash: "a", now: now) == pending)
            #expect(try factors.pending(tokenHash: "a", now: now + 300) == nil)
            #expect(try factors.pending(tokenHash: "b", now: now) == nil)
            for expected in 1...4 { #expect(try factors.failPending(tokenHash: "a", limit: 5) == expected) }
            #expect(try factors.pending(tokenHash: "a", now: now)?.failures == 4)
            #expect(try factors.failPending(tokenHash: "a", limit: 5) == 5)
            #expect(try factors.pending(tokenHash: "a", now: now) == nil)
            #expect(try factors.failPending(tokenHash: "a", limit: 5) == 5, "an ended sign-in counts as at the limit")
            // Expired ones are cleared when the next one starts; deleting ends one.
            try factors.createPending(tokenHash: "c", pending, now: now)
            try factors.createPending(tokenHash: "d", PendingSignIn(user.id, method: .password, purpose: .code, next: "/",
                                                                    expiresAt: now + 900, failures: 0), now: now + 600)
            #expect(try storage.count("pending_sign_ins") == 1)
            try factors.deletePending(tokenHash: "d")
            #expect(try factors.pending(tokenHash: "d", now: now + 600) == nil)
            // An unknown purpose is refused by the schema.
            #expect(throws: (any Error).self) {
                try storage.execute("""
                    INSERT INTO pending_sign_ins (token_hash, user_id, method, purpose, next, created_at, expires_at)
                    VALUES ('x', ?, 'password', 'other', '/', 0, 1)
                    """, [.int(user.id.rawValue)])
            }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aCodeStepIsRecordedOnlyWhenLaterThanTheLastAndOnlyOnceEnabled(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("省"))
            let factors = storage.node.secondFactors
            #expect(try factors.enrolment(of: user.id) == nil)
            #expect(try factors.startEnrolment(user.id, sealedSecret: Data([9]), now: 9))
            #expect(try factors.startEnrolment(user.id, sealedSecret: Data([1, 2, 3]), now: 10), "a waiting secret is replaced")
            #expect(try factors.enrolment(of: user.id) == StoredSecondFactor(Data([1, 2, 3]), createdAt: 10, enabledAt: nil,
                                                                              lastUsedStep: nil))
            #expect(try !factors.use(user.id, step: 5))
            #expect(try factors.confirm(user.id, step: 5, recoveryCodes: [], now: 11, by: .system))
            #expect(try Self.lastAudit(storage) == "user.second_factor_enable user:\(user.id)")
            #expect(try !factors.confirm(user.id, step: 6, recoveryCodes: [], now: 12, by: .system))
            #expect(try !factors.startEnrolment(user.id, sealedSecret: Data([4]), now: 13))
            #expect(try factors.enrolment(of: user.id) == StoredSecondFactor(Data([1, 2, 3]), createdAt: 10, enabledAt: 11,
                                                                              lastUsedStep: 5))
            #expect(try !factors.use(user.id, step: 5))
            #expect(try !factors.use(user.id, step: 4))
            #expect(try factors.use(user.id, step: 6))
            #expect(try factors.enrolment(of: user.id)?.lastUsedStep == 6)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func recoveryCodesWorkOnceAreReplacedOnlyWhenOnAndGoWithTheEnrolment(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("省")
            let user = try storage.user("li", in: department)
            let other = try storage.user("wang", in: department)
            let factors = storage.node.secondFactors
            let codes = (0..<3).map { (salt: Data([UInt8($0)]), digest: Data([0xFF, UInt8($0), 0x00])) }
            #expect(try !factors.replaceRecoveryCodes(user.id, with: codes, now: 1, by: .system), "not on: nothing replaced")
            #expect(try factors.startEnrolment(user.id, sealedSecret: Data([1]), now: 1))
            #expect(try !factors.replaceRecoveryCodes(user.id, with: codes, now: 1, by: .system), "still waiting")
            #expect(try factors.confirm(user.id, step: 1, recoveryCodes: codes, now: 2, by: .system))
            let stored = try factors.unusedRecoveryCodes(of: user.id)
            #expect(stored.map(\.salt) == codes.map(\.salt) && stored.map(\.digest) == codes.map(\.digest))
            #expect(try factors.unusedRecoveryCodes(of: other.id).isEmpty)
            #expect(try factors.useRecoveryCode(id: stored[1].id, now: 3))
            #expect(try !factors.useRecoveryCode(id: stored[1].id, now: 4))
            #expect(try factors.unusedRecoveryCodes(of: user.id).map(\.id) == [stored[0].id, stored[2].id])
            let fresh = [(salt: Data([7]), digest: Data([8]))]
            #expect(try factors.replaceRecoveryCodes(user.id, with: fresh, now: 5, by: .system))
            #expect(try Self.lastAudit(storage) == "user.second_factor_recovery_codes user:\(user.id)")
            #expect(try factors.unusedRecoveryCodes(of: user.id).map(\.digest) == [Data([8])])
            try factors.createPending(tokenHash: "p", PendingSignIn(user.id, method: .password, purpose: .code, next: "/",
                                                                    expiresAt: 100, failures: 0), now: 5)
            // Turning it off removes the enrolment, the codes and the pending sign-ins, audited.
            #expect(try factors.remove(user.id, reason: nil, now: 6, by: .system))
            #expect(try Self.lastAudit(storage) == "user.second_factor_disable user:\(user.id)")
            #expect(try factors.enrolment(of: user.id) == nil)
            #expect(try factors.unusedRecoveryCodes(of: user.id).isEmpty)
            #expect(try factors.pending(tokenHash: "p", now: 6) == nil)
            // Nothing to turn off: false and not audited; an administrator's reset is audited with its reason.
            let entries = try storage.count("audit_log")
            #expect(try !factors.remove(user.id, reason: nil, now: 7, by: .system))
            #expect(try storage.count("audit_log") == entries)
            #expect(try !factors.remove(other.id, reason: "lost phone", now: 8, by: .system))
            #expect(try Self.lastAudit(storage) == "user.second_factor_reset user:\(other.id)")
            #expect(try storage.text("SELECT details FROM audit_log ORDER BY id DESC LIMIT 1", [])?.contains("lost phone") == true)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aCodeStepOrRecoveryCodeUsedAtSeveralServersAtOnceWorksOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("省"))
            let factors = storage.node.secondFactors
            #expect(try factors.startEnrolment(user.id, sealedSecret: Data([1]), now: 1))
            #expect(try factors.confirm(user.id, step: 1, recoveryCodes: [(salt: Data([1]), digest: Data([2]))], now: 2,
                                        by: .system))
            let code = try #require(try factors.unusedRecoveryCodes(of: user.id).first)
            let nodes = try (0..<4).map { _ in try storage.openNode().secondFactors }
            let steps = LockedBox(0)
            let codes = LockedBox(0)
            let failures = LockedBox([String]())
            runThreads(8) { index in
                do {
                    let node = nodes[index % nodes.count]
                    if try node.use(user.id, step: 2) { steps.update { $0 += 1 } }
                    if try node.useRecoveryCode(id: code.id, now: 3) { codes.update { $0 += 1 } }
                } catch {
                    failures.update { $0.append("\(error)") }
                }
            }
            #expect(failures.current.isEmpty, "\(failures.current)")
            #expect(steps.current == 1)
            #expect(codes.current == 1)
        }
    }
}
