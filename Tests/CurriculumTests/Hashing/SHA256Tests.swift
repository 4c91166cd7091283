import Testing
@testable import Curriculum

/// FIPS 180-4 / NIST example vectors for SHA-256.
struct SHA256Tests {
    @Test("the standard test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
        ("网络安全法", "fc93dcab1fd417be0b069226551beba46b257c663c53a1f4ee18ad67fe509041"),
    ])
    func vector(input: String, expected: String) {
        #expect(SHA256.hex(of: input) == expected)
        #expect(SHA256.hex(SHA256.hash(Array(input.utf8))) == expected)
    }

    @Test("one million times 'a'")
    func millionA() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("feeding bytes in pieces gives the same digest as at once", arguments: [1, 3, 55, 56, 63, 64, 65, 127, 200])
    func incremental(split: Int) {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var hasher = SHA256()
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + split)
            hasher.update(bytes[index..<end])
            index = end
        }
        #expect(hasher.finalize() == SHA256.hash(bytes))
    }

    @Test("lengths around the padding boundary")
    func paddingBoundaries() {
        // Digests of 55, 56 and 64 bytes of 'a' (from a reference implementation).
        #expect(SHA256.hex(of: String(repeating: "a", count: 55))
                == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex(of: String(repeating: "a", count: 56))
                == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex(of: String(repeating: "a", count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test("finalize leaves the hasher usable")
    func finalizeIsRepeatable() {
        var hasher = SHA256()
        hasher.update("ab")
        #expect(hasher.finalize() == hasher.finalize())
        hasher.update("c")
        #expect(hasher.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
