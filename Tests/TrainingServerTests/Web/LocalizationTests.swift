import Assessment
import Foundation
import Testing
@testable import TrainingServer

@Suite struct LocalizationTests {
    private let shipped = Localization.shipped

    /// Every literal key the server's source passes to `t(_:)`, read from the source files themselves so that a
    /// key added to a page without a translation fails here.
    private static func keysUsedInSources() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/TrainingServer")
            .resolvingSymlinksInPath()
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let pattern = try NSRegularExpression(pattern: #"\bt\("([a-z0-9_]+(?:\.[a-z0-9_]+)+)""#)
        var keys: Set<String> = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { keys.insert(String(text[range])) }
            }
        }
        return keys
    }

    @Test func bothLanguagesHaveTheSameNonEmptyKeys() {
        let zh = shipped.keys(.zh)
        let en = shipped.keys(.en)
        #expect(!zh.isEmpty)
        #expect(zh.subtracting(en).isEmpty, "missing in en: \(zh.subtracting(en).sorted())")
        #expect(en.subtracting(zh).isEmpty, "missing in zh: \(en.subtracting(zh).sorted())")
    }

    @Test func everyKeyThePagesUseExistsInBothLanguages() throws {
        let used = try Self.keysUsedInSources()
        #expect(used.count >= 20, "the source scan found \(used.count) keys")
        var dynamic: Set<String> = ["error.title", "error.back"]
        for role in Role.allCases { dynamic.insert("role.\(role.rawValue)") }
        for status in [400, 401, 403, 404, 405, 413, 429, 500, 503] { dynamic.insert("error.\(status)") }
        for language in Language.allCases {
            let missing = used.union(dynamic).subtracting(shipped.keys(language))
            #expect(missing.isEmpty, "missing in \(language): \(missing.sorted())")
        }
    }

    @Test func placeholdersAgreeBetweenLanguages() throws {
        let placeholder = try NSRegularExpression(pattern: #"\{[a-z_]+\}"#)
        func names(_ text: String) -> Set<String> {
            Set(placeholder.matches(in: text, range: NSRange(text.startIndex..., in: text))
                .compactMap { Range($0.range, in: text).map { String(text[$0]) } })
        }
        for key in shipped.keys(.zh) {
            #expect(names(shipped.text(key, .zh)) == names(shipped.text(key, .en)), "\(key)")
        }
    }

    @Test func textFillsPlaceholdersFallsBackToChineseThenShowsTheKey() {
        let strings = Localization(tables: [.zh: ["a": "你好，{name}", "only.zh": "只有中文"], .en: ["a": "Hello, {name}"]])
        #expect(strings.text("a", .en, ["name": "Li"]) == "Hello, Li")
        #expect(strings.text("a", .zh, ["name": "李"]) == "你好，李")
        #expect(strings.text("only.zh", .en) == "只有中文")
        #expect(strings.text("no.such.key", .en) == "no.such.key")
        #expect(strings.text("a", .en) == "Hello, {name}")
    }

    @Test func datesAndNumbersAreFormattedPerLanguage() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let day = 1_795_910_400.0 // 2026-11-29T00:00:00Z
        #expect(shipped.date(day, .zh, timeZone: utc) == "2026年11月29日")
        #expect(shipped.date(day, .en, timeZone: utc) == "29 November 2026")
        #expect(shipped.number(3) == "3")
        #expect(shipped.number(2.26, fractionDigits: 1) == "2.3")
        #expect(shipped.number(0.5) == "0.5")
        #expect(shipped.number(1.999, fractionDigits: 2) == "2")
        #expect(shipped.number(1.10, fractionDigits: 2) == "1.1")
        #expect(shipped.number(-0.25, fractionDigits: 2) == "-0.25")
    }

    @Test func placeholdersAreFilledFromTheArgumentsAndUnknownOnesStay() {
        let strings = Localization(tables: [.zh: ["a": "{n} 分钟，共 {total} 分钟", "b": "无占位", "c": "{x}{y} {z} {{odd} }"]])
        #expect(strings.text("a", .zh, ["n": "3", "total": "10"]) == "3 分钟，共 10 分钟")
        #expect(strings.text("a", .zh, ["n": "3"]) == "3 分钟，共 {total} 分钟", "a missing argument stays as written")
        #expect(strings.text("b", .zh, ["n": "3"]) == "无占位")
        #expect(strings.text("c", .zh, ["x": "1", "y": "2", "odd": "!"]) == "12 {z} {! }")
        // A replacement is inserted as it is: braces in it are not filled in again.
        #expect(strings.text("a", .zh, ["n": "{total}", "total": "10"]) == "{total} 分钟，共 10 分钟")
        #expect(strings.text("missing.key", .en) == "missing.key", "a missing key shows itself")
        #expect(strings.text("a", .en, ["n": "1", "total": "2"]) == "1 分钟，共 2 分钟", "falls back to Chinese")
    }

    @Test func numbersAndTimesAreFormattedAsBefore() {
        for value in [0, 0.04, 0.05, 0.25, 1, 1.5, 2.25, 12.349, 99.95, -1.5, -0.25, 1234.5, 0.999] {
            for digits in [1, 2] {
                let reference = String(format: "%.\(digits)f", (value * pow(10, Double(digits))).rounded() / pow(10, Double(digits)))
                    .replacingOccurrences(of: "\\.?0+$", with: "", options: .regularExpression)
                let expected = reference == "-0" ? "0" : reference
                #expect(shipped.number(value, fractionDigits: digits) == expected, "\(value) with \(digits) digits")
            }
        }
        let utc = TimeZone(identifier: "UTC")!
        #expect(shipped.time(0, timeZone: utc) == "00:00")
        #expect(shipped.time(9 * 3600 + 5 * 60, timeZone: utc) == "09:05")
        #expect(shipped.time(23 * 3600 + 59 * 60, timeZone: utc) == "23:59")
    }
}
