import Testing
@testable import TrainingServer

@Suite struct ByteRangeTests {
    @Test("first-last, first- and -suffix are read", arguments: [
        ("bytes=0-0", ByteRange.closed(first: 0, last: 0)),
        ("bytes=100-199", .closed(first: 100, last: 199)),
        ("bytes=500-", .from(first: 500)),
        ("bytes=-1", .suffix(length: 1)),
        ("bytes=-0", .suffix(length: 0)),
        ("BYTES=1-2", .closed(first: 1, last: 2)),
        ("Bytes=7-7", .closed(first: 7, last: 7)),
    ])
    func single(header: String, range: ByteRange) {
        #expect(ByteRange.parse(header) == .one(range))
    }

    @Test("spaces around the list's elements are allowed, and empty elements are skipped", arguments: [
        ("bytes= 0-9", ByteRange.closed(first: 0, last: 9)),
        ("bytes=0-9 ", .closed(first: 0, last: 9)),
        ("bytes=\t-5\t", .suffix(length: 5)),
        ("bytes=, 3-,", .from(first: 3)),
    ])
    func spaces(header: String, range: ByteRange) {
        #expect(ByteRange.parse(header) == .one(range))
    }

    @Test("a header that does not parse is ignored (RFC 9110: the whole representation is sent)", arguments: [
        "bytes", "bytes=", "bytes=,", "bytes=-", "bytes=a-b", "bytes=1-a", "bytes=5-4", "bytes=0 - 9", "bytes =0-9",
        "bytes=0-9;x", "bytes=+1-2", "bytes=--1", "bytes=1--2", "bytes=0x10-", "bytes=1-2-3", "items=0-9", "byte=0-9",
        "bytesx=0-9", "none", "", "bytes=0-1,a", "bytes=１-２",
    ])
    func ignored(header: String) {
        #expect(ByteRange.parse(header) == .ignored)
        #expect(ByteRange.answer(header, size: 100) == .whole)
    }

    @Test func noHeaderAsksForTheWhole() {
        #expect(ByteRange.parse(nil) == .ignored)
        #expect(ByteRange.answer(nil, size: 100) == .whole)
    }

    @Test("several ranges are answered with the whole representation")
    func several() {
        #expect(ByteRange.parse("bytes=0-1,5-9") == .several(2))
        #expect(ByteRange.parse("bytes=0-1, 5-, -3") == .several(3))
        #expect(ByteRange.answer("bytes=0-1,5-9", size: 100) == .whole)
        #expect(ByteRange.answer("bytes=200-300,400-", size: 100) == .whole, "even when none is satisfiable")
    }

    @Test("ranges resolve against the size: clipped at the end, suffixes count from it")
    func answers() {
        let size: UInt64 = 1000
        #expect(ByteRange.answer("bytes=0-0", size: size) == .partial(offset: 0, length: 1), "first byte")
        #expect(ByteRange.answer("bytes=999-999", size: size) == .partial(offset: 999, length: 1), "last byte")
        #expect(ByteRange.answer("bytes=400-599", size: size) == .partial(offset: 400, length: 200), "middle")
        #expect(ByteRange.answer("bytes=900-5000", size: size) == .partial(offset: 900, length: 100), "clipped")
        #expect(ByteRange.answer("bytes=250-", size: size) == .partial(offset: 250, length: 750), "open")
        #expect(ByteRange.answer("bytes=-10", size: size) == .partial(offset: 990, length: 10), "suffix")
        #expect(ByteRange.answer("bytes=-1000", size: size) == .partial(offset: 0, length: 1000))
        #expect(ByteRange.answer("bytes=-5000", size: size) == .partial(offset: 0, length: 1000), "suffix over size")
        #expect(ByteRange.answer("bytes=0-", size: size) == .partial(offset: 0, length: 1000))
    }

    @Test("a range starting at or after the end, and -0, are unsatisfiable")
    func unsatisfiable() {
        #expect(ByteRange.answer("bytes=1000-", size: 1000) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=1000-1000", size: 1000) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=5000-6000", size: 1000) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=-0", size: 1000) == .unsatisfiable)
    }

    @Test("numbers too large for 64 bits saturate: a first position is past any end, a last one is clipped")
    func overflow() {
        let huge = "99999999999999999999999999999"
        #expect(ByteRange.parse("bytes=\(huge)-") == .one(.from(first: .max)))
        #expect(ByteRange.answer("bytes=\(huge)-", size: 1000) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=10-\(huge)", size: 1000) == .partial(offset: 10, length: 990))
        #expect(ByteRange.answer("bytes=-\(huge)", size: 1000) == .partial(offset: 0, length: 1000))
        #expect(ByteRange.answer("bytes=\(huge)-\(huge)", size: 1000) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=18446744073709551615-", size: .max) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=18446744073709551614-", size: .max) == .partial(offset: .max - 1, length: 1))
    }

    @Test("on a zero-length file, first-last and first- are unsatisfiable and a suffix gets the whole (empty) file")
    func zeroLength() {
        #expect(ByteRange.answer("bytes=0-0", size: 0) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRange.answer("bytes=-1", size: 0) == .whole)
        #expect(ByteRange.answer("bytes=-0", size: 0) == .unsatisfiable)
    }
}
