import Foundation
import Testing
@testable import Curriculum

struct CatalogueLoaderTests {
    @Test("a catalogue with one of each mistake yields exactly these messages")
    func everyMistake() {
        let result = CatalogueLoader.loadWithReport(directory: TestFiles.fixtures.appendingPathComponent("Broken"))
        #expect(result.catalogue == nil)
        #expect(result.report.diagnostics.map(\.description) == [
            "drafts:1:1: warning: folder 'drafts' has modules or quizzes but no course.yaml, so it is not loaded as a course",
            "programs/egov.yaml:4:26: error: course 'no-such-course' does not exist in this catalogue",
            "programs/egov.yaml:6:22: error: 'renewal_window_days' (400) cannot be longer than 'validity_days' (365)",
            "programs/egov.yaml:10:11: error: 'choose' is 2 but 'from' lists only 1 course",
            "programs/egov.yaml:11:10: warning: course 'info-security' has no completion quiz, so passing it cannot count for recertification",
            "security/course.yaml:1:5: error: course id 'info-security' is already used by folder 'copy'; course ids must be unique",
            "security/course.yaml:2:10: error: 'version' must be a whole number, not 'one'",
            "security/course.yaml:3:8: warning: 'title' has no English (en) text",
            "security/course.yaml:5:1: error: unknown key 'audeince' in course.yaml; did you mean 'audience'?",
            "security/course.yaml:7:32: error: module 'incidents' has no files: add modules/NN-incidents.zh.md and modules/NN-incidents.en.md",
            "security/course.yaml:8:41: error: quiz 'missing-quiz' has no file quizzes/missing-quiz.yaml",
            "security/course.yaml:11:9: error: completion quiz 'final-test' is not listed in 'quizzes'",
            "security/modules/01-phishing.en.md:4:10: error: 'minutes' is 45 here but 40 in 01-phishing.zh.md; both languages must agree",
            "security/modules/01-phishing.zh.md:10:6: error: images must come from this course's media/ folder, as ![description](media/file.png), not 'https://example.com/a.png'",
            "security/modules/01-phishing.zh.md:12:7: error: image 'media/missing.png' not found: add the file to security/media/",
            "security/modules/01-phishing.zh.md:14:6: error: links may only use http, https, mailto or tel, not 'javascript:'; the link is shown as plain text",
            "security/modules/01-phishing.zh.md:16:1: warning: raw HTML is not shown to learners; write Markdown instead",
            "security/modules/02-passwords.zh.md:1:1: error: module 'passwords' has no English file: add modules/02-passwords.en.md",
            "security/modules/02-passwords.zh.md:4:10: error: 'minutes' must be a whole number, not 'forty'",
            "security/modules/03-orphan.en.md:1:1: warning: module 'orphan' is not listed in course.yaml 'modules', so learners will not see it",
            "security/quizzes/broken.gift:3:22: error: a single-choice question needs exactly one right answer, not 2",
            "security/quizzes/broken.gift:3:33: warning: '~' in the feedback makes Moodle read this question as multiple choice, not short answer; write \\~ if it belongs to the feedback",
            "security/quizzes/broken.gift:5:32: warning: the positive weights add up to 70%, not 100%: a learner who picks every right option gets 70%",
            "security/quizzes/broken.gift:7:42: error: the answer block opened here has no closing '}'",
            "security/quizzes/final-exam.yaml:4:12: error: 'pass_mark' must be between 0 and 100, not 120",
            "security/quizzes/final-exam.yaml:7:11: error: the pool draws 5 questions but has only 3",
            "security/quizzes/final-exam.yaml:12:9: error: a single-choice question needs exactly one right answer, not 2",
            "security/quizzes/final-exam.yaml:18:9: warning: the positive weights add up to 80%, not 100%: a learner who picks every right option gets 80%",
            "security/quizzes/final-exam.yaml:21:16: warning: the tag 'module:unknown-module' names no module of this course",
            "security/quizzes/final-exam.yaml:22:9: error: question is missing the required key 'text'",
            "security/quizzes/final-exam.yaml:26:11: error: GIFT file 'missing.gift' not found in quizzes/",
            "security/quizzes/practice.yaml:8:9: error: question id 'q-single' is already used at quizzes/final-exam.yaml:9; question ids must be unique within the course",
            "security/quizzes/syntax.yaml:7:4: error: YAML syntax error: did not find expected '-' indicator (while parsing a block collection at line 6, column 3)",
        ])
        #expect(result.report.summary == "24 errors, 9 warnings in 13 files")
    }

    @Test("a valid catalogue loads with every part in place")
    func valid() throws {
        let directory = TestFiles.fixtures.appendingPathComponent("Valid")
        let result = CatalogueLoader.loadWithReport(directory: directory)
        // The fixture's content is pinned (see pinnedHashes), so it keeps two items the item-writing rules flag.
        #expect(result.report.diagnostics.map(\.description) == [
            "security/quizzes/final-exam.yaml:40:15: warning: the question does not say what to type: name the expected form in its text (填写数字 / Enter a number), or declare 'units' or a 'format'",
            "security/quizzes/practice-phishing.yaml:12:13: warning: the right option is much longer than every other (67 characters against at most 31, in English): its length gives it away",
        ])
        let catalogue = try #require(result.catalogue)
        #expect(catalogue.courses.map(\.id) == [CourseID("service-ethics"), CourseID("info-security")])
        let course = try #require(catalogue.course(CourseID("info-security")))
        #expect(course.folder == "security")
        #expect(course.version == 3)
        #expect(course.studyHours == 2.5)
        #expect(course.audience == LocalizedText(zh: "全体人员", en: "All staff"))
        #expect(course.modules.map(\.id) == [ModuleID("phishing"), ModuleID("passwords")])
        #expect(course.quizzes.map(\.id) == [QuizID("practice-phishing"), QuizID("final-exam")])
        #expect(course.completion == CompletionRule(quiz: QuizID("final-exam")))
        #expect(course.completionQuiz?.id == QuizID("final-exam"))
        #expect(course.mediaFiles == ["phishing.png"])

        let module = try #require(catalogue.module(ModuleID("phishing"), in: course.id))
        #expect(module.number == 1 && module.minutes == 40 && module.hours == 1)
        #expect(module.title == LocalizedText(zh: "网络钓鱼与社会工程学", en: "Phishing and social engineering"))
        #expect(module.zh?.source == SourceReference(file: "modules/01-phishing.zh.md", line: 1))
        #expect(module.en?.objectives.count == 2)
        #expect(module.en?.bodyLine == 11)
        #expect(module.text(in: .en)?.language == .en)

        let exam = try #require(catalogue.quiz(QuizID("final-exam"), in: course.id))
        #expect(exam.pools.map(\.id) == ["core", "bank"])
        #expect(exam.pools.map(\.draw) == [3, 2])
        let imported = try #require(catalogue.question(QuestionID("mfa-strongest"), in: course.id))
        #expect(imported.source == SourceReference(file: "quizzes/bank.gift", line: 4))
        #expect(imported.tags == ["module:passwords"])
        let written = try #require(catalogue.question(QuestionID("law-name"), in: course.id))
        #expect(written.source == SourceReference(file: "quizzes/final-exam.yaml", line: 27))
        #expect(catalogue.file(of: written.source!, in: course.id)?.path.hasSuffix("security/quizzes/final-exam.yaml") == true)

        let program = try #require(catalogue.program(ProgramID("egov-competence")))
        #expect(program.recertification?.choose == 1)
        #expect(catalogue.programs(requiring: CourseID("service-ethics")).map(\.id) == [program.id])
        #expect(catalogue.mediaFile("phishing.png", in: course.id)?.lastPathComponent == "phishing.png")
        #expect(catalogue.mediaFile("../course.yaml", in: course.id) == nil)
        #expect(catalogue.revision.count == 64)
    }

    @Test("loading the same files twice gives the same hashes")
    func stableHashes() throws {
        let directory = TestFiles.fixtures.appendingPathComponent("Valid")
        let first = try #require(CatalogueLoader.load(directory: directory).catalogue)
        let second = try #require(CatalogueLoader.load(directory: directory).catalogue)
        #expect(first.revision == second.revision)
        #expect(first.courses.map(\.contentHash) == second.courses.map(\.contentHash))
    }

    @Test("the hashes of the valid fixture are pinned: unchanged files keep the hashes records refer to")
    func pinnedHashes() throws {
        let directory = TestFiles.fixtures.appendingPathComponent("Valid")
        let catalogue = try #require(CatalogueLoader.load(directory: directory).catalogue)
        let course = try #require(catalogue.course(CourseID("info-security")))
        let module = try #require(course.module(ModuleID("phishing")))
        let exam = try #require(course.quiz(QuizID("final-exam")))
        let ethics = try #require(catalogue.course(CourseID("service-ethics")))
        #expect(module.zh?.contentHash == "8c0cef85de188b73d47c4573d737dffc30b220289d7d3dfb6297400af8632f82")
        #expect(module.en?.contentHash == "83087b02a729b3c04a3ec175250d5cc1a2393aebd1a2fd89d4b58a282cea1e58")
        #expect(module.contentHash == "f76acc3d4080dd6b85889b31fe753bac01895393b0d6ba82eb1f6cadfd3ce34c")
        #expect(exam.contentHash == "ef09fe6aaa14094b179265484c05fa314d7a5c4be339bf14e035bf4341047ae4")
        #expect(course.question(QuestionID("mfa-strongest"))?.question.contentHash == "4c25921316412162c1703b6d9c94807423702c3fb75904dd4afeb63bf13b8817")
        #expect(course.contentHash == "d68a0b21cbca0aa0f2772a629cb9f5af22e8ae3af522afee60d407eb0429efe4")
        #expect(ethics.contentHash == "9188ee488b8112fb8c4ea3cd9fd32d094565c02e5a808850cec136c166f4cc84")
        #expect(catalogue.programs.map(\.contentHash) == ["c0a0126635da75ff3b9d37f10954296dbf9b17812df6da8f6ce023d7d757e121"])
        #expect(catalogue.revision == "09cf4f42527efe42d6661adfc5c6eb1b19494200103fe8e70bc37a0b653c0f22")
    }

    @Test("editing one question changes its hash and its quiz's, not its neighbours'")
    func editChangesHash() throws {
        let source = TestFiles.fixtures.appendingPathComponent("Valid")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let before = try #require(CatalogueLoader.load(directory: copy).catalogue)
        let quizFile = copy.appendingPathComponent("security/quizzes/final-exam.yaml")
        let text = try String(contentsOf: quizFile, encoding: .utf8)
        try text.replacingAll("{value: 20, tolerance: 0, weight: 100}", with: "{value: 20, tolerance: 1, weight: 100}")
            .write(to: quizFile, atomically: true, encoding: .utf8)
        let after = try #require(CatalogueLoader.load(directory: copy).catalogue)
        let course = CourseID("info-security")
        #expect(before.question(QuestionID("ogi-days"), in: course)?.contentHash
                != after.question(QuestionID("ogi-days"), in: course)?.contentHash)
        #expect(before.question(QuestionID("law-name"), in: course)?.contentHash
                == after.question(QuestionID("law-name"), in: course)?.contentHash)
        #expect(before.quiz(QuizID("final-exam"), in: course)?.contentHash
                != after.quiz(QuizID("final-exam"), in: course)?.contentHash)
        #expect(before.course(course)?.contentHash != after.course(course)?.contentHash)
        #expect(before.course(CourseID("service-ethics"))?.contentHash == after.course(CourseID("service-ethics"))?.contentHash)
    }

    @Test("a missing directory is one error")
    func missingDirectory() {
        let report = CatalogueLoader.lint(directory: URL(fileURLWithPath: "/nonexistent/courses"))
        #expect(report.diagnostics.map(\.message) == ["course directory not found: /nonexistent/courses"])
    }

    @Test("a file that is not UTF-8 is reported with its first bad line")
    func notUTF8() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("c"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("id: c\ntitle: caf".utf8 + [0xE9] + Data("\n".utf8))
            .write(to: directory.appendingPathComponent("c/course.yaml"))
        let report = CatalogueLoader.lint(directory: directory)
        #expect(report.diagnostics.map(\.description) == [
            "c/course.yaml:2:11: error: the file is not UTF-8 text: the first bad byte is on line 2; save it as UTF-8",
        ])
    }

    @Test("the shipped courses lint clean")
    func shippedCourses() {
        let courses = TestFiles.repository.appendingPathComponent("Courses")
        let report = CatalogueLoader.lint(directory: courses)
        #expect(report.diagnostics.map(\.description) == [])
        #expect(report.filesChecked > 0)
    }
}
