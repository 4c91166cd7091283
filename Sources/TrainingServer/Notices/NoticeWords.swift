import Assessment
import Foundation

/// A notice in words, in one language: its title (`notices.kind.<kind>.title`) and sentence
/// (`notices.kind.<kind>.text`), filled from its parameters. A parameter `x_zh` / `x_en` stands for `{x}` in that
/// language; `due` is an ISO day, written as the language writes dates; `note` (a decision's note) follows the
/// sentence when present.
public struct NoticeWords: Sendable {
    public let strings: Localization
    public let language: Language

    public init(strings: Localization, language: Language) {
        self.strings = strings
        self.language = language
    }

    func arguments(_ parameters: [String: String]) -> [String: String] {
        var arguments: [String: String] = [:]
        let suffix = "_" + language.rawValue
        for (key, value) in parameters where !key.hasSuffix("_zh") && !key.hasSuffix("_en") {
            arguments[key] = value
        }
        for (key, value) in parameters where key.hasSuffix(suffix) {
            arguments[String(key.dropLast(suffix.count))] = value
        }
        if let due = arguments["due"], let day = ISODay(due) { arguments["due"] = Self.day(day, strings: strings, language) }
        return arguments
    }

    /// `day` as the language writes a date: 2026年12月20日 / 20 December 2026.
    public static func day(_ day: ISODay, strings: Localization, _ language: Language) -> String {
        let utc = TimeZone(identifier: "UTC") ?? .current
        return strings.date(day.start(in: utc) + 43_200, language, timeZone: utc)
    }

    public func title(_ kind: NoticeKind, _ parameters: [String: String]) -> String {
        strings.text("notices.kind.\(kind.rawValue).title", language, arguments(parameters))
    }

    public func text(_ kind: NoticeKind, _ parameters: [String: String]) -> String {
        let arguments = arguments(parameters)
        // An assignment may have no due day (an elective without one); every other kind's sentence is complete.
        let key = kind == .assignmentAssigned && arguments["due"] == nil ? "notices.kind.assignment.assigned.text_undated"
            : "notices.kind.\(kind.rawValue).text"
        var sentence = strings.text(key, language, arguments)
        if let note = arguments["note"], !note.isEmpty {
            sentence += strings.text("notices.note", language, ["note": note])
        }
        return sentence
    }

    public func title(_ notice: Notice) -> String { title(notice.kind, notice.parameters) }
    public func text(_ notice: Notice) -> String { text(notice.kind, notice.parameters) }
}
