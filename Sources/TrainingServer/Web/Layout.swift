import Assessment
import Foundation

/// What every page needs from the request to draw its frame.
public struct PageContext: Sendable {
    public var language: Language
    public var user: User?
    public var csrfToken: String
    /// The current path with its query, for the language switch's return address.
    public var currentPath: String
    public var strings: Localization
    /// The zone dates and times are shown in: the person's own choice, else the server's.
    public var timeZone: TimeZone
    /// The platform's identity (organisation name, logo, accent colour, issuer, help contact) in force.
    public var settings: PlatformSettings

    public init(language: Language, user: User?, csrfToken: String, currentPath: String, strings: Localization,
                timeZone: TimeZone = StudyCalendar.defaultTimeZone, settings: PlatformSettings = PlatformSettings()) {
        self.language = language
        self.user = user
        self.csrfToken = csrfToken
        self.currentPath = currentPath
        self.strings = strings
        self.timeZone = timeZone
        self.settings = settings
    }

    /// The UI string for `key` in the page's language.
    public func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        strings.text(key, language, arguments)
    }

    /// The day `seconds` (since 1970) falls on in the viewer's zone: 2026年12月6日 / 6 December 2026.
    public func date(_ seconds: Double) -> String { strings.date(seconds, language, timeZone: timeZone) }

    /// The time of day in the viewer's zone: 21:05.
    public func time(_ seconds: Double) -> String { strings.time(seconds, timeZone: timeZone) }

    /// Date and time in the viewer's zone, with the zone's name: 2026年12月6日 21:05（北京时间）.
    public func dateTime(_ seconds: Double) -> String {
        t("time.date_time", ["date": date(seconds), "time": time(seconds), "zone": zoneName(at: seconds)])
    }

    /// The name of the viewer's zone at `seconds` (standard or summer time), in the page's language.
    public func zoneName(at seconds: Double) -> String { strings.zoneName(timeZone, at: seconds, language) }
}

/// How wide a page's content may grow: a reading column for text and forms, the screen's width (up to about
/// 80 rem) for data pages whose tables need it (HR, trainer and administration pages).
public enum PageWidth: Sendable {
    case reading
    case wide
}

/// The frame around every page: skip link, header with the organisation's logo and name (when set) beside the
/// product name, person, language switch and sign-out, then the page's main content. The stylesheet, and the
/// theme stylesheet when an accent colour other than the shipped one is chosen; no inline script or style.
public enum Layout {
    /// The organisation's logo and name (as set at `/admin/settings`) before the product name.
    static func brand(_ context: PageContext) -> HTML {
        let name = context.settings.organisationName(context.language)
        let logo: HTML = context.settings.logo.map { image in
            let alt = name.map { context.t("layout.logo_alt", ["name": $0]) } ?? context.t("layout.logo_alt_unnamed")
            return "<img class=\"brand-logo\" src=\"\(image.url)\" alt=\"\(alt)\">"
        } ?? .empty
        let organisation: HTML = name.map { "<span class=\"organisation\">\($0)</span>" } ?? .empty
        return """
            <div class="brand">\(logo)\(organisation)<a class="product" href="/">\(context.t("product.name"))</a></div>
            """
    }

    /// The theme stylesheet's link when the accent colour is not the shipped one.
    static func theme(_ context: PageContext) -> HTML {
        let accent = context.settings.accent
        guard accent != .standard else { return .empty }
        return "\n<link rel=\"stylesheet\" href=\"\(accent.stylesheetURL)\">"
    }

    /// The whole page: `head`, then `body`, then `tail`.
    public static func page(title: String, context: PageContext, stylesheet: String, scripts: [String] = [],
                            width: PageWidth = .reading, body: HTML) -> HTML {
        let head = self.head(title: title, context: context, stylesheet: stylesheet, scripts: scripts, width: width)
        var text = head.rendered
        text.reserveCapacity(text.utf8.count + body.rendered.utf8.count + tail.rendered.utf8.count)
        text += body.rendered
        text += tail.rendered
        return HTML(trusted: text)
    }

    /// What follows a page's main content.
    public static let tail: HTML = "\n</main>\n</body>\n</html>"
    /// `tail` as a kept part.
    static let keptTail = KeptHTML(tail)

    /// Everything before the page's main content, up to and with the opening `<main>` tag and its line break. The
    /// parts that depend only on the language, the platform's identity, the stylesheet, the scripts and the width are
    /// built once and kept (see `FrameParts`); the title, the return address, the account and the navigation are
    /// written for each page.
    public static func head(title: String, context: PageContext, stylesheet: String, scripts: [String] = [],
                            width: PageWidth = .reading) -> HTML {
        let (parts, next, end) = frame(context: context, stylesheet: stylesheet, scripts: scripts, width: width)
        let escapedTitle = HTML.escape(title)
        let kept = parts.beforeTitle.deflated.count + parts.afterTitle.deflated.count + parts.afterNext.deflated.count
        var text = ""
        text.reserveCapacity(kept + escapedTitle.utf8.count + next.utf8.count + end.utf8.count)
        text += parts.beforeTitle.html.rendered
        text += escapedTitle
        text += parts.afterTitle.html.rendered
        text += next
        text += parts.afterNext.html.rendered
        text += end
        return HTML(trusted: text)
    }

