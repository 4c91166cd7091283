import Foundation
import Testing
@testable import TrainingServer

@Suite struct TOTPTests {
    /// RFC 6238 Appendix B, SHA-1 rows: the ASCII secret "12345678901234567890", 8 digits, 30-second steps.
    static let rfcSecret = Array("12345678901234567890".utf8)
    static let rfcVectors: [(time: Double, code: String)] = [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ]

    @Test(arguments: rfcVectors.indices)
    func theRFC6238TestVectorsForSHA1(_ index: Int) {
        let vector = Self.rfcVectors[index]
        #expect(TOTP.code(secret: Self.rfcSecret, at: vector.time, digits: 8) == vector.code)
        // Six digits are the same number modulo 10^6: the last six of the eight.
        #expect(TOTP.code(secret: Self.rfcSecret, at: vector.time) == String(vector.code.suffix(6)))
    }

    @Test func stepsAreThirtySecondsFromTheEpoch() {
        #expect(TOTP.step(at: 0) == 0)
        #expect(TOTP.step(at: 29.99) == 0)
        #expect(TOTP.step(at: 30) == 1)
        #expect(TOTP.step(at: 1_111_111_109) == 0x23523EC)
        #expect(TOTP.step(at: 20_000_000_000) == 0x27BC86AA)
    }

    @Test func aCodeMatchesOneStepEitherSideAndNoFurther() {
        let secret = Self.rfcSecret
        let now = 1_234_567_890.0
        let current = TOTP.step(at: now)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: current), secret: secret, at: now) == current)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: current - 1), secret: secret, at: now) == current - 1)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: current + 1), secret: secret, at: now) == current + 1)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: current - 2), secret: secret, at: now) == nil)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: current + 2), secret: secret, at: now) == nil)
    }

    @Test func typedSpacesAreIgnoredAndAnythingButSixDigitsMatchesNothing() {
        let secret = Self.rfcSecret
        let code = TOTP.code(secret: secret, at: 59)
        let spaced = String(code.prefix(3)) + " " + String(code.suffix(3))
        #expect(TOTP.matchingStep(spaced, secret: secret, at: 59) != nil)
        #expect(TOTP.matchingStep("", secret: secret, at: 59) == nil)
        #expect(TOTP.matchingStep("94287082", secret: secret, at: 59) == nil)
        #expect(TOTP.matchingStep("２８７０８２", secret: secret, at: 59) == nil)
        #expect(TOTP.matchingStep("abcdef", secret: secret, at: 59) == nil)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        #expect(TOTP.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(TOTP.base32(Self.rfcSecret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(TOTP.base32Decode("mzxw 6ytb oi") == Array("foobar".utf8))
        #expect(TOTP.base32Decode("MZXW1") == nil)
        let secret = TOTP.newSecret()
        #expect(secret.count == 20)
        #expect(TOTP.base32Decode(TOTP.base32(secret)) == secret)
        #expect(TOTP.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ")
    }

    @Test func theKeyURIPercentEncodesAChineseIssuerAndTheLogin() {
        let uri = TOTP.keyURI(secret: Self.rfcSecret, issuer: "省人社厅: 培训", account: "li.ming@省")
        #expect(uri.hasPrefix("otpauth://totp/%E7%9C%81%E4%BA%BA%E7%A4%BE%E5%8E%85%20%20%E5%9F%B9%E8%AE%AD:li.ming%40%E7%9C%81?"))
        #expect(uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(uri.contains("&issuer=%E7%9C%81%E4%BA%BA%E7%A4%BE%E5%8E%85%20%20%E5%9F%B9%E8%AE%AD&"))
        #expect(uri.hasSuffix("&algorithm=SHA1&digits=6&period=30"))
    }
}
