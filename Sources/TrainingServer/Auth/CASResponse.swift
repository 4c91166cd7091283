import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The CAS server's answer to `/p3/serviceValidate` (CAS protocol 3.0, §2.5–2.6 and appendix A):
///
///     <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
///       <cas:authenticationSuccess>
///         <cas:user>zhangwei</cas:user>
///         <cas:attributes><cas:cn>张伟</cas:cn>…</cas:attributes>
///       </cas:authenticationSuccess>
///     </cas:serviceResponse>
///
/// or `<cas:authenticationFailure code="INVALID_TICKET">…</cas:authenticationFailure>`. Elements are matched by
/// namespace, not prefix. The body is read as UTF-8 whatever the Content-Type or an XML declaration claims
/// (servers get charsets wrong; CAS answers are UTF-8), and documents with a DOCTYPE or entity declarations are
/// refused outright.
public enum CASServiceResponse: Sendable, Equatable {
    case success(Success)
    case failure(code: String, message: String)

    public struct Success: Sendable, Equatable {
        /// The CAS user (`<cas:user>`): the person's stable name at the CAS server.
        public var user: String
        /// The released attributes by name (the element's local name), each with its values in order.
        public var attributes: [String: [String]]

        public init(user: String, attributes: [String: [String]] = [:]) {
            self.user = user
            self.attributes = attributes
        }
    }

    /// Why an answer is not a CAS 3.0 service response.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public static let namespace = "http://www.yale.edu/tp/cas"
    /// Deeper documents are refused (a service response is four levels deep).
    static let maximumDepth = 16

    /// Parses a `/p3/serviceValidate` answer.
    public static func parse(_ bytes: [UInt8]) throws(Malformed) -> CASServiceResponse {
        let root = try CASXML.parse(bytes)
        guard root.name == "serviceResponse", root.namespace == namespace else {
            throw Malformed("the root element is not cas:serviceResponse")
        }
        let outcomes = root.children.filter { $0.namespace == namespace }
        guard outcomes.count == 1, let outcome = outcomes.first else {
            throw Malformed("cas:serviceResponse must hold exactly one authenticationSuccess or authenticationFailure")
        }
        switch outcome.name {
        case "authenticationFailure":
            guard let code = outcome.attributes["code"]?.trimmingCharacters(in: .whitespacesAndNewlines), !code.isEmpty else {
                throw Malformed("cas:authenticationFailure has no code")
            }
            return .failure(code: code, message: outcome.text.trimmingCharacters(in: .whitespacesAndNewlines))
        case "authenticationSuccess":
            let users = outcome.children.filter { $0.name == "user" && $0.namespace == namespace }
            guard users.count == 1, let user = users.first?.text.trimmingCharacters(in: .whitespacesAndNewlines),
                  !user.isEmpty else {
                throw Malformed("cas:authenticationSuccess must name exactly one cas:user")
            }
            var attributes: [String: [String]] = [:]
            for block in outcome.children where block.name == "attributes" && block.namespace == namespace {
                for attribute in block.children {
                    attributes[attribute.name, default: []].append(attribute.text.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            return .success(Success(user: user, attributes: attributes))
        default:
            throw Malformed("cas:\(outcome.name) is neither authenticationSuccess nor authenticationFailure")
        }
    }
}

/// A CAS single-logout request (CAS protocol 3.0, §2.3.3 and appendix C): the CAS server posts the form field
/// `logoutRequest` holding
///
///     <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="…" Version="2.0" IssueInstant="…">
///       <saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">@NOT_USED@</saml:NameID>
///       <samlp:SessionIndex>ST-…</samlp:SessionIndex>
///     </samlp:LogoutRequest>
///
/// to the service URL; the session index is the service ticket the person's session began with.
public enum CASLogoutRequest {
    public static let namespace = "urn:oasis:names:tc:SAML:2.0:protocol"
    /// The longest session index (service ticket) accepted.
    public static let maximumTicketLength = 512

    /// The ticket the request ends the sessions of, or nil when the text is not such a request.
    public static func sessionIndex(_ text: String) -> String? {
        guard let root = try? CASXML.parse(Array(text.utf8)), root.name == "LogoutRequest", root.namespace == namespace
        else { return nil }
        let indexes = root.children.filter { $0.name == "SessionIndex" && $0.namespace == namespace }
        guard indexes.count == 1, let index = indexes.first?.text.trimmingCharacters(in: .whitespacesAndNewlines),
              CASTicket.isWellFormed(index) else { return nil }
        return index
    }
}

/// What a service ticket may look like before it is sent anywhere.
public enum CASTicket {
    /// Printable ASCII without spaces, at most `CASLogoutRequest.maximumTicketLength` characters (CAS 3.0 §3.7:
    /// tickets are made of the characters [a-zA-Z0-9-]; servers differ slightly, so any visible ASCII passes).
    public static func isWellFormed(_ ticket: String) -> Bool {
        !ticket.isEmpty && ticket.utf8.count <= CASLogoutRequest.maximumTicketLength
            && ticket.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}

/// A small element tree read with FoundationXML's parser (namespaces resolved), for the CAS answers above.
struct CASXML: Sendable {
    var name: String
    var namespace: String?
    var attributes: [String: String]
    var children: [CASXML] = []
    /// The element's own text (not its children's).
    var text = ""

    static func parse(_ bytes: [UInt8]) throws(CASServiceResponse.Malformed) -> CASXML {
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw CASServiceResponse.Malformed("the answer is not UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let upper = text.uppercased()
        guard !upper.contains("<!DOCTYPE"), !upper.contains("<!ENTITY") else {
            throw CASServiceResponse.Malformed("the answer declares a DOCTYPE or entities")
        }
        // The XML declaration may name another encoding; the bytes are UTF-8 (checked above), so it goes.
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("<?xml") {
            guard let end = trimmed.range(of: "?>") else { throw CASServiceResponse.Malformed("the XML declaration does not end") }
            text = String(trimmed[end.upperBound...])
        }
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let builder = Builder()
        parser.delegate = builder
        let finished = parser.parse()
        if let failure = builder.failure { throw failure }
        guard finished, parser.parserError == nil, let root = builder.root else {
            throw CASServiceResponse.Malformed("the answer is not well-formed XML")
        }
        return root
    }

    final class Builder: NSObject, XMLParserDelegate {
        var root: CASXML?
        var failure: CASServiceResponse.Malformed?
        private var stack: [CASXML] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String]) {
            guard failure == nil else { return }
            guard root == nil else { return fail("content after the root element", parser) }
            guard stack.count < CASServiceResponse.maximumDepth else { return fail("elements nested too deeply", parser) }
            stack.append(CASXML(name: elementName, namespace: namespaceURI?.isEmpty == true ? nil : namespaceURI,
                                attributes: attributes))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?) {
            guard failure == nil, let element = stack.popLast() else { return }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard failure == nil, !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard let string = String(data: CDATABlock, encoding: .utf8) else { return fail("CDATA is not UTF-8", parser) }
            self.parser(parser, foundCharacters: string)
        }

        private func fail(_ reason: String, _ parser: XMLParser) {
            failure = CASServiceResponse.Malformed(reason)
            parser.abortParsing()
        }
    }
}
