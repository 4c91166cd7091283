import Curriculum
import Testing
@testable import TrainingServer

@Suite struct CertificationCycleTests {
    private typealias F = CertificationFixture

    private func cycle(renewedAt: Double? = nil, revokedAt: Double? = nil) -> CertificationCycle {
        CertificationCycle(number: 1, kind: .initial, issuedAt: F.at(30), expiresAt: F.at(760),
                           windowOpensAt: F.at(670), basis: F.certifiedOnDay30, hours: 0,
                           renewedAt: renewedAt.map(F.at),
                           revocation: revokedAt.map { F.revocation($0) })
    }

    @Test(arguments: [(29.9, false), (30, true), (759.9, true), (760, false)])
    func inForceFromIssueUntilExpiry(day: Double, expected: Bool) {
        #expect(cycle().isInForce(at: F.at(day)) == expected)
    }

    @Test(arguments: [(669.9, false), (670, true), (759.9, true), (760, false)])
    func windowFromOpeningUntilExpiry(day: Double, expected: Bool) {
        #expect(cycle().isInWindow(at: F.at(day)) == expected)
    }

    @Test func renewalClosesTheWindowAndRevocationEndsTheCycle() {
        #expect(cycle(renewedAt: 700).isInWindow(at: F.at(699)))
        #expect(!cycle(renewedAt: 700).isInWindow(at: F.at(700)))
        #expect(cycle(renewedAt: 700).isInForce(at: F.at(750)))
        #expect(cycle(revokedAt: 100).isInForce(at: F.at(99)))
        #expect(!cycle(revokedAt: 100).isInForce(at: F.at(100)))
        #expect(!cycle(revokedAt: 700).isInWindow(at: F.at(710)))
    }

    @Test func keyIgnoresWhatTimeAndRevocationChange() {
        #expect(cycle().key == cycle(renewedAt: 700, revokedAt: 720).key)
        #expect(cycle().key == CertificationCycle.Key(kind: .initial, issuedAt: F.at(30), expiresAt: F.at(760)))
    }
}
