import Testing
@testable import TrainingServer

@Suite struct PasswordHasherTests {
    private let hasher = PasswordHasher()

    @Test func hashesVerifyOnlyTheirOwnPassword() throws {
        let password = "correct horse 电池 staple"
        let encoded = try hasher.hash(password)
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hasher.verify(password, against: encoded))
        #expect(!hasher.verify("correct horse 电池 staplE", against: encoded))
        #expect(!hasher.verify(password + " ", against: encoded))
        #expect(!hasher.verify("", against: encoded))
    }

    @Test func theSameTextHashesDifferentlyEachTime() throws {
        let first = try hasher.hash("same password twice")
        let second = try hasher.hash("same password twice")
        #expect(first != second)
        #expect(hasher.verify("same password twice", against: second))
    }

    @Test func malformedStoredHashesNeverVerify() {
        for encoded in ["", "plain", "$argon2id$v=19$m=19456,t=2,p=1$", "$argon2i$v=19$m=16,t=2,p=1$c2FsdHNhbHQ$aGFzaA"] {
            #expect(!hasher.verify("anything at all", against: encoded))
        }
    }

    @Test func theDecoyIsARealHashThatMatchesNothingTyped() {
        #expect(PasswordHasher.decoy.hasPrefix("$argon2id$"))
        #expect(!hasher.verify("password1234", against: PasswordHasher.decoy))
    }

    @Test func validateEnforcesLengthInCharacters() throws {
        #expect(throws: PasswordHasher.Failure.tooShort) { try PasswordHasher.validate("short pass!") }
        try PasswordHasher.validate("twelve chars")
        try PasswordHasher.validate("网络安全意识培训课程口令")
        try PasswordHasher.validate(String(repeating: "ab3", count: 85) + "x")
        #expect(throws: PasswordHasher.Failure.tooLong) { try PasswordHasher.validate(String(repeating: "ab3", count: 85) + "xy") }
    }

    @Test(arguments: ["password1234", "PASSWORD1234", "Password1234", "woaini1314520", "aaaaaaaaaaaa", "abababababab",
                      "AbAbAbAbAbAb"])
    func validateRefusesCommonAndRepetitivePasswords(_ password: String) {
        #expect(throws: PasswordHasher.Failure.tooCommon) { try PasswordHasher.validate(password) }
    }

    @Test func failuresDescribeThePolicy() {
        #expect(PasswordHasher.Failure.tooShort.description.contains("12"))
        #expect(PasswordHasher.Failure.tooLong.description.contains("256"))
    }
}
