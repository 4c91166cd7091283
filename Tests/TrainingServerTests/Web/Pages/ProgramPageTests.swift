import Assessment
import Curriculum
import Testing
@testable import TrainingServer

@Suite struct ProgramPageTests {
    private func context(_ language: Language) -> PageContext {
        PageContext(language: language, user: nil, csrfToken: "", currentPath: "/programs/egov", strings: .shipped)
    }

    private let titles: [CourseID: LocalizedText] = [
        CourseID("ethics"): LocalizedText(zh: "服务伦理", en: "Public <service> values"),
        CourseID("literacy"): LocalizedText(zh: "信息素养", en: "Digital skills"),
        CourseID("security"): LocalizedText(zh: "信息安全", en: "Protecting data"),
        CourseID("refresher"): LocalizedText(zh: "年度复训", en: "Annual refresher"),
    ]

    @Test func thePageNamesCoursesByTitleAndStatesValidityAndRenewal() {
        let achievement = ProgramAchievement(program: CertificationFixture.program(), courseTitles: titles)
        let html = ProgramPage.render(achievement, context: context(.en), stylesheet: "/s.css").rendered
        #expect(html.contains("<li>Public &lt;service&gt; values</li>"))
        #expect(!html.contains("<service>"))
        #expect(html.contains("A certificate is valid for 730 days"))
        #expect(html.contains("It can be renewed in the 90 days before it expires."))
        #expect(html.contains("To renew, pass: Annual refresher."))
        #expect(html.contains("the final exam of any 1 of: Public &lt;service&gt; values, Digital skills."))
        #expect(html.contains("from the previous expiry date"))
        #expect(!html.contains("<script"))
        #expect(html.utf8.count < 50 * 1024)
    }

    @Test func withoutARecertificationRuleRenewalMeansEveryCourseAgain() {
        let program = CertificationFixture.program(base: .completion, recertification: nil)
        let html = ProgramPage.render(ProgramAchievement(program: program, courseTitles: titles), context: context(.zh),
                                      stylesheet: "/s.css").rendered
        #expect(html.contains("续证须重新完成全部课程。"))
        #expect(html.contains("从完成续证之日起算"))
        #expect(html.contains("服务伦理、信息素养、信息安全"))
    }

    @Test func theIndexLinksEveryProgramme() {
        let html = ProgramPage.renderIndex([CertificationFixture.program()], context: context(.en), stylesheet: "/s.css")
            .rendered
        #expect(html.contains(#"<a href="/programs/egov">eGov</a>"#))
    }
}
