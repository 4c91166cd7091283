import Assessment
import Testing
@testable import TrainingServer

@Suite struct ModulePageTests {
    let zh = PageContext(language: .zh, user: nil, csrfToken: "", currentPath: "/x", strings: .shipped)
    let en = PageContext(language: .en, user: nil, csrfToken: "", currentPath: "/x", strings: .shipped)

    @Test func thePracticePrefixReadsOnce() {
        #expect(ModulePage.practiceLinkText("练习：以人为本", context: zh) == "练习：以人为本")
        #expect(ModulePage.practiceLinkText("以人为本", context: zh) == "练习：以人为本")
        #expect(ModulePage.practiceLinkText("练习: 以人为本", context: zh) == "练习: 以人为本")
        #expect(ModulePage.practiceLinkText("Practice: people first", context: en) == "Practice: people first")
        #expect(ModulePage.practiceLinkText("practice: people first", context: en) == "practice: people first")
        #expect(ModulePage.practiceLinkText("People first", context: en) == "Practice: People first")
        // A title not yet translated keeps its own prefix on the English page.
        #expect(ModulePage.practiceLinkText("练习：以人为本", context: en) == "练习：以人为本")
        // A word that merely begins like the prefix is not the prefix.
        #expect(ModulePage.practiceLinkText("Practices of open government", context: en)
            == "Practice: Practices of open government")
    }

    @Test func thePracticeTitleIsTrimmedOfSpaces() {
        #expect(ModulePage.practiceLinkText("  People first\t", context: en) == "Practice: People first")
        #expect(ModulePage.practiceLinkText("\u{3000}练习：以人为本 ", context: zh) == "练习：以人为本")
        #expect(ModulePage.practiceLinkText(" PRACTICE： people first", context: en) == "PRACTICE： people first")
        #expect(ModulePage.practiceLinkText("   ", context: zh) == "练习：")
        #expect(ModulePage.trimmingSpaces("a b") == "a b" && ModulePage.trimmingSpaces("\u{00A0}a b\u{2003}") == "a b")
        #expect(ModulePage.trimmingSpaces("\na\n") == "\na\n", "line breaks are not spaces, as before")
    }
}
