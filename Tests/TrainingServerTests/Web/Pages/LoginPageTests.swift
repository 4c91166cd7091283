import Assessment
import Testing
@testable import TrainingServer

@Suite struct LoginPageTests {
    private func render(login: String = "", next: String = "/", error: String? = nil, language: Language = .en,
                        settings: PlatformSettings = PlatformSettings()) -> String {
        let context = PageContext(language: language, user: nil, csrfToken: "csrf-123", currentPath: "/login",
                                  strings: .shipped, settings: settings)
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

    @Test func aForgottenPasswordHasALink() {
        #expect(render(language: .zh).contains("<a href=\"/password/forgot\">忘记密码？</a>"))
        #expect(render(language: .en).contains("<a href=\"/password/forgot\">Forgot password?</a>"))
    }

    @Test func theHelpContactIsShownWhenSet() {
        #expect(!render().contains("help-contact"))
        let help = HelpContactSettings(phone: "+86 10 1234-5678", email: "help@example.gov.cn",
                                       office: LocalizedText(zh: "305 室", en: "Room <305>"))
        let html = render(settings: PlatformSettings(help: help))
        #expect(html.contains("<h2 id=\"help-contact-title\">Need help?</h2>"))
        #expect(html.contains("<a href=\"tel:+861012345678\">+86 10 1234-5678</a>"))
        #expect(html.contains("<a href=\"mailto:help@example.gov.cn\">help@example.gov.cn</a>"))
        #expect(html.contains("<dd>Room &lt;305&gt;</dd>"))
        #expect(render(language: .zh, settings: PlatformSettings(help: help)).contains("<dd>305 室</dd>"))
    }
}