    /// What `head` gives, written into `page`: the frame's fixed parts as kept parts, the title, the return address,
    /// the account and the navigation as written for this page.
    static func head(into page: inout PageWriter, title: String, context: PageContext, stylesheet: String,
                     scripts: [String] = [], width: PageWidth = .reading) {
        let (parts, next, end) = frame(context: context, stylesheet: stylesheet, scripts: scripts, width: width)
        page.append(parts.beforeTitle)
        page.append(HTML.escape(title))
        page.append(parts.afterTitle)
        page.append(next)
        page.append(parts.afterNext)
        page.append(end)
    }

    /// The frame's fixed parts, the language switch's return address, and what follows the language navigation
    /// (the account, the navigation and the opening `<main>` tag), for one page.
    private static func frame(context: PageContext, stylesheet: String, scripts: [String],
                              width: PageWidth) -> (parts: FrameParts, next: String, end: String) {
        let parts = context.strings.memo.frame(FrameKey(language: context.language, settings: context.settings,
                                                        stylesheet: stylesheet, scripts: scripts, width: width)) {
            FrameParts(context: context, stylesheet: stylesheet, scripts: scripts, width: width)
        }
        let next = PercentDecoding.encode(context.currentPath)
        let account: HTML
        if let user = context.user {
            // The unread count comes with the session's user (kept on the users row by triggers): no query here.
            let unread = user.unreadNotices
            let count: HTML = unread > 0 ? "<span aria-hidden=\"true\"> (\(unread))</span>" : .empty
            let spoken = unread > 0 ? context.t("notices.header.unread", ["count": String(unread)]) : parts.noticesNone
            account = """
                <p class="account">\(context.t("nav.signed_in_as", ["name": user.displayName]))</p>
                <a class="notices-link" href="/notices">\(parts.noticesLink)\(count)\
                <span class="visually-hidden">\(spoken)</span></a>
                <form class="signout" method="post" action="/logout">\
                <input type="hidden" name="csrf_token" value="\(context.csrfToken)">\
                <button type="submit" class="link-button">\(parts.signout)</button></form>
                """
        } else {
            account = .empty
        }
        let navigation = context.user == nil ? HTML.empty
            : Components.mainNavigation(context, current: String(Self.beforeQuery(context.currentPath)))
        var end = account.rendered
        end.reserveCapacity(end.utf8.count + navigation.rendered.utf8.count + 60)
        end += "\n</div>\n</header>\n"
        end += navigation.rendered
        end += "\n<main id=\"main\" tabindex=\"-1\">\n"
        return (parts, next, end)
    }

    /// The path's first non-empty piece between question marks (what `split(separator: "?").first` gives, "/" for
    /// none), found on its bytes ("?" is ASCII, so the piece is whole characters) without the array of pieces that
    /// splitting makes, or the grapheme breaking of a search by `Character`, on every page.
    static func beforeQuery(_ path: String) -> Substring {
        let bytes = path.utf8
        let question = UInt8(ascii: "?")
        var start = bytes.startIndex
        while start < bytes.endIndex, bytes[start] == question { start = bytes.index(after: start) }
        guard start < bytes.endIndex else { return "/" }
        return path[start..<(bytes[start...].firstIndex(of: question) ?? bytes.endIndex)]
    }

    /// What tells one page frame's fixed parts from another's.
    struct FrameKey: Equatable, Sendable {
        var language: Language
        var settings: PlatformSettings
        var stylesheet: String
        var scripts: [String]
        var width: PageWidth
    }

    /// The parts of the frame that are the same for every page of one `FrameKey`, and the strings of the account
    /// block that do not change.
    struct FrameParts: Sendable {
        /// From `<!DOCTYPE html>` to `<title>`.
        let beforeTitle: KeptHTML
        /// From the product name after the title to the language switch's `?next=`.
        let afterTitle: KeptHTML
        /// From the end of the return address to the end of the language navigation.
        let afterNext: KeptHTML
        let noticesLink: String
        let noticesNone: String
        let signout: String

        init(context: PageContext, stylesheet: String, scripts: [String], width: PageWidth) {
            let lang = context.language.rawValue
            let other: Language = context.language == .zh ? .en : .zh
            let scriptTags = HTML.join(scripts.map { src in "<script src=\"\(src)\" defer></script>" })
            let switchLabel = other == .zh ? "中文" : "English"
            let bodyClass: HTML = width == .wide ? " class=\"wide\"" : .empty
            beforeTitle = KeptHTML("""
                <!DOCTYPE html>
                <html lang="\(lang == "zh" ? "zh-CN" : "en")">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>
                """)
            afterTitle = KeptHTML("""
                 · \(context.t("product.name"))</title>
                <link rel="stylesheet" href="\(stylesheet)">\(theme(context))
                \(scriptTags)
                </head>
                <body\(bodyClass)>
                <a class="skip-link" href="#main">\(context.t("nav.skip"))</a>
                <header class="site-header">
                <div class="header-inner">
                \(brand(context))
                <nav class="header-nav" aria-label="\(context.t("nav.language"))">
                <a href="/language/\(other.rawValue)?next=
                """)
            afterNext = KeptHTML("""
                " lang="\(other == .zh ? "zh-CN" : "en")" \
                hreflang="\(other == .zh ? "zh-CN" : "en")">\(switchLabel)</a>
                </nav>

                """)
            noticesLink = context.t("notices.header.link")
            noticesNone = context.t("notices.header.none")
            signout = context.t("nav.signout")
        }
    }
}
