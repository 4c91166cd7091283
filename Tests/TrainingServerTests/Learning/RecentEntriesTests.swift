import Testing
@testable import TrainingServer

@Suite("Recent entries")
struct RecentEntriesTests {
    @Test func holdsAtMostTwoGenerations() {
        var entries = RecentEntries<Int, String>(generationSize: 8)
        for key in 0..<1_000 {
            entries.keep("value \(key)", for: key)
            #expect(entries.count <= 16)
        }
        // The latest keys are all there; the earliest are gone.
        for key in 992..<1_000 { #expect(entries.value(key) == "value \(key)") }
        #expect(entries.value(0) == nil)
        #expect(entries.value(983) == nil)
    }

    @Test func anEntryUsedWithinAGenerationIsNeverDropped() {
        var entries = RecentEntries<Int, Int>(generationSize: 4)
        entries.keep(-1, for: -1)
        for key in 0..<500 {
            entries.keep(key, for: key)
            if key % 3 == 0 { #expect(entries.value(-1) == -1, "after \(key)") }
        }
        #expect(entries.value(-1) == -1)
        #expect(entries.count <= 8)
    }

    @Test func anEntryNotUsedLeavesAfterTwoGenerations() {
        var entries = RecentEntries<String, Int>(generationSize: 4)
        entries.keep(1, for: "once")
        for key in 0..<3 { entries.keep(key, for: "a\(key)") }
        // "once" and three others fill the first generation; it is now the previous one.
        #expect(entries.value("b") == nil)
        for key in 0..<3 { entries.keep(key, for: "b\(key)") }
        #expect(entries.count == 7)
        entries.keep(0, for: "c0")
        #expect(entries.value("once") == nil)
        #expect(entries.value("a0") == nil)
        #expect(entries.value("b0") == 0)
        #expect(entries.value("c0") == 0)
    }

    @Test func keepingAKeyAgainReplacesItsValueWherever() {
        var entries = RecentEntries<String, Int>(generationSize: 2)
        entries.keep(1, for: "x")
        entries.keep(2, for: "x")
        #expect(entries.count == 1)
        #expect(entries.value("x") == 2)
        entries.keep(0, for: "y") // rotates: x and y are the previous generation
        entries.keep(3, for: "x") // x moves to the current one, with its new value
        #expect(entries.count == 2)
        #expect(entries.value("x") == 3)
        #expect(entries.value("y") == 0)
    }

    @Test func aGenerationHoldsAtLeastOneEntry() {
        var entries = RecentEntries<Int, Int>(generationSize: 0)
        entries.keep(1, for: 1)
        entries.keep(2, for: 2)
        #expect(entries.generationSize == 1)
        #expect(entries.count <= 2)
        #expect(entries.value(2) == 2)
    }
}
