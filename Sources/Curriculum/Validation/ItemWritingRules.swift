import Foundation

/// Item-writing rules: warnings about questions that can mark a learner who knows the answer wrong, or that
/// give the answer away. They run on every question read from YAML; `training-server lint` shows them with the
/// file, line and column of the part concerned.
///
/// - A numeric question must say what to type: its text names the expected form (填数字, 填写四位数年份,
///   阿拉伯数字, "Enter a number", "in digits", "four-digit year", ...), or it declares `units` or a `format`.
/// - A short answer whose only accepted form holds digits or a law's name (《…》, 法, 条例, Law, Act) misses the
///   other ways people write it ("31条", "第三十一条", "Art. 31"; "《网络安全法》", "Cybersecurity Law"): add
///   alternatives (`also`), `wrappers`, or make it numeric.
/// - A multiple-response question with four or more options of which all but one are right invites "tick
///   everything" (with three options, two right ones are ordinary).
/// - The right option of a single-choice question is a tell when, in either language, it is more than twice as
///   long as the longest distractor or less than half as long as the shortest one, and differs from it by at
///   least 8 characters (so short options such as "是" and "否认" pass).
/// - A question about the "current" law (现行, current) must name the date or year it speaks of: laws change.
/// - A `law:` or `standard:` tag must carry its version: a year (law:pipl-2021) or a version number
///   (standard:nist-sp-800-63b-rev4, standard:nist-sp-800-50r1, standard:wcag-2.2).
enum ItemWritingRules {
    /// Where a warning points.
    enum Anchor: Equatable {
        case question
        /// A key of the question (its value).
        case key(String)
        /// An option, answer or pair, by position.
        case item(Int)
        /// A tag, by position.
        case tag(Int)
    }

    struct Issue: Equatable {
        let message: String
        let anchor: Anchor
    }

    /// The ratio beyond which an option's length gives it away, and the smallest difference in characters
    /// that counts.
    static let lengthRatio = 2.0
    static let lengthDifference = 8

    static let formatMarkersZH = ["填数字", "填写数字", "阿拉伯数字", "只填数字", "填年份", "填写年份", "四位数", "填写整数",
                                  "填整数", "填写数值"]
    static let formatMarkersEN = ["enter a number", "enter the number", "in digits", "enter the year", "four-digit",
                                  "number only", "a whole number", "as a number"]

    static func check(_ question: Question) -> [Issue] {
        var issues: [Issue] = []
        switch question.kind {
        case .numeric:
            let format = question.answerFormat
            let zh = question.text.zh ?? "", en = (question.text.en ?? "").lowercased()
            let stated = formatMarkersZH.contains { zh.contains($0) } || formatMarkersEN.contains { en.contains($0) }
            if !stated && (format?.units ?? []).isEmpty && format?.hint == nil {
                issues.append(Issue(message: "the question does not say what to type: name the expected form in its "
                                    + "text (填写数字 / Enter a number), or declare 'units' or a 'format'",
                                    anchor: .key("text")))
            }
        case .shortAnswer(let answers, _):
            let accepted = answers.filter { $0.fraction >= 1 - 1e-9 }.flatMap(\.forms)
            if accepted.count == 1, let only = accepted.first {
                if TextNormalizer.normalize(only).contains(where: \.isASCIIDigitCharacter) {
                    issues.append(Issue(message: "the only accepted answer '\(only)' holds a number, which people "
                                        + "write in several ways: add alternatives ('also'), 'wrappers', or make "
                                        + "the question numeric", anchor: .item(answers.firstIndex { $0.forms.contains(only) } ?? 0)))
                } else if namesALaw(only) {
                    issues.append(Issue(message: "the only accepted answer '\(only)' is a law's name, which people "
                                        + "write in several ways (with or without 《》 or 中华人民共和国, in "
                                        + "English): add alternatives ('also') or 'wrappers'",
                                        anchor: .item(answers.firstIndex { $0.forms.contains(only) } ?? 0)))
                }
            }
        case .multipleResponse(let options):
            let right = options.filter { $0.fraction > 0 }.count
            if options.count >= 4 && right == options.count - 1 {
                issues.append(Issue(message: "all options but one are right (\(right) of \(options.count)): "
                                    + "ticking everything nearly wins; add distractors or make it single choice",
                                    anchor: .key("options")))
            }
        case .singleChoice(let options):
            if let message = lengthTell(options) {
                issues.append(Issue(message: message, anchor: .item(options.firstIndex { $0.fraction >= 1 } ?? 0)))
            }
        default:
            break
        }
        if let message = undatedCurrentLaw(question.text) {
            issues.append(Issue(message: message, anchor: .key("text")))
        }
        for (index, tag) in question.tags.enumerated() {
            for prefix in ["law:", "standard:"] where tag.hasPrefix(prefix) && !hasVersion(String(tag.dropFirst(prefix.count))) {
                issues.append(Issue(message: "the tag '\(tag)' names no version: add the year or version number "
                                    + "(e.g. \(prefix)\(tag.dropFirst(prefix.count))-2025)", anchor: .tag(index)))
            }
        }
        return issues
    }


