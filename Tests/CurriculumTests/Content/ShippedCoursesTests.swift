import Foundation
import Testing
@testable import Curriculum

/// The courses the platform ships with: complete in both languages, with objectives, a scenario and practice
/// questions per module, and final exams that draw from 30 or more explained, tagged questions.
@Suite("Shipped courses")
struct ShippedCoursesTests {
    static let catalogue: Catalogue? = CatalogueLoader.load(directory: TestFiles.repository.appendingPathComponent("Courses")).catalogue

    static let mainCourses = ["service-ethics", "info-literacy", "info-security"]

    @Test func theyLoadWithoutErrorsOrWarnings() throws {
        let report = CatalogueLoader.lint(directory: TestFiles.repository.appendingPathComponent("Courses"))
        #expect(report.diagnostics.isEmpty, "\(report.formattedText)")
        #expect(Self.catalogue != nil)
    }

    @Test(arguments: mainCourses + ["info-security-refresher"])
    func everyModuleIsCompleteInBothLanguages(_ id: String) throws {
        let course = try #require(Self.catalogue?.course(CourseID(id)))
        #expect(course.title.has(.zh) && course.title.has(.en))
        for module in course.modules {
            for (language, text, heading) in [(Language.zh, module.zh, "## 情景案例"), (.en, module.en, "## Scenario")] {
                let text = try #require(text, "\(id)/\(module.id) has no \(language) text")
                #expect(text.objectives.count >= 3, "\(id)/\(module.id).\(language): objectives")
                #expect(!text.summary.isEmpty, "\(id)/\(module.id).\(language): summary")
                #expect(text.body.contains(heading), "\(id)/\(module.id).\(language): a scenario section")
            }
            let chinese = module.zh!.body.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) }.count
            #expect(chinese >= 700, "\(id)/\(module.id): \(chinese) Han characters of explanation")
            #expect(module.minutes > 0 && module.hours > 0)
            let practice = try #require(course.quiz(QuizID("practice-\(module.id.rawValue)")), "\(id)/\(module.id): practice quiz")
            #expect(practice.behaviour == .immediateFeedback)
            #expect(practice.allQuestions.count >= 5)
        }
    }

    @Test(arguments: mainCourses)
    func finalExamsDrawFromLargeExplainedTaggedPools(_ id: String) throws {
        let course = try #require(Self.catalogue?.course(CourseID(id)))
        let exam = try #require(course.completionQuiz)
        #expect(exam.behaviour == .deferredFeedback)
        #expect(abs(exam.passMark - 0.8) < 0.0001)
        #expect(exam.timeLimit != nil)
        #expect(exam.maxAttempts == 3)
        let pool = try #require(exam.pools.first)
        #expect(pool.questions.count >= 30)
        #expect((15...20).contains(pool.draw ?? 0))
        let kinds = Set(pool.questions.map(\.kind.name)) .union(course.quizzes.flatMap(\.allQuestions).map(\.kind.name))
        #expect(kinds == ["single", "multiple", "truefalse", "short", "numeric", "matching"])
        for question in pool.questions {
            #expect(question.explanation?.has(.zh) == true && question.explanation?.has(.en) == true, "\(question.id)")
            #expect(question.tags.contains { $0.hasPrefix("module:") }, "\(question.id) has a module tag")
        }
    }

    @Test func theProgrammeRequiresTheThreeCoursesAndRenewsWithTheRefresher() throws {
        let program = try #require(Self.catalogue?.program(ProgramID("egov-competence")))
        #expect(program.courses.map(\.rawValue) == Self.mainCourses)
        #expect(program.validityDays == 730)
        #expect(program.renewalWindowDays == 90)
        let path = try #require(program.recertification)
        #expect(path.courses.map(\.rawValue) == ["info-security-refresher"])
        #expect(path.choose == 1)
        #expect(Set(path.from.map(\.rawValue)) == ["service-ethics", "info-literacy"])
    }

    /// Learners who know the answer and type it naturally, in Chinese or English, are marked right; likely
    /// wrong answers get their feedback.
    @Test(arguments: [
        ("service-ethics", "fe-pf-revision-year", ["2018", "2018年", "２０１８", "二〇一八年", "两千零一十八年"], 1.0),
        ("service-ethics", "fe-pf-oecd-count", ["12", "12项", "十二项", "12 recommendations"], 1.0),
        ("service-ethics", "fe-pf-citizen-driven", ["由公民驱动", "公民驱动型", "citizen-driven approach", "Citizen driven", "公民驱动"], 1.0),
        ("service-ethics", "fe-pf-citizen-driven", ["以公民为中心", "citizen-centric approach"], 0.0),
        ("service-ethics", "fe-rl-requirement-count", ["6", "6项", "六项", "六项基本要求", "6 requirements"], 1.0),
        ("service-ethics", "fe-og-proactive-days", ["20", "20个工作日", "20 个工作日", "二十个工作日", "20 working days"], 1.0),
        ("service-ethics", "fe-og-longest-reply", ["40", "40个工作日", "四十个工作日", "40 working days"], 1.0),
        ("service-ethics", "og-reply-days", ["20个工作日", "二十"], 1.0),
        ("service-ethics", "rl-outline-year", ["2004", "2004年", "二〇〇四年"], 1.0),
        ("service-ethics", "pf-full-coverage-year", ["2020", "2020年底", "2020年", "by the end of 2020"], 1.0),
        ("service-ethics", "fe-ac-legal-remedy", ["申请行政复议", "行政复议或者行政诉讼", "administrative review"], 1.0),
        ("service-ethics", "fe-og-partial-disclosure", ["区分处理", "部分公开", "partial disclosure"], 1.0),
        ("info-literacy", "fe-csl-name", ["网络安全法", "《网络安全法》", "网络安全法（2025年修正）", "《中华人民共和国网络安全法》（2025年修正）",
                                          "Cybersecurity Law", "the Cybersecurity Law of the People's Republic of China"], 1.0),
        ("info-literacy", "fe-csl-name", ["数据安全法"], 0.0),
        ("info-literacy", "fe-ogi-extension-days", ["20", "20个工作日", "二十个工作日"], 1.0),
        ("info-literacy", "fe-one-network-year", ["2022", "2022年", "2022年底", "2022年底前", "二〇二二年"], 1.0),
        ("info-literacy", "fe-older-penetration", ["52", "52%", "52.0%", "百分之五十二", "约52%"], 1.0),
        ("info-literacy", "fe-accessibility-law-name", ["无障碍环境建设法", "《中华人民共和国无障碍环境建设法》"], 1.0),
        ("info-literacy", "pds-dsl-outsourcing", ["40", "第40条", "第四十条", "Article 40"], 1.0),
        ("info-literacy", "pos-order-number", ["716", "第716号", "国务院令第716号", "No. 716"], 1.0),
        ("info-literacy", "pfi-ogi-name", ["《政府信息公开条例》", "中华人民共和国政府信息公开条例", "Regulations on Open Government Information"], 1.0),
        ("info-security", "ph-e-clicker-report", ["11", "11%", "１１％", "百分之十一"], 1.0),
        ("info-security", "ns-p-article-31", ["31", "第31条", "第 31 条", "31条", "第三十一条", "三十一条", "Art. 31", "Article 31"], 1.0),
        ("info-security", "ns-p-article-31", ["24", "第二十四条"], 0.0),
        ("info-security", "lf-p-law-name", ["网络安全法", "《网络安全法》（2025年修正）", "Cyber Security Law"], 1.0),
        ("info-security", "pi-p-lowest-level", ["一般", "一般级", "Ⅳ级", "IV级", "一般事件", "general", "level IV"], 1.0),
        ("info-security", "pi-p-lowest-level", ["较大", "Ⅲ级"], 0.0),
        ("info-security", "ph-p-hotline", ["12387"], 1.0),
        ("info-security", "pw-e-rev4-min", ["15", "15个字符", "十五位", "15 characters"], 1.0),
        ("info-security", "pi-e-cii-deadline", ["1", "1小时", "一小时", "1 hour"], 1.0),
        ("info-security", "pi-e-law-name", ["个人信息保护法", "《个人信息保护法》", "PIPL"], 1.0),
        ("info-security-refresher", "rf-fx-secrets-article", ["31", "第31条", "三十一条", "Art. 31"], 1.0),
        ("info-security-refresher", "rf-fx-graded-article", ["23", "第23条", "第二十三条"], 1.0),
        ("info-security-refresher", "rf-fx-human-share", ["68", "68%", "百分之六十八"], 1.0),
        ("info-security-refresher", "rf-wn-p-central-hours", ["2", "2小时", "两小时", "2 hours"], 1.0),
        ("info-security-refresher", "rf-sh-p-minor-age", ["14", "14周岁", "十四岁", "不满十四周岁"], 1.0),
    ] as [(String, String, [String], Double)])
    func typedAnswersAsPeopleTypeThem(course: String, id: String, typed: [String], fraction: Double) throws {
        let question = try #require(Self.catalogue?.course(CourseID(course))?.question(QuestionID(id))?.question, "\(id)")
        for text in typed {
            let grade = Grader.grade(question: question, response: .text(text))
            #expect(grade.fraction == fraction && grade.isGradable, "\(id): \(text)")
            if fraction == 0 { #expect(!question.feedbackTexts(for: grade).isEmpty, "\(id): \(text) gets feedback") }
        }
    }
}

