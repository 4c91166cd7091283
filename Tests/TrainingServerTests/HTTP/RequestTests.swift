import Testing
@testable import TrainingServer

@Suite struct RequestTests {
    private func request(_ target: String = "/", method: HTTPMethod = .post, headers: [(String, String)] = [],
                         body: String = "") throws -> Request {
        try Request(method: method, target: target, headers: HTTPHeaders(headers), body: Array(body.utf8))
    }

    // MARK: Target

    @Test func splitsTheTargetIntoADecodedPathAndQuery() throws {
        let request = try request("/courses/%E4%BF%A1%E6%81%AF?next=%2Fhome&a=1&a=2&q=a+b", method: .get)
        #expect(request.path == "/courses/信息")
        #expect(request.target == "/courses/%E4%BF%A1%E6%81%AF?next=%2Fhome&a=1&a=2&q=a+b")
        #expect(request.query["next"] == "/home")
        #expect(request.query.values("a") == ["1", "2"])
        #expect(request.query["q"] == "a b")
        #expect(try self.request("/a+b", method: .get).path == "/a+b")
        #expect(try self.request("/?", method: .get).query.isEmpty)
    }

    @Test(arguments: ["/%zz", "/a%C0%AFb", "/%ED%A0%80", "/a%00", "/?x=%zz", "/?x=%FF", "*", "", "relative/path"])
    func refusesTargetsThatAreNotValid(_ target: String) {
        #expect(throws: HTTPError.self) { try request(target, method: .get) }
        do {
            _ = try request(target, method: .get)
        } catch let error as HTTPError {
            #expect(error.status == .badRequest)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [("/?q=%00", "NUL character (%00)"), ("/a%00", "NUL character (%00)"),
                      ("/?q=%FF", "do not decode to valid UTF-8"), ("/%zz", "two-digit hexadecimal escape")])
    func aRefusedTargetSaysWhatWasRefused(_ target: String, _ phrase: String) {
        do {
            _ = try request(target, method: .get)
            Issue.record("\(target) was accepted")
        } catch {
            let message = (error as? HTTPError)?.message ?? "\(error)"
            #expect(message.contains(phrase), "\(target): \(message)")
        }
    }

    // MARK: Cookies

    @Test func cookiesAreParsedAcrossHeadersAndTheFirstValueWins() throws {
        let request = try request(headers: [
            ("Cookie", "csa_session=abc; csa_lang=en;theme=\"dark\""),
            ("Cookie", "csa_session=second; extra=1=2"),
        ])
        #expect(request.cookies == ["csa_session": "abc", "csa_lang": "en", "theme": "dark", "extra": "1=2"])
    }

    @Test func cookiePiecesWithoutAnEqualsSignAreIgnored() throws {
        let request = try request(headers: [("Cookie", "flag; ; a=1;  b = 2")])
        #expect(request.cookies["a"] == "1")
        #expect(request.cookies["flag"] == nil)
        #expect(try self.request().cookies.isEmpty)
    }

    /// Spaces and tabs around a pair go, spaces inside stay; one quote is not a quoted value; an empty value,
    /// non-ASCII values, a lower-case header name and a trailing `;` are read as before.
    @Test func cookieEdgesAreReadAsWritten() throws {
        let request = try request(headers: [("cookie", "\t a=1 ;\tb = 2; q=\"; qq=\"\"; e=; u=名字 x;")])
        #expect(request.cookies == ["a": "1", "b ": " 2", "q": "\"", "qq": "", "e": "", "u": "名字 x"])
    }

    // MARK: Forms

