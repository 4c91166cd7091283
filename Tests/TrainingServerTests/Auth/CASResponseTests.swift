import Foundation
import Testing
@testable import TrainingServer

@Suite struct CASResponseTests {
    private func parse(_ text: String) throws -> CASServiceResponse {
        try CASServiceResponse.parse(Array(text.utf8))
    }

    // What LemonLDAP::NG 2.16 answers (no XML declaration; attribute values as the directory holds them).
    private let success = """
        <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
        \t<cas:authenticationSuccess>
        \t\t<cas:user>zhangwei</cas:user>
        \t\t<cas:attributes>
        \t\t\t<cas:cn>张伟</cas:cn>
        \t\t\t<cas:employeeNumber>100001</cas:employeeNumber>
        \t\t\t<cas:ou>省人民政府/省数据局/综合处</cas:ou>
        \t\t\t<cas:title>窗口岗位</cas:title>
        \t\t\t<cas:mail>zhangwei@example.gov</cas:mail>
        \t\t\t<cas:memberOf>cn=a</cas:memberOf>
        \t\t\t<cas:memberOf>cn=b</cas:memberOf>
        \t\t</cas:attributes>
        \t</cas:authenticationSuccess>
        </cas:serviceResponse>
        """

    @Test func aSuccessGivesTheUserAndChineseAttributes() throws {
        let answer = try parse(success)
        guard case .success(let person) = answer else { Issue.record("not a success: \(answer)"); return }
        #expect(person.user == "zhangwei")
        #expect(person.attributes["cn"] == ["张伟"])
        #expect(person.attributes["ou"] == ["省人民政府/省数据局/综合处"])
        #expect(person.attributes["title"] == ["窗口岗位"])
        #expect(person.attributes["memberOf"] == ["cn=a", "cn=b"])
    }

    @Test func theNamespaceDecidesNotThePrefix() throws {
        let other = success.replacingOccurrences(of: "cas:", with: "c:").replacingOccurrences(of: "xmlns:cas", with: "xmlns:c")
        #expect(try parse(other) == parse(success))
        let unprefixed = """
            <serviceResponse xmlns="http://www.yale.edu/tp/cas"><authenticationSuccess><user>alice</user>\
            </authenticationSuccess></serviceResponse>
            """
        #expect(try parse(unprefixed) == .success(.init(user: "alice")))
        // The right names in another namespace are not a CAS answer.
        let wrong = success.replacingOccurrences(of: "http://www.yale.edu/tp/cas", with: "urn:example:not-cas")
        #expect(throws: CASServiceResponse.Malformed.self) { try parse(wrong) }
    }

    @Test func aDeclaredEncodingIsIgnoredTheBytesAreUTF8() throws {
        let declared = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + success
        #expect(try parse(declared) == parse(success))
        // Latin-1 bytes (not UTF-8) are refused rather than read as something else.
        var latin1 = Array("<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>m".utf8)
        latin1 += [0xFC]
        latin1 += Array("ller</cas:user></cas:authenticationSuccess></cas:serviceResponse>".utf8)
        #expect(throws: CASServiceResponse.Malformed.self) { try CASServiceResponse.parse(latin1) }
    }

    @Test(arguments: ["INVALID_TICKET", "INVALID_SERVICE", "INVALID_REQUEST", "INTERNAL_ERROR", "UNAUTHORIZED_SERVICE_PROXY"])
    func aFailureGivesItsCode(_ code: String) throws {
        let text = """
            <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
              <cas:authenticationFailure code="\(code)">Ticket ST-1-abc not recognized</cas:authenticationFailure>
            </cas:serviceResponse>
            """
        #expect(try parse(text) == .failure(code: code, message: "Ticket ST-1-abc not recognized"))
    }

    @Test(arguments: [
        "",
        "not xml at all",
        "<html><body>Service unavailable</body></html>",
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>x</cas:user>",
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"></cas:serviceResponse>",
        // A success without a user, with an empty user, with two users.
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess/></cas:serviceResponse>",
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user> </cas:user></cas:authenticationSuccess></cas:serviceResponse>",
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>a</cas:user><cas:user>b</cas:user></cas:authenticationSuccess></cas:serviceResponse>",
        // Both outcomes at once; a failure without a code; an unknown outcome.
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>a</cas:user></cas:authenticationSuccess><cas:authenticationFailure code=\"X\"/></cas:serviceResponse>",
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationFailure>no code</cas:authenticationFailure></cas:serviceResponse>",
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:proxySuccess><cas:proxyTicket>PT-1</cas:proxyTicket></cas:proxySuccess></cas:serviceResponse>",
        // Entities are never expanded.
        "<!DOCTYPE r [<!ENTITY x \"zhangwei\">]><cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>&x;</cas:user></cas:authenticationSuccess></cas:serviceResponse>",
    ])
    func garbageIsMalformed(_ text: String) {
        #expect(throws: CASServiceResponse.Malformed.self) { try parse(text) }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        let text = "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>x</cas:user><cas:attributes>\(deep)</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>"
        #expect(throws: CASServiceResponse.Malformed.self) { try parse(text) }
    }

    @Test func escapedAndCDATAValuesAreRead() throws {
        let text = """
            <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>a&amp;b</cas:user>\
            <cas:attributes><cas:cn><![CDATA[<李四>]]></cas:cn></cas:attributes></cas:authenticationSuccess></cas:serviceResponse>
            """
        #expect(try parse(text) == .success(.init(user: "a&b", attributes: ["cn": ["<李四>"]])))
    }

    // What LemonLDAP::NG 2.16 posts (Portal/Issuer/CAS.pm, _send_back_channel_LogoutRequests).
    @Test func aLogoutRequestGivesItsSessionIndex() {
        let request = """
            <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="ST-1-x" Version="2.0" IssueInstant="2026-12-07T02:00:00Z">
                            <saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">@NOT_USED@</saml:NameID>
                            <samlp:SessionIndex>ST-1733536800-AbCdEf0123</samlp:SessionIndex>
                        </samlp:LogoutRequest>
            """
        #expect(CASLogoutRequest.sessionIndex(request) == "ST-1733536800-AbCdEf0123")
    }

    @Test(arguments: [
        "",
        "ST-1",
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"></samlp:LogoutRequest>",
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><samlp:SessionIndex></samlp:SessionIndex></samlp:LogoutRequest>",
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><samlp:SessionIndex>ST 1</samlp:SessionIndex></samlp:LogoutRequest>",
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><samlp:SessionIndex>ST-1</samlp:SessionIndex><samlp:SessionIndex>ST-2</samlp:SessionIndex></samlp:LogoutRequest>",
        "<samlp:LogoutRequest xmlns:samlp=\"urn:example:other\"><samlp:SessionIndex>ST-1</samlp:SessionIndex></samlp:LogoutRequest>",
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><samlp:SessionIndex>ST-1</samlp:SessionIndex>",
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationFailure code=\"X\"/></cas:serviceResponse>",
    ])
    func aMalformedLogoutRequestNamesNoSession(_ text: String) {
        #expect(CASLogoutRequest.sessionIndex(text) == nil)
    }

    @Test func tooLongATicketIsNotWellFormed() {
        #expect(CASTicket.isWellFormed("ST-" + String(repeating: "a", count: 100)))
        #expect(!CASTicket.isWellFormed("ST-" + String(repeating: "a", count: 600)))
        #expect(!CASTicket.isWellFormed("ST-\u{7F}"))
        #expect(!CASTicket.isWellFormed("ST-张"))
    }
}
