import Foundation
import Testing
@testable import TrainingServer

@Suite struct CredentialVerificationFailureTests {
    @Test func failuresAreExplainedInPlainWords() {
        let expiry = Date(timeIntervalSince1970: 1_803_888_000)
        #expect(CredentialVerificationFailure.expired(expiry).description == "The credential expired on 2027-03-01T08:00:00Z.")
        #expect(CredentialVerificationFailure.notYetValid(expiry).description
            == "The credential is not valid before 2027-03-01T08:00:00Z.")
        #expect(CredentialVerificationFailure.badSignature.description.contains("changed after it was signed"))
        #expect(CredentialVerificationFailure.unsupportedAlgorithm("HS256").description.contains("\"HS256\""))
        #expect(CredentialVerificationFailure.unknownKey("abc").description.contains("\"abc\""))
        #expect(CredentialVerificationFailure.unknownKey(nil).description.contains("does not say which"))
        #expect(CredentialVerificationFailure.revoked(CredentialRevocation()).description
            == "The issuer revoked this credential.")
        #expect(CredentialVerificationFailure.revoked(CredentialRevocation(revokedAt: expiry, reason: "fraud")).description
            == "The issuer revoked this credential on 2027-03-01T08:00:00Z: fraud.")
        #expect(CredentialVerificationFailure.malformed("x").description == "This is not a readable Open Badges credential: x.")
    }

    @Test func verificationResultsExposeTheirFailure() {
        let invalid = CredentialVerification.invalid(.badSignature, claims: nil)
        #expect(!invalid.isValid)
        #expect(invalid.failure == .badSignature)
    }
}
