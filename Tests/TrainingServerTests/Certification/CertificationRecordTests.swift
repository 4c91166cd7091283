import Curriculum
import Foundation
import Testing
@testable import TrainingServer

@Suite struct CertificationRecordTests {
    private typealias F = CertificationFixture

    @Test(arguments: [
        (30.0, 730), (759.0, 1), (759.99, 1), (758.5, 2), (760, 0), (760.5, 0), (761, -1), (765.2, -5),
    ])
    func daysUntilExpiryCountsWholeDays(day: Double, expected: Int) {
        #expect(F.evaluate(F.certifiedOnDay30, day: day).daysUntilExpiry == expected, "day \(day)")
    }

    @Test func daysUntilExpiryIsNilWithoutACertificate() {
        #expect(F.evaluate([F.pass("ethics", 1)], day: 2).daysUntilExpiry == nil)
    }

    @Test func currentAndLatestCycle() {
        let certified = F.evaluate(F.certifiedOnDay30, day: 100)
        #expect(certified.currentCycle?.number == 1 && certified.expiresAt == F.at(760))
        let expired = F.evaluate(F.certifiedOnDay30, day: 800)
        #expect(expired.currentCycle == nil && expired.latestCycle?.number == 1 && expired.expiresAt == F.at(760))
        #expect(!expired.isInWindow)
        #expect(F.evaluate(F.certifiedOnDay30, day: 700).isInWindow)
    }

    @Test func stateAtAnInstantReadsTheHistory() {
        let record = F.evaluate(F.certifiedOnDay30, day: 800)
        #expect(record.state(at: F.at(0)) == .notStarted)
        #expect(record.state(at: F.at(10)) == .inProgress)
        #expect(record.state(at: F.at(30)) == .certified)
        #expect(record.state(at: F.at(700)) == .dueForRenewal)
        #expect(record.state(at: F.at(760)) == .expired)
    }

    @Test func codableRoundTrip() throws {
        let record = F.evaluate(F.certifiedOnDay30, revocations: [F.revocation(100)], day: 200)
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(CertificationRecord.self, from: data) == record)
        let state = String(decoding: try JSONEncoder().encode(CertificationState.dueForRenewal), as: UTF8.self)
        #expect(state == "\"due_for_renewal\"")
    }
}
