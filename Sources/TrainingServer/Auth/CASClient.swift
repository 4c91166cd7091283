/// Validates service tickets at the configured CAS server (CAS 3.0 `/p3/serviceValidate`), over https only, with
/// the server's certificate checked against the system's CAs or `--cas-ca-file`, no redirects followed and the
/// answer bounded (`CurlHTTPClient`). Proxy-free: no proxy callback is offered and proxy tickets are refused by the
/// endpoint itself.
public struct CASClient: Sendable {
    public let settings: CASSettings
    /// The largest answer read (attributes included).
    public static let maximumAnswerBytes = 256 * 1024

    public init(settings: CASSettings) {
        self.settings = settings
    }

    /// What validating a ticket came to.
    public enum Validation: Sendable, Equatable {
        /// The CAS server vouches for the person.
        case valid(CASServiceResponse.Success)
        /// The CAS server refused the ticket (`INVALID_TICKET`: unknown, used or expired; `INVALID_SERVICE`, …).
        case refused(code: String, message: String)
        /// No answer (connection, TLS or time-out failure; or the server answered with an error status).
        case unreachable(String)
        /// An answer that is not a CAS 3.0 service response.
        case malformed(String)
    }

    /// Asks the CAS server whether `ticket` was issued for `service`.
    public func validate(ticket: String, service: String) -> Validation {
        let http = CurlHTTPClient(caFile: settings.caFile, timeout: settings.timeout,
                                  maximumBytes: Self.maximumAnswerBytes)
        let answer: HTTPClientResponse
        do {
            answer = try http.get(settings.validationURL(service: service, ticket: ticket),
                                  headers: ["Accept: application/xml, text/xml"])
        } catch {
            return .unreachable(error.description)
        }
        guard answer.status == 200 else {
            if answer.status >= 500 { return .unreachable("the CAS server answered HTTP \(answer.status)") }
            return .malformed("the CAS server answered HTTP \(answer.status)")
        }
        do {
            switch try CASServiceResponse.parse(answer.body) {
            case .success(let success): return .valid(success)
            case .failure(let code, let message): return .refused(code: code, message: message)
            }
        } catch {
            return .malformed(error.description)
        }
    }
}
