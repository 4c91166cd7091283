import Testing
@testable import Curriculum

struct IdentifierTests {
    @Test("valid ids", arguments: ["a", "info-security", "2025-law", "a--b", "x-"])
    func valid(id: String) {
        #expect(Identifier.isValid(id))
    }

    @Test("invalid ids", arguments: ["", "-a", "A", "info_security", "信息", "a b", "a.b"])
    func invalid(id: String) {
        #expect(!Identifier.isValid(id))
    }

    @Test("slugs from titles", arguments: [
        ("Jesus' hometown", "jesus-hometown"), ("GIFT Control Characters", "gift-control-characters"),
        ("2-08 TSL", "2-08-tsl"), ("网络安全", ""), ("  Q1  ", "q1"), ("Moodle: the LMS!", "moodle-the-lms"),
    ])
    func slugs(title: String, slug: String) {
        #expect(Identifier.slug(from: title) == slug)
    }
}