    /// Whether `text` looks like the name of a law or regulation.
    static func namesALaw(_ text: String) -> Bool {
        if text.contains("《") || text.contains("》") || text.contains("法") || text.contains("条例") { return true }
        let words = text.split(whereSeparator: { !$0.isLetter })
        return words.contains("Law") || words.contains("Act")
    }

    /// Whether a tag's name carries a year or a version number among its hyphen-separated parts.
    static func hasVersion(_ name: String) -> Bool {
        for part in name.split(separator: "-") {
            let digits = part.allSatisfy(\.isASCIIDigitCharacter)
            if digits && part.count == 4 && (part.hasPrefix("19") || part.hasPrefix("20")) { return true }
            // A revision or version marker, alone ("rev4", "v2") or after the document number ("50r1").
            for marker in ["rev", "v", "r"] {
                guard let range = part.range(of: marker, options: .backwards) else { continue }
                let before = part[..<range.lowerBound], rest = part[range.upperBound...]
                if !rest.isEmpty && rest.allSatisfy({ $0.isASCIIDigitCharacter || $0 == "." }) && rest.first!.isASCIIDigitCharacter
                    && (before.isEmpty || before.last!.isASCIIDigitCharacter) {
                    return true
                }
            }
            let pieces = part.split(separator: ".", omittingEmptySubsequences: false)
            if pieces.count >= 2 && pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigitCharacter) }) {
                return true
            }
        }
        return false
    }

    private static func undatedCurrentLaw(_ text: LocalizedText) -> String? {
        if let zh = text.zh, zh.contains("现行"), !containsYear(zh) {
            return "the question asks about the current (现行) law without a date: name the year or version it "
                + "speaks of (e.g. 截至2026年), since the law changes"
        }
        if let en = text.en {
            let words = en.lowercased().split(whereSeparator: { !$0.isLetter })
            if words.contains("current") || words.contains("currently"), !containsYear(en) {
                return "the question asks about the current law without a date: name the year or version it "
                    + "speaks of (e.g. as of 2026), since the law changes"
            }
        }
        return nil
    }

    /// Whether `text` holds a year from 1900 to 2099 not inside a longer number.
    static func containsYear(_ text: String) -> Bool {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            guard characters[index].isASCIIDigitCharacter else { index += 1; continue }
            var end = index
            while end < characters.count, characters[end].isASCIIDigitCharacter { end += 1 }
            let run = String(characters[index..<end])
            if run.count == 4, run.hasPrefix("19") || run.hasPrefix("20") { return true }
            index = end
        }
        return false
    }

    private static func lengthTell(_ options: [ChoiceOption]) -> String? {
        guard let key = options.first(where: { $0.fraction >= 1 }) else { return nil }
        let distractors = options.filter { $0.id != key.id && $0.fraction < 1 }
        guard !distractors.isEmpty else { return nil }
        for language in Language.allCases {
            guard key.text.has(language), distractors.allSatisfy({ $0.text.has(language) }) else { continue }
            let keyLength = key.text.text(in: language).count
            let lengths = distractors.map { $0.text.text(in: language).count }
            let longest = lengths.max()!, shortest = lengths.min()!
            let name = language == .zh ? "Chinese" : "English"
            if Double(keyLength) > lengthRatio * Double(longest) && keyLength - longest >= lengthDifference {
                return "the right option is much longer than every other (\(keyLength) characters against at most "
                    + "\(longest), in \(name)): its length gives it away"
            }
            if Double(keyLength) < Double(shortest) / lengthRatio && shortest - keyLength >= lengthDifference {
                return "the right option is much shorter than every other (\(keyLength) characters against at least "
                    + "\(shortest), in \(name)): its length gives it away"
            }
        }
        return nil
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
