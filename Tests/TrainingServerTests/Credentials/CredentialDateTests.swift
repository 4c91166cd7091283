import Foundation
import Testing
@testable import TrainingServer

@Suite struct CredentialDateTests {
    @Test func datesAreWholeSecondUTC() {
        let date = Date(timeIntervalSince1970: 1_740_816_000.75)
        #expect(CredentialDate.string(date) == "2025-03-01T08:00:00Z")
        #expect(CredentialDate.numeric(date) == 1_740_816_000)
    }

    @Test func parsingAcceptsOffsetsAndFractions() {
        let instant = Date(timeIntervalSince1970: 1_740_816_000)
        #expect(CredentialDate.parse("2025-03-01T08:00:00Z") == instant)
        #expect(CredentialDate.parse("2025-03-01T16:00:00+08:00") == instant)
        #expect(CredentialDate.parse("2025-03-01T08:00:00.500Z") == instant.addingTimeInterval(0.5))
        #expect(CredentialDate.parse("1 March 2025") == nil)
    }
}
