import Assessment
import Foundation
import Testing
@testable import TrainingServer

@Suite struct LayoutTests {
    private func context(_ language: Language, user: User? = nil, path: String = "/courses?x=1&y=<2>") -> PageContext {
        PageContext(language: language, user: user, csrfToken: "tok\"en", currentPath: path, strings: .shipped)
    }

    private let user = User(id: UserID(rawValue: 1), login: "li", displayName: "<李明>", employeeNumber: nil,
                            departmentID: DepartmentID(rawValue: 1), disabled: false, language: nil,
                            accommodationFactor: 1, grants: [])

    @Test func theFrameNamesTheLanguageAndOffersTheOther() {
        let zh = Layout.page(title: "标题<", context: context(.zh), stylesheet: "/assets/style.css?v=1", body: "<p>正文</p>").rendered
        #expect(zh.hasPrefix("<!DOCTYPE html>"))
        #expect(zh.contains("<html lang=\"zh-CN\">"))
        #expect(zh.contains("<title>标题&lt; · 公务员学院</title>"))
        #expect(zh.contains("<link rel=\"stylesheet\" href=\"/assets/style.css?v=1\">"))
        #expect(zh.contains("href=\"/language/en?next=%2Fcourses%3Fx%3D1%26y%3D%3C2%3E\""))
        #expect(zh.contains("<main id=\"main\" tabindex=\"-1\">\n<p>正文</p>\n</main>"))
        #expect(zh.contains("<a class=\"skip-link\" href=\"#main\">跳到主要内容</a>"))
        #expect(!zh.contains("<script"))

        let en = Layout.page(title: "Title", context: context(.en), stylesheet: "/s.css", body: .empty).rendered
        #expect(en.contains("<html lang=\"en\">"))
        #expect(en.contains("href=\"/language/zh?next="))
        #expect(en.contains(">中文</a>"))
    }

    @Test func theNavigationsCurrentPathIsThePathBeforeItsQuery() {
        for path in ["/", "/courses", "/courses?lang=en", "/?x", "?", "??/courses?a", "", "/a?b?c", "/attempts?"] {
            #expect(Layout.beforeQuery(path) == path.split(separator: "?").first ?? "/", "\(path)")
        }
    }

    @Test func aSignedInPersonSeesTheirEscapedNameAndASignOutFormWithTheToken() {
        let html = Layout.page(title: "t", context: context(.en, user: user), stylesheet: "/s.css", body: .empty).rendered
        #expect(html.contains("Signed in as &lt;李明&gt;"))
        #expect(!html.contains("<李明>"))
        #expect(html.contains("<form class=\"signout\" method=\"post\" action=\"/logout\">"))
        #expect(html.contains("name=\"csrf_token\" value=\"tok&quot;en\""))
        let anonymous = Layout.page(title: "t", context: context(.en), stylesheet: "/s.css", body: .empty).rendered
        #expect(!anonymous.contains("/logout"))
    }

    @Test func theHeaderNamesTheOrganisationWithItsLogoAndLoadsTheThemeOnlyWhenChosen() {
        let plain = Layout.page(title: "t", context: context(.zh), stylesheet: "/s.css", body: .empty).rendered
        #expect(plain.contains("<div class=\"brand\"><a class=\"product\" href=\"/\">公务员学院</a></div>"))
        #expect(!plain.contains("theme.css"))
        var branded = context(.en)
        let logo = BrandImage(digest: String(repeating: "0f", count: 32), format: .png)
        branded.settings = PlatformSettings(organisationName: LocalizedText(zh: "人社厅", en: "HR <Dept>"), logo: logo,
                                            accent: .teal)
        let html = Layout.page(title: "t", context: branded, stylesheet: "/s.css", body: .empty).rendered
        #expect(html.contains("<img class=\"brand-logo\" src=\"\(logo.url)\" alt=\"Logo of HR &lt;Dept&gt;\">"))
        #expect(html.contains("<span class=\"organisation\">HR &lt;Dept&gt;</span><a class=\"product\" href=\"/\">"))
        #expect(html.contains("<link rel=\"stylesheet\" href=\"/s.css\">\n<link rel=\"stylesheet\" href=\"\(AccentColour.teal.stylesheetURL)\">"))
        #expect(!html.contains("style="))
    }

