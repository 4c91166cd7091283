import Assessment
import Testing
@testable import TrainingServer

@Suite struct LanguageMiddlewareTests {
    @Test(arguments: [
        ("en", Language.en), ("en-US", .en), ("EN-gb", .en), ("zh", .zh), ("zh-CN", .zh), ("zh-Hant-TW", .zh),
        ("fr-FR, en;q=0.8, zh;q=0.5", .en), ("fr, zh;q=0.9, en;q=0.8", .zh), ("en;q=0.1, zh;q=0.2", .zh),
        ("zh;q=0, en", .en), ("en , zh", .en),
    ])
    func choosesTheBestSupportedLanguage(_ header: String, _ expected: Language) {
        #expect(LanguageMiddleware.fromAcceptLanguage(header) == expected)
    }

    @Test(arguments: ["", "*", "fr, de", "en;q=0", "english", "zhx", ";q=1"])
    func findsNothingWhenNoSupportedLanguageIsWanted(_ header: String) {
        #expect(LanguageMiddleware.fromAcceptLanguage(header) == nil)
    }

    /// The header read as before it was read on bytes: split, trimmed, lower-cased, ranked by a stable sort.
    private static func reference(_ header: String) -> Language? {
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

    @Test func randomHeadersAreReadAsBefore() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["zh", "ZH-cn", "en", "En-GB", "en-", "zhx", "fr", "de-DE", "*", "e", "", " ", "\t", ";", ",", "q=0",
                      "q=0.5", "q=1", "q=0.8", "q=x", ";q=0.9", "; q=0.3", "  en  ", "zh;q=0.7", "en;q=0.7", "q=", "-"]
        for _ in 0..<4_000 {
            let header = (0..<Int.random(in: 0...8, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: ["", ",", ";", " ", ", "].randomElement(using: &generator)!)
            #expect(LanguageMiddleware.fromAcceptLanguage(header) == Self.reference(header), "\(header)")
        }
    }

    @Test func theCookieWinsAndChineseIsTheDefault() throws {
        func language(_ headers: [(String, String)]) throws -> Language {
            LanguageMiddleware.language(for: try Request(method: .get, target: "/", headers: HTTPHeaders(headers)))
        }
        #expect(try language([]) == .zh)
        #expect(try language([("Accept-Language", "en")]) == .en)
        #expect(try language([("Accept-Language", "en"), ("Cookie", "csa_lang=zh")]) == .zh)
        #expect(try language([("Cookie", "csa_lang=en")]) == .en)
        #expect(try language([("Accept-Language", "en"), ("Cookie", "csa_lang=de")]) == .en)
    }

    @Test func theChosenLanguageReachesTheHandler() throws {
        let handler = ([LanguageMiddleware()] as [any Middleware]).wrapping { request in
            Response.text(request.context.language.rawValue)
        }
        let response = try handler(Request(method: .get, target: "/", headers: HTTPHeaders([("Accept-Language", "en")])))
        #expect(response.bodyText == "en")
    }
}
