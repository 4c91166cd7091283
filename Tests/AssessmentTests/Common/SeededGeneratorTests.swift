import Testing
@testable import Assessment

@Suite struct SeededGeneratorTests {
    @Test func matchesTheSplitMix64ReferenceSequence() {
        var generator = SeededGenerator(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func boundedDrawsStayInRangeAndCoverIt() {
        var generator = SeededGenerator(seed: 42)
        var seen = Set<Int>()
        for _ in 0..<1_000 {
            let value = generator.nextIndex(below: 7)
            #expect((0..<7).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == 7)
        #expect(generator.nextIndex(below: 1) == 0)
        #expect(generator.nextIndex(below: 0) == 0)
    }

    @Test func shuffleIsAPermutationAndDependsOnTheSeed() {
        let original = Array(0..<20)
        var first = original, again = original, other = original
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        a.shuffle(&first)
        b.shuffle(&again)
        c.shuffle(&other)
        #expect(first.sorted() == original)
        #expect(first == again)
        #expect(first != other)
        #expect(first != original)
    }
}