    @Test func readsAnUrlencodedForm() throws {
        let request = try request(headers: [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")],
                                  body: "login=li.ming&password=p%40ss+word&role=a&role=b")
        #expect(request.contentType == "application/x-www-form-urlencoded")
        let form = try request.form()
        #expect(form["login"] == "li.ming")
        #expect(form["password"] == "p@ss word")
        #expect(form.values("role") == ["a", "b"])
        #expect(try request.files().isEmpty)
    }

    @Test func aKeptFormAnswersUntilTheBodyChanges() throws {
        var request = try request(headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "a=1&b=2")
        #expect(!request.formIsKept)
        #expect(try request.keepForm()["a"] == "1")
        #expect(request.formIsKept)
        #expect(try request.form() == Parameters([(name: "a", value: "1"), (name: "b", value: "2")]))
        request.body = Array("a=3".utf8)
        #expect(!request.formIsKept, "a new body drops the kept form")
        #expect(try request.form()["a"] == "3")
        var bad = try self.request(headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "a=%zz")
        #expect(throws: HTTPError.self) { try bad.keepForm() }
        #expect(!bad.formIsKept, "a refused form is not kept")
    }

    @Test func aFormThatIsNotValidIsABadRequest() throws {
        for body in ["a=%zz", "a=%C0%AF", "a=%00"] {
            let request = try request(headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body)
            #expect(throws: HTTPError.badRequest("The form is not valid percent-encoded UTF-8")) { try request.form() }
        }
        let raw = try Request(method: .post, target: "/", headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded")]),
                              body: [0x61, 0x3D, 0xFF])
        #expect(throws: HTTPError.badRequest("The form is not valid UTF-8")) { try raw.form() }
    }

    @Test func aBodyOfAnotherTypeIsNotAForm() throws {
        let json = try request(headers: [("Content-Type", "application/json")], body: "{}")
        #expect(throws: HTTPError(.unsupportedMediaType, "Expected a form")) { try json.form() }
        let untyped = try request(body: "a=1")
        #expect(throws: HTTPError(.unsupportedMediaType, "Expected a form")) { try untyped.form() }
        #expect(try request().form().isEmpty)
    }

    @Test func readsMultipartFieldsAndFilesSeparately() throws {
        let body = """
            --FormBoundary7MA4\r
            Content-Disposition: form-data; name="title"\r
            \r
            年度培训\r
            --FormBoundary7MA4\r
            Content-Disposition: form-data; name="upload"; filename="名单.csv"\r
            Content-Type: text/csv\r
            \r
            login,name\r
            --FormBoundary7MA4--\r

            """
        let request = try request(headers: [("Content-Type", "multipart/form-data; boundary=FormBoundary7MA4")], body: body)
        #expect(try request.form() == Parameters([(name: "title", value: "年度培训")]))
        let files = try request.files()
        #expect(files.count == 1)
        #expect(files.first?.filename == "名单.csv")
        #expect(files.first?.contentType == "text/csv")
        #expect(files.first?.body == Array("login,name".utf8))
    }

    @Test func multipartErrorsAreBadRequests() throws {
        let noBoundary = try request(headers: [("Content-Type", "multipart/form-data")], body: "x")
        #expect(throws: HTTPError.badRequest("The multipart body has no valid boundary")) { try noBoundary.form() }
        let malformed = try request(headers: [("Content-Type", "multipart/form-data; boundary=b")], body: "--b\r\nnope")
        #expect(throws: HTTPError.badRequest("The multipart body is malformed")) { try malformed.files() }
        let nul = try request(headers: [("Content-Type", "multipart/form-data; boundary=b")],
                              body: "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\u{0}y\r\n--b--")
        #expect(throws: HTTPError.badRequest("A form field is not valid UTF-8")) { try nul.form() }
    }

    // MARK: JSON

    private struct Payload: Decodable, Equatable {
        var name: String
        var count: Int
    }

    @Test func decodesJSONOfTheRightShape() throws {
        let request = try request(headers: [("Content-Type", "application/json; charset=utf-8")], body: #"{"name":"测","count":3}"#)
        #expect(try request.decodeJSON(Payload.self) == Payload(name: "测", count: 3))
        let wrongShape = try self.request(headers: [("Content-Type", "application/json")], body: #"{"name":"x"}"#)
        #expect(throws: HTTPError.badRequest("The JSON body is not valid for this request")) { try wrongShape.decodeJSON(Payload.self) }
        let notJSON = try self.request(headers: [("Content-Type", "text/plain")], body: #"{"name":"x","count":1}"#)
        #expect(throws: HTTPError(.unsupportedMediaType, "Expected JSON")) { try notJSON.decodeJSON(Payload.self) }
    }

    // MARK: Path parameters

    @Test func typedParametersAreConvertedAndAnythingElseIsNotFound() throws {
        var request = try request(method: .get)
        request.parameters = ["id": "42", "slug": "info-security", "big": "99999999999999999999", "neg": "-3"]
        #expect(try request.parameter("id", as: Int.self) == 42)
        #expect(try request.parameter("id", as: Int64.self) == 42)
        #expect(try request.parameter("slug") == "info-security")
        #expect(try request.parameter("neg", as: Int.self) == -3)
        #expect(throws: HTTPError.notFound) { try request.parameter("slug", as: Int.self) }
        #expect(throws: HTTPError.notFound) { try request.parameter("big", as: Int64.self) }
        #expect(throws: HTTPError.notFound) { try request.parameter("neg", as: UInt.self) }
        #expect(throws: HTTPError.notFound) { try request.parameter("missing", as: String.self) }
    }
}
