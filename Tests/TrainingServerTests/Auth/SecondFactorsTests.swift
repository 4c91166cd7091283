import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

@Suite struct SecondFactorsTests {
    /// A clock the test moves.
    final class TestClock: Sendable {
        let seconds = Mutex<Double>(1_800_000_000)
        var now: Double { seconds.withLock { $0 } }
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
    }

    struct Fixture {
        let temporary: TemporaryStore
        let clock = TestClock()
        let user: User
        var factors: SecondFactors { SecondFactors(store: temporary.store, clock: { [clock] in clock.now }) }

        init() throws {
            temporary = try TemporaryStore()
            let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1 }).ensure(path: ["处"], by: .system)
            user = try SQLiteUserRepository(store: temporary.store, clock: { 1 }).create(
                NewUser(login: "li", displayName: "李", departmentID: department.id, passwordHash: "h", roles: []), by: .system)
        }

        /// Enrols the person; returns the secret and the recovery codes.
        func enrol() throws -> (secret: [UInt8], codes: [String]) {
            let secret = try #require(try factors.enrolmentSecret(for: user.id))
            let codes = try #require(try factors.confirm(user.id, code: TOTP.code(secret: secret, at: clock.now),
                                                         by: AuditActor(user)))
            return (secret, codes)
        }

        func actions() throws -> [String] {
            try SQLiteAuditLog(store: temporary.store, clock: { 1 }).recent(limit: 50).map(\.action)
        }
    }

    @Test func enrolmentKeepsItsSecretUntilTheFirstCodeConfirmsIt() throws {
        let fixture = try Fixture()
        let factors = fixture.factors
        #expect(try factors.status(of: fixture.user.id) == .off)
        let secret = try #require(try factors.enrolmentSecret(for: fixture.user.id))
        #expect(try factors.enrolmentSecret(for: fixture.user.id) == secret)
        // A code ten minutes off is not the current one.
        let now = fixture.clock.now
        let wrong = TOTP.code(secret: secret, at: now + 600)
        if (-1...1).allSatisfy({ TOTP.code(secret: secret, at: now + Double($0) * 30) != wrong }) {
            #expect(try factors.confirm(fixture.user.id, code: wrong, by: .system) == nil)
        }
        #expect(try factors.status(of: fixture.user.id) == .off)
        // A code from an unconfirmed secret signs nobody in.
        #expect(try !factors.verify(fixture.user.id, code: TOTP.code(secret: secret, at: fixture.clock.now)))
        let codes = try #require(try factors.confirm(fixture.user.id, code: TOTP.code(secret: secret, at: fixture.clock.now),
                                                     by: AuditActor(fixture.user)))
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 19 && $0.split(separator: "-").count == 4 })
        #expect(try factors.status(of: fixture.user.id) == .on(recoveryCodesLeft: 10))
        #expect(try factors.enrolmentSecret(for: fixture.user.id) == nil)
        #expect(try fixture.actions().contains("user.second_factor_enable"))
    }

    @Test func aCodeIsAcceptedOnceAndNoEarlierCodeAfterIt() throws {
        let fixture = try Fixture()
        let (secret, _) = try fixture.enrol()
        let factors = fixture.factors
        // The confirming code's step is used already.
        #expect(try !factors.verify(fixture.user.id, code: TOTP.code(secret: secret, at: fixture.clock.now)))
        fixture.clock.advance(30)
        let code = TOTP.code(secret: secret, at: fixture.clock.now)
        #expect(try factors.verify(fixture.user.id, code: code))
        #expect(try !factors.verify(fixture.user.id, code: code))
        // The next step's code (a step ahead) works; the current one after it does not.
        let ahead = TOTP.code(secret: secret, at: fixture.clock.now + 30)
        #expect(try factors.verify(fixture.user.id, code: ahead))
        fixture.clock.advance(30)
        #expect(try !factors.verify(fixture.user.id, code: ahead))
    }

    @Test func aCodeOneStepOldStillWorksButTwoStepsOldDoesNot() throws {
        let fixture = try Fixture()
        let (secret, _) = try fixture.enrol()
        let factors = fixture.factors
        fixture.clock.advance(300)
        let old = TOTP.code(secret: secret, at: fixture.clock.now - 60)
        let recent = TOTP.code(secret: secret, at: fixture.clock.now - 30)
        if old != recent && old != TOTP.code(secret: secret, at: fixture.clock.now)
            && old != TOTP.code(secret: secret, at: fixture.clock.now + 30) {
            #expect(try !factors.verify(fixture.user.id, code: old))
        }
        #expect(try factors.verify(fixture.user.id, code: recent))
        #expect(try !factors.verify(fixture.user.id, code: "12345"))
    }

    @Test func eachRecoveryCodeWorksOnceAndAsTypedLoosely() throws {
        let fixture = try Fixture()
        let (_, codes) = try fixture.enrol()
        let factors = fixture.factors
        #expect(try factors.verifyRecoveryCode(fixture.user.id, code: codes[0]))
        #expect(try !factors.verifyRecoveryCode(fixture.user.id, code: codes[0]))
        // Capitals, no hyphens, spaces: the same code.
        #expect(try factors.verifyRecoveryCode(fixture.user.id, code: " " + codes[1].uppercased().replacingOccurrences(of: "-", with: " ")))
        #expect(try !factors.verifyRecoveryCode(fixture.user.id, code: "0000-0000-0000-0000"))
        #expect(try factors.status(of: fixture.user.id) == .on(recoveryCodesLeft: 8))
        // New codes replace all earlier ones.
        let fresh = try #require(try factors.replaceRecoveryCodes(fixture.user.id, by: AuditActor(fixture.user)))
        #expect(try !factors.verifyRecoveryCode(fixture.user.id, code: codes[2]))
        #expect(try factors.verifyRecoveryCode(fixture.user.id, code: fresh[9]))
        #expect(try fixture.actions().contains("user.second_factor_recovery_codes"))
        // Stored as salted digests: no code appears in the table.
        let digests = try fixture.temporary.store.read { db in try Data.fetchAll(db, sql: "SELECT digest FROM second_factor_recovery_codes") }
        #expect(digests.count == 10 && digests.allSatisfy { $0.count == 32 })
    }

    @Test func turningOffAndResettingRemoveEverythingAndAreAudited() throws {
        let fixture = try Fixture()
        let (secret, codes) = try fixture.enrol()
        let factors = fixture.factors
        try factors.store.createPending(tokenHash: "t", PendingSignIn(userID: fixture.user.id, method: .password, purpose: .code,
                                                                      next: "/", expiresAt: fixture.clock.now + 300, failures: 0),
                                        now: fixture.clock.now)
        #expect(try factors.reset(fixture.user.id, reason: "手机丢失", by: .commandLine))
        #expect(try factors.status(of: fixture.user.id) == .off)
        #expect(try factors.store.pending(tokenHash: "t", now: fixture.clock.now) == nil)
        fixture.clock.advance(60)
        #expect(try !factors.verify(fixture.user.id, code: TOTP.code(secret: secret, at: fixture.clock.now)))
        #expect(try !factors.verifyRecoveryCode(fixture.user.id, code: codes[0]))
        let reset = try #require(try SQLiteAuditLog(store: fixture.temporary.store, clock: { 1 }).recent(limit: 10)
            .first { $0.action == "user.second_factor_reset" })
        #expect(reset.details.contains("手机丢失") && reset.actor == "cli")
        // A new enrolment gets a new secret.
        let again = try #require(try factors.enrolmentSecret(for: fixture.user.id))
        #expect(again != secret)
        _ = try factors.confirm(fixture.user.id, code: TOTP.code(secret: again, at: fixture.clock.now), by: .system)
        #expect(try factors.turnOff(fixture.user.id, by: AuditActor(fixture.user)))
        #expect(try !factors.turnOff(fixture.user.id, by: AuditActor(fixture.user)))
        #expect(try fixture.actions().filter { $0 == "user.second_factor_disable" }.count == 1)
    }
}
