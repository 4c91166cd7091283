import CCurl
import Foundation

/// Hands a message to an SMTP server (`MailSettings`) with libcurl, the only file that calls libcurl.
///
/// The connection is always encrypted: `smtp://` URLs must upgrade with STARTTLS (`CURLUSESSL_ALL`: libcurl gives up
/// rather than send anything, the password included, in the clear), `smtps://` URLs use TLS from the start. The
/// server's certificate and name are always verified, against the system's CAs or `caFile`. Only the SMTP protocols
/// are allowed, so a URL can never make libcurl fetch anything else.
///
/// Why the unsafe code here is safe:
/// - libcurl copies every string option (since 7.17) and `curl_slist_append` copies each recipient, so Swift's
///   temporary C strings may end after each call.
/// - The two pointers libcurl keeps, the error buffer and the upload (`ccurl_upload`: the message's address, length
///   and progress), point into buffers that the nested `with…` closures keep alive until `curl_easy_perform` has
///   returned; before the closures end, `ccurl_clear_upload` takes both back from the handle, so nothing libcurl does
///   later (`curl_easy_cleanup` closing the connection) can reach them.
/// - `ccurl_read_upload` (in the shim) copies at most the room libcurl offers and never past the message's length.
/// - Every handle and list is used by one thread only (each `send` makes its own) and freed by `defer`. Signals are
///   off (`CURLOPT_NOSIGNAL`), as multi-threaded programs need. `curl_global_init` runs once, in a lazy static.
public struct CurlSMTPTransport: MailTransport {
    public let settings: MailSettings

    public init(settings: MailSettings) {
        self.settings = settings
    }

    private static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public func send(from sender: String, to recipients: [String], message: [UInt8]) throws(MailDeliveryError) {
        guard Self.initialised, let handle = curl_easy_init() else {
            throw MailDeliveryError("libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for recipient in recipients {
            guard let next = curl_slist_append(list, "<\(recipient)>") else { throw MailDeliveryError("out of memory") }
            list = next
        }
        let settings = settings
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = message.withUnsafeBufferPointer { bytes in
            errorText.withUnsafeMutableBufferPointer { errors in
                bytes.withMemoryRebound(to: CChar.self) { data in
                    var upload = ccurl_upload(data: data.baseAddress, length: data.count, offset: 0)
                    return withUnsafeMutablePointer(to: &upload) { upload in
                        var setup = ccurl_set_upload(handle, upload, errors.baseAddress)
                        func set(_ option: CURLoption, _ value: String) {
                            if setup == CURLE_OK { setup = ccurl_setopt_string(handle, option, value) }
                        }
                        func set(_ option: CURLoption, _ value: Int) {
                            if setup == CURLE_OK { setup = ccurl_setopt_long(handle, option, value) }
                        }
                        set(CURLOPT_URL, settings.url)
                        set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
                        set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
                        set(CURLOPT_SSL_VERIFYPEER, 1)
                        set(CURLOPT_SSL_VERIFYHOST, 2)
                        if let caFile = settings.caFile { set(CURLOPT_CAINFO, caFile) }
                        if let user = settings.user { set(CURLOPT_USERNAME, user) }
                        if let password = settings.password { set(CURLOPT_PASSWORD, password) }
                        set(CURLOPT_MAIL_FROM, "<\(sender)>")
                        if setup == CURLE_OK { setup = ccurl_setopt_list(handle, CURLOPT_MAIL_RCPT, list) }
                        set(CURLOPT_NOSIGNAL, 1)
                        set(CURLOPT_CONNECTTIMEOUT, Int(settings.timeout.rounded(.up)))
                        set(CURLOPT_TIMEOUT, Int(settings.timeout.rounded(.up)) * 2)
                        let code = setup == CURLE_OK ? curl_easy_perform(handle) : setup
                        ccurl_clear_upload(handle)
                        return code
                    }
                }
            }
        }
        guard code == CURLE_OK else {
            let response = ccurl_response_code(handle)
            var text = curlFailure(code, errorText)
            if response > 0 { text += " (server answered \(response))" }
            throw MailDeliveryError(text)
        }
    }
}
