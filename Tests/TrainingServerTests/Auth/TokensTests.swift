import Testing
@testable import TrainingServer

@Suite struct TokensTests {
    @Test func randomTokensAreBase64URLOfTheRightLength() {
        let token = Tokens.random()
        #expect(token.count == 43)
        #expect(Tokens.random(bytes: 12).count == 16)
        #expect(Tokens.random(bytes: 1).count == 2)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for _ in 0..<50 { #expect(Tokens.random().allSatisfy(alphabet.contains)) }
    }

    @Test func randomTokensDoNotRepeat() {
        let tokens = (0..<1_000).map { _ in Tokens.random() }
        #expect(Set(tokens).count == 1_000)
        let short = (0..<1_000).map { _ in Tokens.random(bytes: 8) }
        #expect(Set(short).count == 1_000)
    }

    @Test func digestIsLowercaseHexSHA256() {
        #expect(Tokens.digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Tokens.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Tokens.digest("令牌").count == 64)
    }

    @Test func constantTimeEqualsComparesWholeStrings() {
        #expect(Tokens.constantTimeEquals("abc", "abc"))
        #expect(Tokens.constantTimeEquals("", ""))
        #expect(!Tokens.constantTimeEquals("abc", "abd"))
        #expect(!Tokens.constantTimeEquals("abc", "Abc"))
        #expect(!Tokens.constantTimeEquals("abc", "abcd"))
        #expect(!Tokens.constantTimeEquals("", "a"))
        #expect(Tokens.constantTimeEquals("密钥", "密钥"))
        #expect(!Tokens.constantTimeEquals("é", "e\u{301}"))
    }

    @Test func maskedSecretsDifferEveryTimeAndUnmaskToTheSecret() throws {
        let secret = Tokens.random()
        let first = Tokens.masked(secret)
        let second = Tokens.masked(secret)
        #expect(first != second)
        #expect(!first.contains(secret))
        #expect(Tokens.unmasked(first) == secret)
        #expect(Tokens.unmasked(second) == secret)
        #expect(Tokens.unmasked(secret) != secret, "an unmasked secret is not mistaken for a masked one")
        #expect(Tokens.unmasked("") == nil)
        #expect(Tokens.unmasked("not base64!") == nil)
    }
}
