import Assessment
import Curriculum
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

    private static let learner = User(id: UserID(rawValue: 7), login: "li", displayName: "李<明>", employeeNumber: nil,
                                      departmentID: DepartmentID(rawValue: 1), disabled: false, language: nil,
                                      accommodationFactor: 1, grants: [])

    /// A course of three modules (the middle one with recordings, its text only in Chinese) and a practice quiz.
    private static func course() -> Course {
        func module(_ id: String, number: Int, media: ModuleMedia?) -> Module {
            func text(_ language: Language, _ title: String) -> ModuleText {
                ModuleText(language: language, title: title, objectives: ["目标 <1>", "goal & 2"], summary: "小结 \"s\"",
                           body: "正文\n", bodyLine: 1, source: SourceReference(file: "modules/\(id).md", line: 1))
            }
            return Module(id: ModuleID(id), number: number, minutes: 3, hours: 0.5, zh: text(.zh, "单元\(number)"),
                          en: number == 2 ? nil : text(.en, "Unit \(number) <&>"), media: media)
        }
        let media = ModulePageMediaTests.media([ModulePageMediaTests.video(), ModulePageMediaTests.audio()], seeking: .watchedOnly)
        return Course(id: CourseID("c"), version: 1, title: LocalizedText(zh: "课程", en: "Course \"c\""),
                      summary: LocalizedText(both: "s"), audience: nil, studyHours: 1,
                      modules: [module("one", number: 1, media: nil), module("two", number: 2, media: media),
                                module("three", number: 3, media: nil)],
                      quizzes: [], completion: CompletionRule(quiz: nil), folder: "c", mediaFiles: [])
    }

    /// The learner's page written as bytes from its fixed parts is byte for byte the page `render` draws, for every
    /// state the variable parts have: not started, in progress, completed, a trainer's preview, recordings watched,
    /// a text shown in the other language, signed in or not, in both languages.
    @Test func thePageFromItsPartsIsThePageRenderDraws() throws {
        let course = Self.course()
        let progress = ModuleProgress(courseID: "c", moduleID: "two", seconds: 95, startedAt: 1, lastActivityAt: 2, completedAt: nil)
        var completed = progress
        completed.completedAt = 3
        var checked = 0
        for language in Language.allCases {
            for user in [nil, Self.learner] {
                let context = PageContext(language: language, user: user, csrfToken: "masked\"token", currentPath: "/c?x=<1>",
                                          strings: .shipped)
                for module in course.modules {
                    let text = try #require(module.text(in: language) ?? module.text(in: .zh))
                    for state in [nil, progress, completed] {
                        for preview in [false, true] {
                            let model = ModulePage.Model(
                                course: course, module: module, text: text, bodyHTML: "<p>正文 <em>body</em></p>", progress: state,
                                practiceQuiz: nil, isPreview: preview,
                                transcripts: ["lecture": ModulePage.Transcript(language: .zh, html: "<p>文字稿</p>")],
                                watched: ["lecture": MediaWatchState(watchedSeconds: 56.9, duration: 125, frontier: 40)])
                            let drawn = ModulePage.render(model, context: context, stylesheet: "/s.css", script: "/study.js",
                                                          mediaScript: "/media.js").rendered
                            let written = ModulePage.bytes(model, parts: ModulePage.Parts(model, context: context),
                                                           context: context, stylesheet: "/s.css", script: "/study.js",
                                                           mediaScript: "/media.js")
                            #expect(written == Array(drawn.utf8), "\(language) \(module.id.rawValue) \(String(describing: state)) \(preview)")
                            let answer = ModulePage.response(model, parts: ModulePage.Parts(model, context: context),
                                                             context: context, stylesheet: "/s.css", script: "/study.js",
                                                             mediaScript: "/media.js")
                            try GzipTests.expectGzipFromParts(answer, equals: written)
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == 72)
    }

    /// The fixed parts hold no learner's data: the parts built for one learner give another learner's page their own
    /// name, token and progress.
    @Test func partsBuiltForOneLearnerServeAnother() {
        let course = Self.course()
        let module = course.modules[0]
        let first = PageContext(language: .en, user: Self.learner, csrfToken: "first-token", currentPath: "/a", strings: .shipped)
        var other = Self.learner
        other.displayName = "王芳"
        let second = PageContext(language: .en, user: other, csrfToken: "second-token", currentPath: "/a", strings: .shipped)
        let model = ModulePage.Model(course: course, module: module, text: module.en!, bodyHTML: "<p>b</p>", progress: nil,
                                     practiceQuiz: nil)
        let parts = ModulePage.Parts(model, context: first)
        let page = String(decoding: ModulePage.bytes(model, parts: parts, context: second, stylesheet: "/s.css", script: nil),
                          as: UTF8.self)
        #expect(page.contains("王芳") && !page.contains("李"))
        #expect(page.contains("second-token") && !page.contains("first-token"))
        #expect(page == ModulePage.render(model, context: second, stylesheet: "/s.css", script: nil).rendered)
    }

    /// The cache keeps parts per course, module and language until it is invalidated; parts made from a catalogue
    /// read before an invalidation (a snapshot taken before it) are handed out but not kept.
    @Test func theCacheKeepsPartsForOneCatalogueVersion() {
        let course = Self.course()
        let module = course.modules[0]
        let cache = ModulePage.Cache()
        var built = 0
        func parts(_ language: Language, from snapshot: ModulePage.Cache.Snapshot, body: String = "<p>b</p>") -> ModulePage.Parts {
            cache.parts(course: "c", module: "one", language: language, from: snapshot) {
                built += 1
                let context = PageContext(language: language, user: nil, csrfToken: "", currentPath: "/", strings: .shipped)
                return ModulePage.Parts(ModulePage.Model(course: course, module: module, text: module.zh!, bodyHTML: body,
                                                         progress: nil, practiceQuiz: nil), context: context)
            }
        }
        let start = cache.snapshot()
        _ = parts(.zh, from: start)
        _ = parts(.zh, from: cache.snapshot())
        _ = parts(.en, from: cache.snapshot())
        #expect(built == 2 && cache.count == 2)
        cache.invalidate()
        #expect(cache.count == 0 && cache.version == start.version + 1)
        // Built from a catalogue read before the reload: served, not kept.
        let stale = parts(.zh, from: start, body: "<p>old</p>")
        #expect(stale.text.html.rendered.contains("<p>old</p>") && cache.count == 0 && built == 3)
        let fresh = parts(.zh, from: cache.snapshot(), body: "<p>new</p>")
        #expect(fresh.text.html.rendered.contains("<p>new</p>") && cache.count == 1 && built == 4)
        #expect(parts(.zh, from: cache.snapshot(), body: "<p>other</p>").text.html.rendered.contains("<p>new</p>") && built == 4)
        // A snapshot taken before a part was kept does not hold it: that page builds its own (and keeps nothing new).
        let before = cache.snapshot()
        _ = parts(.en, from: cache.snapshot())
        #expect(cache.count == 2 && built == 5)
        _ = parts(.en, from: before)
        #expect(cache.count == 2 && built == 6)
    }
}