    /// The frame's fixed parts are kept per language, identity, stylesheet, scripts and width: a page drawn after
    /// another with different values of any of them shows its own, never the kept ones of the other.
    @Test func keptFramePartsFollowEveryValueTheyAreBuiltFrom() {
        let strings = Localization(tables: [.zh: ["product.name": "学院", "nav.skip": "跳过", "nav.language": "语言"],
                                            .en: ["product.name": "Academy", "nav.skip": "Skip", "nav.language": "Language"]])
        func page(_ language: Language, settings: PlatformSettings = PlatformSettings(), stylesheet: String = "/s.css",
                  scripts: [String] = [], width: PageWidth = .reading, user: User? = nil, path: String = "/") -> String {
            let context = PageContext(language: language, user: user, csrfToken: "c", currentPath: path, strings: strings,
                                      settings: settings)
            return Layout.page(title: "T", context: context, stylesheet: stylesheet, scripts: scripts, width: width,
                               body: "<p>b</p>").rendered
        }
        for _ in 0..<2 {
            #expect(page(.zh).contains("<title>T · 学院</title>") && page(.en).contains("<title>T · Academy</title>"))
            #expect(page(.zh).contains("<html lang=\"zh-CN\">") && page(.en).contains("<html lang=\"en\">"))
            let named = PlatformSettings(organisationName: LocalizedText(zh: "人社厅", en: "HR"))
            #expect(page(.zh, settings: named).contains("<span class=\"organisation\">人社厅</span>"))
            #expect(!page(.zh).contains("organisation"))
            #expect(page(.en, stylesheet: "/other.css").contains("href=\"/other.css\""))
            #expect(page(.en, scripts: ["/a.js"]).contains("<script src=\"/a.js\" defer></script>"))
            #expect(!page(.en).contains("<script"))
            #expect(page(.en, width: .wide).contains("<body class=\"wide\">") && page(.en).contains("<body>\n"))
            #expect(page(.en, user: user, path: "/courses").contains("<li><a href=\"/courses\" aria-current=\"page\">"))
            #expect(!page(.en, user: user, path: "/attempts").contains("<li><a href=\"/courses\" aria-current"))
        }
    }

    /// `page` is `head`, the body and `tail`, in that order.
    @Test func aPageIsItsHeadItsBodyAndItsTail() {
        let context = context(.en, user: user)
        let body: HTML = "<p>body</p>"
        let page = Layout.page(title: "t<", context: context, stylesheet: "/s.css", scripts: ["/a.js"], body: body)
        let head = Layout.head(title: "t<", context: context, stylesheet: "/s.css", scripts: ["/a.js"])
        #expect(page.rendered == head.rendered + body.rendered + Layout.tail.rendered)
        #expect(head.rendered.hasSuffix("<main id=\"main\" tabindex=\"-1\">\n"))
        #expect(Layout.tail.rendered == "\n</main>\n</body>\n</html>")
    }

    @Test func scriptsAreDeferredTags() {
        let html = Layout.page(title: "t", context: context(.en), stylesheet: "/s.css", scripts: ["/assets/a.js"],
                               body: .empty).rendered
        #expect(html.contains("<script src=\"/assets/a.js\" defer></script>"))
    }
}

/// Dates and times in the viewer's time zone, with the zone's name.
@Suite struct PageContextTimeTests {
    private func context(_ language: Language, _ zone: String) -> PageContext {
        PageContext(language: language, user: nil, csrfToken: "", currentPath: "/", strings: .shipped,
                    timeZone: TimeZone(identifier: zone)!)
    }

    /// 2026-12-06 13:05 UTC.
    private let instant = 1_796_562_300.0

    @Test func chinaStandardTimeIsBeijingTime() {
        #expect(context(.zh, "Asia/Shanghai").dateTime(instant) == "2026年12月6日 21:05（北京时间）")
        #expect(context(.en, "Asia/Shanghai").dateTime(instant) == "6 December 2026 21:05 (China Standard Time)")
        #expect(Components.dateTime(instant, context(.en, "Asia/Shanghai")) == "6 December 2026 21:05 (China Standard Time)")
    }

    @Test func otherZonesUseFoundationsNamesForStandardAndSummerTime() {
        #expect(context(.en, "America/New_York").dateTime(instant) == "6 December 2026 08:05 (Eastern Standard Time)")
        #expect(context(.zh, "Asia/Tokyo").dateTime(instant) == "2026年12月6日 22:05（日本标准时间）")
        // 2026-07-01 10:00 UTC: summer in Berlin.
        #expect(context(.en, "Europe/Berlin").dateTime(1_782_900_000) == "1 July 2026 12:00 (Central European Summer Time)")
    }

    @Test func datesAreTheViewersDay() {
        // 2026-12-06 20:00 UTC is 7 December in Shanghai, still 6 December in New York.
        let evening = 1_796_587_200.0
        #expect(context(.zh, "Asia/Shanghai").date(evening) == "2026年12月7日")
        #expect(context(.en, "America/New_York").date(evening) == "6 December 2026")
        #expect(context(.en, "America/New_York").time(evening) == "15:00")
    }

    @Test func theDefaultIsThePlatformsZone() {
        let context = PageContext(language: .zh, user: nil, csrfToken: "", currentPath: "/", strings: .shipped)
        #expect(context.timeZone.identifier == "Asia/Shanghai")
    }
}