/// Emphasis in the shipped modules renders as emphasis: no `*`, `**`, `_` or `__` is left as literal text.
@Suite("Shipped module emphasis")
struct ShippedModuleEmphasisTests {
    @Test(arguments: ShippedCoursesTests.mainCourses + ["info-security-refresher"])
    func noLiteralEmphasisMarkers(_ id: String) throws {
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID(id)))
        let renderer = MarkdownRenderer(mediaURLPrefix: "/media/\(id)/")
        for module in course.modules {
            for text in [module.zh, module.en].compactMap({ $0 }) {
                #expect(MarkdownRenderer.inspect(text.body).issues.isEmpty, "\(id)/\(module.id)")
                var html = renderer.render(text.body).html
                while let open = html.range(of: "<code"), let close = html.range(of: "</code>", range: open.upperBound..<html.endIndex) {
                    html.removeSubrange(open.lowerBound..<close.upperBound)
                }
                #expect(!html.contains("**") && !html.contains("__"), "\(id)/\(module.id): \(html)")
            }
        }
    }

    @Test func boldNextToChinesePunctuationRendersAsBold() throws {
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID("info-security")))
        let renderer = MarkdownRenderer(mediaURLPrefix: "/media/info-security/")
        let phishing = try #require(course.modules.first { $0.id == ModuleID("phishing") }?.zh)
        #expect(renderer.render(phishing.body).html.contains("<strong>68%</strong>的泄露"))
        let passwords = try #require(course.modules.first { $0.id == ModuleID("passwords-mfa") }?.zh)
        #expect(renderer.render(passwords.body).html.contains("<strong>第4版（SP 800-63B-4）</strong>进一步"))
    }
}
