import Foundation

/// The private calendar feed: `/calendar/<token>.ics` for calendar clients (no session: the address is the
/// secret), and making, resetting or turning off one's own address from the profile page.
struct CalendarController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/calendar/:feed") { request in try feed(request) }
        router.post("/profile/calendar") { request in
            let user = try context.requireUser(request)
            let address = try context.calendarFeeds.reset(for: user)
            var response = Response.html(CalendarFeedCreatedPage.render(address: address, context: context.page(request),
                                                                        stylesheet: context.stylesheet).rendered)
            // Shown once: nothing may keep a copy.
            response.headers.add("Cache-Control", "no-store")
            return response
        }
        router.post("/profile/calendar/remove") { request in
            let user = try context.requireUser(request)
            try context.calendarFeeds.feeds.remove(userID: user.id, by: AuditActor(user))
            return Response.redirect(to: "/profile?notice=calendar-off#calendar")
        }
    }

    private func feed(_ request: Request) throws -> Response {
        let name: String = try request.parameter("feed")
        let service = context.calendarFeeds
        guard name.hasSuffix(".ics"), let user = try service.owner(token: String(name.dropLast(4))) else {
            throw HTTPError.notFound
        }
        let body = Array(try service.document(for: user).text.utf8)
        let tag = "\"\(Tokens.digest(String(decoding: body, as: UTF8.self)).prefix(32))\""
        var headers = HTTPHeaders([("Cache-Control", "private, max-age=\(CalendarFeedService.maxAge)"), ("ETag", tag),
                                   ("X-Robots-Tag", "noindex")])
        if let match = request.headers["If-None-Match"],
           match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag || $0 == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        headers.add("Content-Type", "text/calendar; charset=utf-8")
        headers.add("Content-Disposition", "inline; filename=\"training.ics\"")
        return Response(status: .ok, headers: headers, body: .bytes(body))
    }
}

extension ControllerContext {
    /// Calendar feeds on this server's store, catalogue, time zone and address.
    var calendarFeeds: CalendarFeedService {
        let catalogue = self.catalogue
        return CalendarFeedService(feeds: storage.calendarFeeds,
                                   certificates: certificationRepository, catalogue: { catalogue.catalogue },
                                   calendar: PlanCalendar(configuration.calendar), strings: strings,
                                   publicURL: configuration.publicURL, clock: clock)
    }
}
