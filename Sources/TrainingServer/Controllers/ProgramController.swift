import Curriculum
import Foundation

/// Certification programmes in public, without sign-in: `/programs` lists them; `/programs/{id}` is the page a
/// credential's achievement `id` points to, answered as HTML for people and, for `Accept: application/json`, as the
/// Open Badges `Achievement` the credentials embed.
struct ProgramController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/programs") { request in
            Response.html(ProgramPage.renderIndex(context.catalogue.catalogue.programs, context: context.page(request),
                                                  stylesheet: context.stylesheet).rendered)
        }
        router.get("/programs/:id") { request in
            let typed: String = try request.parameter("id")
            let catalogue = context.catalogue.catalogue
            guard let program = catalogue.program(ProgramID(typed)) else { throw HTTPError.notFound }
            let achievement = ProgramAchievement(program: program, catalogue: catalogue, strings: context.strings)
            var response: Response
            if Self.prefersJSON(request.headers["Accept"]) {
                response = Response(status: .ok, body: .bytes(Array(achievement.documentJSON(issuer: context.issuer.profile))))
                response.headers.add("Content-Type", "application/json")
            } else {
                response = Response.html(ProgramPage.render(achievement, context: context.page(request),
                                                            stylesheet: context.stylesheet).rendered)
            }
            response.headers.add("Vary", "Accept")
            return response
        }
    }

    /// True when `accept` names JSON (`application/json`, `application/ld+json`) with a higher quality than HTML and
    /// no lower than `*/*`, so browsers (`text/html,…,*/*;q=0.8`) and clients that accept anything get the page.
    static func prefersJSON(_ accept: String?) -> Bool {
        guard let accept else { return false }
        var json = 0.0
        var html = 0.0
        var anything = 0.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            switch type {
            case "application/json", "application/ld+json": json = max(json, quality)
            case "text/html", "application/xhtml+xml", "text/*": html = max(html, quality)
            case "*/*": anything = max(anything, quality)
            default: break
            }
        }
        return json > 0 && json > html && json >= anything
    }
}
