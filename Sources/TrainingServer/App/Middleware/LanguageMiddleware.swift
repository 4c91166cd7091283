import Assessment

/// Chooses the page language: the language switch's cookie, then the profile (applied by authentication),
/// then `Accept-Language`, then Chinese.
struct LanguageMiddleware: Middleware {
    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        var request = request
        request.context.language = Self.language(for: request)
        return try next(request)
    }

    static func language(for request: Request) -> Language {
        if let chosen = request.cookies["csa_lang"].flatMap(Language.init(rawValue:)) { return chosen }
        return fromAcceptLanguage(request.headers["Accept-Language"]) ?? .zh
    }

    /// The first supported language in an Accept-Language header, by quality.
    static func fromAcceptLanguage(_ header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { item -> (String, Double)? in
            let parts = item.split(separator: ";")
            guard let tag = parts.first?.trimmingWhitespace().lowercased(), !tag.isEmpty else { return nil }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingWhitespace()
                if pair.hasPrefix("q="), let value = Double(pair.dropFirst(2)) { quality = value }
            }
            return (tag, quality)
        }
        for (tag, quality) in ranked.sorted(by: { $0.1 > $1.1 }) where quality > 0 {
            if tag == "zh" || tag.hasPrefix("zh-") { return .zh }
            if tag == "en" || tag.hasPrefix("en-") { return .en }
        }
        return nil
    }
}
