import Assessment
import Testing
@testable import TrainingServer

@Suite struct LoginPageTests {
    private func render(login: String = "", next: String = "/", error: String? = nil, language: Language = .en) -> String {
        let context = PageContext(language: language, user: nil, csrfToken: "csrf-123", currentPath: "/login",
                                  strings: .shipped)
        return LoginPage.render(context: context, stylesheet: "/s.css", login: login, next: next, error: error).rendered
    }

    @Test func theFormCarriesTheTokenAndTheReturnAddress() {
        let html = render(next: "/courses/1")
        #expect(html.contains("<form method=\"post\" action=\"/login\""))
        #expect(html.contains("<input type=\"hidden\" name=\"csrf_token\" value=\"csrf-123\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"next\" value=\"/courses/1\">"))
        #expect(html.contains("autocomplete=\"current-password\""))
        #expect(!html.contains("error-summary"))
        #expect(!html.contains("aria-invalid"))
    }

    @Test func whatTheVisitorTypedIsEscaped() {
        let html = render(login: "\"><script>x()</script>", next: "/\"onmouseover=\"x()")
        #expect(html.contains("value=\"&quot;&gt;&lt;script&gt;x()&lt;/script&gt;\""))
        #expect(html.contains("value=\"/&quot;onmouseover=&quot;x()\""))
        #expect(!html.contains("<script>"))
    }

    @Test func anErrorIsSummarisedAndMarkedOnTheField() {
        let html = render(login: "li", error: "The login or password is incorrect")
        #expect(html.contains("role=\"alert\""))
        #expect(html.contains("<a href=\"#login\">The login or password is incorrect</a>"))
        #expect(html.contains("<p class=\"field-error\" id=\"login-error\">The login or password is incorrect</p>"))
        #expect(html.contains("aria-describedby=\"login-error\" aria-invalid=\"true\""))
        #expect(html.contains("class=\"field field-invalid\""))
    }

    @Test func theLabelsFollowTheLanguage() {
        #expect(render(language: .zh).contains("<label for=\"login\">登录名</label>"))
        #expect(render(language: .en).contains("<label for=\"login\">Login</label>"))
    }
}
