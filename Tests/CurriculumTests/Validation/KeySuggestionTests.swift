import Testing
@testable import Curriculum

struct KeySuggestionTests {
    @Test("typos get the intended key", arguments: [
        ("titel", "title"), ("sumary", "summary"), ("pass_marks", "pass_mark"), ("Title", "title"), ("corect", "correct"),
    ])
    func suggestions(typo: String, key: String) {
        #expect(KeySuggestion.closest(to: typo, among: ["title", "summary", "pass_mark", "correct", "weight"]) == key)
    }

    @Test("no suggestion for unrelated words, ties or very long words")
    func none() {
        #expect(KeySuggestion.closest(to: "colour", among: ["title", "summary"]) == nil)
        #expect(KeySuggestion.closest(to: "ab", among: ["ac", "ad"]) == nil)
        #expect(KeySuggestion.closest(to: String(repeating: "t", count: 5000), among: ["title"]) == nil)
    }

    @Test("edit distance counts a swap of neighbours as one edit")
    func distance() {
        #expect(KeySuggestion.editDistance("titel", "title") == 1)
        #expect(KeySuggestion.editDistance("", "abc") == 3)
        #expect(KeySuggestion.editDistance("kitten", "sitting") == 3)
    }
}
