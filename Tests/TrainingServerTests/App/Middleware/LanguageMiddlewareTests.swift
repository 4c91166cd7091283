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
