import CCurl
import Foundation

/// What a server answered.
public struct HTTPClientResponse: Sendable, Equatable {
    public var status: Int
    /// The Content-Type header, if any.
    public var contentType: String?
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why a request got no answer (or one too large to read).
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Outgoing HTTPS requests to the identity platform (CAS ticket validation, OpenID Connect discovery, keys and
/// tokens), with libcurl: the only other file besides the mail transport that calls libcurl.
///
/// Only `https` URLs are fetched (`CURLOPT_PROTOCOLS_STR`), with the server's certificate and name verified against
/// the system's CAs or `caFile`; redirects are not followed (the configured server answers, or nothing does);
/// answers larger than `maximumBytes` are refused; connecting and the whole request are bounded by `timeout`.
///
/// Why the unsafe code here is safe:
/// - libcurl copies every string option (since 7.17), the POST body too (`CURLOPT_COPYPOSTFIELDS`), and
///   `curl_slist_append` copies each header, so Swift's temporary C strings may end after each call.
/// - The two pointers libcurl keeps, the error buffer and the download (`ccurl_download`: a buffer's address,
///   capacity and fill), point into buffers the nested `with…` closures keep alive until `curl_easy_perform` has
///   returned; `ccurl_clear_download` takes both back from the handle before the closures end.
/// - `ccurl_write_download` (in the shim) never writes past the capacity: a larger answer stops the transfer.
/// - Each handle and list is used by one thread only (each request makes its own) and freed by `defer`. Signals are
///   off (`CURLOPT_NOSIGNAL`). `curl_global_init` runs once, in a lazy static. The Content-Type text belongs to the
///   handle and is copied into a Swift string before the handle is cleaned up.
public struct CurlHTTPClient: Sendable {
    /// PEM file of the CAs to trust instead of the system's.
    public var caFile: String?
    /// Seconds for connecting, and twice that for the whole request.
    public var timeout: Double
    /// The largest answer read.
    public var maximumBytes: Int

    public init(caFile: String? = nil, timeout: Double = 10, maximumBytes: Int = 1 << 20) {
        self.caFile = caFile
        self.timeout = timeout
        self.maximumBytes = maximumBytes
    }

    private static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// GET `url` with extra header lines (`"Accept: application/json"`).
    public func get(_ url: String, headers: [String] = []) throws(HTTPClientError) -> HTTPClientResponse {
        try perform(url, headers: headers, form: nil)
    }

    /// POST the form fields (`application/x-www-form-urlencoded`) to `url`.
    public func post(_ url: String, form: [(String, String)], headers: [String] = []) throws(HTTPClientError) -> HTTPClientResponse {
        let body = form.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return try perform(url, headers: headers, form: body)
    }

    /// A form field's name or value, percent-encoded (RFC 3986 unreserved characters stay).
    public static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    private func perform(_ url: String, headers: [String], form: String?) throws(HTTPClientError) -> HTTPClientResponse {
        guard url.lowercased().hasPrefix("https://") else { throw HTTPClientError("only https URLs are fetched: \(url)") }
        guard Self.initialised, let handle = curl_easy_init() else { throw HTTPClientError("libcurl could not be initialised") }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for header in headers {
            guard let next = curl_slist_append(list, header) else { throw HTTPClientError("out of memory") }
            list = next
        }
        let caFile = caFile
        let seconds = Int(timeout.rounded(.up))
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var body = [CChar](repeating: 0, count: maximumBytes)
        var overflow = false
        var received = 0
        let code: CURLcode = body.withUnsafeMutableBufferPointer { buffer in
            errorText.withUnsafeMutableBufferPointer { errors in
                var download = ccurl_download(data: buffer.baseAddress, capacity: buffer.count, length: 0, overflow: 0)
                return withUnsafeMutablePointer(to: &download) { download in
                    var setup = ccurl_set_download(handle, download, errors.baseAddress)
                    func set(_ option: CURLoption, _ value: String) {
                        if setup == CURLE_OK { setup = ccurl_setopt_string(handle, option, value) }
                    }
                    func set(_ option: CURLoption, _ value: Int) {
                        if setup == CURLE_OK { setup = ccurl_setopt_long(handle, option, value) }
                    }
                    set(CURLOPT_URL, url)
                    set(CURLOPT_PROTOCOLS_STR, "https")
                    set(CURLOPT_SSL_VERIFYPEER, 1)
                    set(CURLOPT_SSL_VERIFYHOST, 2)
                    if let caFile { set(CURLOPT_CAINFO, caFile) }
                    set(CURLOPT_FOLLOWLOCATION, 0)
                    set(CURLOPT_NOSIGNAL, 1)
                    set(CURLOPT_CONNECTTIMEOUT, seconds)
                    set(CURLOPT_TIMEOUT, seconds * 2)
                    set(CURLOPT_USERAGENT, "civil-service-academy/\(ProductVersion.current)")
                    if let form { set(CURLOPT_COPYPOSTFIELDS, form) }
                    if setup == CURLE_OK, list != nil { setup = ccurl_setopt_list(handle, CURLOPT_HTTPHEADER, list) }
                    let code = setup == CURLE_OK ? curl_easy_perform(handle) : setup
                    ccurl_clear_download(handle)
                    overflow = download.pointee.overflow != 0
                    received = download.pointee.length
                    return code
                }
            }
        }
        if overflow { throw HTTPClientError("the answer from \(url) is larger than \(maximumBytes) bytes") }
        guard code == CURLE_OK else { throw HTTPClientError(curlFailure(code, errorText)) }
        let contentType = ccurl_content_type(handle).map { String(cString: $0) }
        return HTTPClientResponse(status: ccurl_response_code(handle), contentType: contentType,
                                  body: body.prefix(received).map { UInt8(bitPattern: $0) })
    }
}

/// What libcurl says of a failed transfer: its text for `code`, and the detail it wrote into the error buffer.
func curlFailure(_ code: CURLcode, _ errorBuffer: [CChar]) -> String {
    let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let summary = String(cString: curl_easy_strerror(code))
    return detail.isEmpty ? summary : "\(summary): \(detail)"
}
