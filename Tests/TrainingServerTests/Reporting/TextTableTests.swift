import Testing
@testable import TrainingServer

@Suite struct TextTableTests {
    @Test("Latin letters and digits take one column, Chinese, Japanese, Korean and full-width forms two")
    func wideAndNarrow() {
        #expect(TextTable.displayWidth("abc 123") == 7)
        #expect(TextTable.displayWidth("王明远") == 6)
        #expect(TextTable.displayWidth("省政府/数据局") == 13)
        #expect(TextTable.displayWidth("かなカナ") == 8)
        #expect(TextTable.displayWidth("한국어") == 6)
        #expect(TextTable.displayWidth("ＡＢ１") == 6)       // full-width Latin and digits (F)
        #expect(TextTable.displayWidth("（）、。") == 8)      // Chinese punctuation
        #expect(TextTable.displayWidth("\u{3000}") == 2)     // ideographic space
        #expect(TextTable.displayWidth("\u{20BB7}") == 2)    // CJK extension B
        #expect(TextTable.displayWidth("ｱｲ") == 2)           // half-width Katakana stays narrow
        #expect(TextTable.displayWidth("é·—") == 3)          // Latin-1 and punctuation stay narrow
        #expect(TextTable.displayWidth("🙂") == 2)
    }

    @Test("combining marks, zero-width and control characters take no column")
    func zeroWidth() {
        #expect(TextTable.displayWidth("e\u{301}") == 1)            // e + combining acute
        #expect(TextTable.displayWidth("a\u{20DD}") == 1)           // enclosing circle
        #expect(TextTable.displayWidth("a\u{200B}b") == 2)          // zero-width space
        #expect(TextTable.displayWidth("\u{1100}\u{1161}") == 2)    // a Hangul syllable from Jamo
        #expect(TextTable.displayWidth("\u{7}") == 0)
        #expect(TextTable.displayWidth("") == 0)
    }

    @Test("columns line up on screen however wide the characters, and no line ends in spaces")
    func alignment() {
        let text = TextTable.render([["login", "name", "state"], ["wang", "王明远", "active"], ["li.xiaohong", "Li", "disabled"]])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "login        name    state",
            "wang         王明远  active",
            "li.xiaohong  Li      disabled",
        ])
        // The third column starts at the same screen column in every line.
        for (line, third) in zip(lines, ["state", "active", "disabled"]) {
            #expect(TextTable.displayWidth(String(line.dropLast(third.count))) == 21, "\(line)")
        }
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test("tabs and line breaks in a cell keep the row on one line; short rows are fine")
    func oneLinePerRow() {
        #expect(TextTable.render([["a\tb", "c\nd"], ["x"]]) == "a b  c d\nx\n")
        #expect(TextTable.render([]) == "")
    }
}
