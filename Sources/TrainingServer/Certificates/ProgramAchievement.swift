import Assessment
import Curriculum
import Foundation

/// A certification programme as an Open Badges `Achievement`: the same description in every credential issued for
/// it and on its public page (`/programs/{id}`), so that what a verifier fetches from the achievement's `id`
/// matches what the credential embeds. Words come from the translation files; courses are named by title.
public struct ProgramAchievement: Sendable {
    /// The programme.
    public var program: Program
    /// The title of each course the programme names, by course id.
    public var courseTitles: [CourseID: LocalizedText]
    /// The UI strings (the criteria sentences).
    public var strings: Localization

    /// The achievement of `program`, naming its courses with the titles in `courseTitles`.
    public init(program: Program, courseTitles: [CourseID: LocalizedText], strings: Localization = .shipped) {
        self.program = program
        self.courseTitles = courseTitles
        self.strings = strings
    }

    /// The achievement of `program` with course titles from `catalogue`.
    public init(program: Program, catalogue: Catalogue, strings: Localization = .shipped) {
        self.init(program: program, courseTitles: Self.courseTitles(in: catalogue), strings: strings)
    }

    /// Every course's title in `catalogue`, by id.
    public static func courseTitles(in catalogue: Catalogue) -> [CourseID: LocalizedText] {
        Dictionary(catalogue.courses.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
    }

    /// A course's title in `language`; its id when the catalogue no longer has it.
    public func courseTitle(_ id: CourseID, in language: Language) -> String {
        courseTitles[id]?.text(in: language) ?? id.rawValue
    }

    /// Course titles in `language`, joined as a list in running text (`、` in Chinese, `, ` in English).
    public func courseList(_ ids: [CourseID], in language: Language) -> String {
        ids.map { courseTitle($0, in: language) }.joined(separator: strings.text("program.list_separator", language))
    }

    /// How the certificate is earned, in `language`: every course by title, each with its final exam passed, and
    /// the study hours when the programme asks for any.
    public func criteria(in language: Language) -> String {
        var text = strings.text("program.criteria.courses", language, ["courses": courseList(program.courses, in: language)])
        if program.minStudyHours > 0 {
            text += strings.text("program.criteria.hours", language, ["hours": strings.number(program.minStudyHours)])
        }
        return text
    }

    /// The achievement as credentials carry it: both languages, Chinese first (`inLanguage` zh-CN).
    public var badge: BadgeAchievement {
        BadgeAchievement(
            programID: program.id.rawValue,
            name: [program.title.zh, program.title.en].compactMap { $0 }.joined(separator: " / "),
            description: program.summary.text(in: .zh) + (program.summary.en.map { "\n\n" + $0 } ?? ""),
            criteria: criteria(in: .zh) + "\n\n" + criteria(in: .en),
            language: "zh-CN")
    }

    /// The JSON served at the achievement's `id` for `Accept: application/json`: the `Achievement` exactly as
    /// credentials embed it, with the `@context` that makes it a document of its own.
    public func documentJSON(issuer: IssuerProfile) -> Data {
        CredentialPayload.encode(CredentialPayload.AchievementDocument(
            achievement: CredentialPayload.Achievement(badge, issuer: issuer)))
    }
}
