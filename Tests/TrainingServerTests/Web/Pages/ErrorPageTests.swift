import Assessment
import Testing
@testable import TrainingServer

@Suite struct ErrorPageTests {
    private let context = PageContext(language: .en, user: nil, csrfToken: "", currentPath: "/x", strings: .shipped)

    @Test func saysWhatHappenedForTheStatus() {
        #expect(ErrorPage.render(status: 404, requestID: "r1", context: context, stylesheet: "/s.css").rendered
            .contains("<p>This page does not exist.</p>"))
        #expect(ErrorPage.render(status: 403, requestID: "r1", context: context, stylesheet: "/s.css").rendered
            .contains("the form has expired"))
    }

    @Test func aServerErrorShowsTheRequestIDEscaped() {
        let html = ErrorPage.render(status: 500, requestID: "ab<c>", context: context, stylesheet: "/s.css").rendered
        #expect(html.contains("ab&lt;c&gt;"))
        #expect(!html.contains("ab<c>"))
    }

    @Test func aStatusWithoutItsOwnTextFallsBackToTheGenericOne() {
        let html = ErrorPage.render(status: 418, requestID: "r", context: context, stylesheet: "/s.css").rendered
        #expect(html.contains("<p>The request was not valid.</p>"))
        #expect(!html.contains("error.418"))
    }

    @Test func theHelpContactIsShownWhenSet() {
        var context = self.context
        #expect(!ErrorPage.render(status: 500, requestID: "r", context: context, stylesheet: "/s.css").rendered
            .contains("help-contact"))
        context.settings = PlatformSettings(help: HelpContactSettings(email: "help@example.gov.cn"))
        let html = ErrorPage.render(status: 500, requestID: "r", context: context, stylesheet: "/s.css").rendered
        #expect(html.contains("If the problem persists, contact:"))
        #expect(html.contains("mailto:help@example.gov.cn"))
        #expect(!html.contains("<dt>Phone</dt>"))
    }
}
