import Foundation

/// The profile page's calendar feed section: make an address, reset it (the old one stops working) or turn the
/// feed off. The address itself is shown once, when it is made (`CalendarFeedCreatedPage`).
public enum ProfileCalendarSection {
    public static func render(_ feed: CalendarFeedRecord?, context: PageContext) -> HTML {
        let state: HTML
        let actions: HTML
        if let feed {
            let used = feed.lastUsedAt.map { context.t("calendar.profile.last_used", ["time": context.dateTime($0)]) }
                ?? context.t("calendar.profile.never_used")
            state = """
                <p>\(context.t("calendar.profile.active", ["time": context.dateTime(feed.createdAt)])) \(used)</p>
                <p class="hint">\(context.t("calendar.profile.lost"))</p>
                """
            actions = """
                <form method="post" action="/profile/calendar" class="form">\(Components.csrf(context))\
                <button type="submit" class="button button-secondary">\(context.t("calendar.profile.reset"))</button></form>
                <form method="post" action="/profile/calendar/remove" class="form">\(Components.csrf(context))\
                <button type="submit" class="button button-secondary">\(context.t("calendar.profile.remove"))</button></form>
                """
        } else {
            state = "<p>\(context.t("calendar.profile.none"))</p>"
            actions = """
                <form method="post" action="/profile/calendar" class="form">\(Components.csrf(context))\
                <button type="submit" class="button button-secondary">\(context.t("calendar.profile.create"))</button></form>
                """
        }
        return """
            <section id="calendar" aria-labelledby="calendar-title">
            <h2 id="calendar-title">\(context.t("calendar.profile.title"))</h2>
            <p>\(context.t("calendar.profile.intro"))</p>
            \(state)
            \(actions)
            </section>
            """
    }
}

/// The new feed address, shown this once.
public enum CalendarFeedCreatedPage {
    public static func render(address: String, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("calendar.created.title")
        let subscribe = address.hasPrefix("https://") ? "webcal://" + address.dropFirst("https://".count)
            : address.hasPrefix("http://") ? "webcal://" + address.dropFirst("http://".count) : address
        let body: HTML = """
            <h1>\(title)</h1>
            <div class="notice" role="status"><p>\(context.t("calendar.created.shown_once"))</p></div>
            <div class="field">
            <label for="calendar-address">\(context.t("calendar.created.address"))</label>
            <p class="hint" id="calendar-address-hint">\(context.t("calendar.created.hint"))</p>
            <input type="text" id="calendar-address" value="\(address)" readonly autocomplete="off" spellcheck="false" \
            aria-describedby="calendar-address-hint">
            </div>
            <p><a href="\(subscribe)">\(context.t("calendar.created.open"))</a></p>
            <p>\(context.t("calendar.created.private"))</p>
            <p><a class="button" href="/profile#calendar">\(context.t("calendar.created.back"))</a></p>
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, body: body)
    }
}
