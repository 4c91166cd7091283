import CLDAP
import Foundation

/// One entry a directory search found: its distinguished name and the requested attributes' values.
public struct LDAPEntry: Sendable, Equatable {
    public var dn: String
    /// Values by attribute name, the name lowercased (LDAP attribute names are case-insensitive). Values that are
    /// not UTF-8 text (Active Directory's objectGUID) are given as lowercase hexadecimal.
    public var attributes: [String: [String]]

    public init(dn: String, attributes: [String: [String]]) {
        self.dn = dn
        self.attributes = Dictionary(attributes.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
    }

    /// The first value of `attribute` (any case), if the entry has one.
    public func first(_ attribute: String) -> String? {
        attributes[attribute.lowercased()]?.first
    }
}

/// Why talking to the directory failed.
public enum LDAPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached, did not answer in time, or TLS could not be set up.
    case unreachable(String)
    /// A bind was refused: wrong DN or password (result code 49).
    case invalidCredentials
    /// Any other failure, with the LDAP result code and the library's and server's words.
    case failure(code: Int32, message: String)

    public var description: String {
        switch self {
        case .unreachable(let message): "directory unreachable: \(message)"
        case .invalidCredentials: "invalid credentials"
        case .failure(let code, let message): "LDAP error \(code): \(message)"
        }
    }
}

/// Escapes a value for an LDAP search filter (RFC 4515 section 3): `*`, `(`, `)`, `\` and NUL become `\2a`,
/// `\28`, `\29`, `\5c` and `\00`, so a login such as `*)(uid=*` is searched for literally.
public func ldapFilterEscape(_ value: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(value.utf8.count)
    for scalar in value.unicodeScalars {
        switch scalar {
        case "*": escaped += "\\2a"
        case "(": escaped += "\\28"
        case ")": escaped += "\\29"
        case "\\": escaped += "\\5c"
        case "\u{0}": escaped += "\\00"
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return escaped
}

/// A connection to an LDAP server through OpenLDAP's libldap: protocol version 3, time-outs on connecting and on
/// every operation, TLS that demands a valid certificate (optionally from a given CA file), StartTLS on request,
/// simple binds and subtree searches. The connection is unbound when the value goes away.
///
/// One connection serves one thread at a time (it is not `Sendable`); make one per sign-in.
public final class LDAPConnection {
    public struct Options: Sendable, Equatable {
        /// `ldap://host[:port]` or `ldaps://host[:port]`.
        public var url: String
        /// Upgrade an `ldap://` connection with StartTLS before anything else is sent.
        public var startTLS: Bool
        /// PEM file of the CA certificates to trust; nil: the system's (libldap's ldap.conf, LDAPTLS_CACERT).
        public var caFile: String?
        /// Seconds allowed for connecting and for each operation's answer.
        public var timeout: Double

        public init(url: String, startTLS: Bool, caFile: String? = nil, timeout: Double = 5) {
            self.url = url
            self.startTLS = startTLS
            self.caFile = caFile
            self.timeout = timeout
        }
    }

    // Safety: `handle` is the LDAP* from ldap_initialize, owned by this object alone and released exactly once
    // (ldap_unbind_ext_s in deinit); every C call below receives it while the object is alive.
    private let handle: OpaquePointer
    private let options: Options

    /// Prepares the connection (libldap connects at the first operation) and, when asked, performs StartTLS.
    public init(_ options: Options) throws(LDAPError) {
        var handle: OpaquePointer?
        let code = ldap_initialize(&handle, options.url)
        guard code == LDAP_SUCCESS, let handle else {
            throw .failure(code: code, message: "cannot use the URL \(options.url): \(Self.text(code))")
        }
        self.handle = handle
        self.options = options
        try check(cldap_set_int(handle, LDAP_OPT_PROTOCOL_VERSION, LDAP_VERSION3), "protocol version")
        try check(cldap_referrals_off(handle), "referrals")
        try check(cldap_set_timeout(handle, LDAP_OPT_NETWORK_TIMEOUT, options.timeout), "network time-out")
        try check(cldap_set_timeout(handle, LDAP_OPT_TIMEOUT, options.timeout), "operation time-out")
        if let caFile = options.caFile {
            try check(cldap_set_string(handle, LDAP_OPT_X_TLS_CACERTFILE, caFile), "CA file")
        }
        try check(cldap_set_int(handle, LDAP_OPT_X_TLS_REQUIRE_CERT, LDAP_OPT_X_TLS_DEMAND), "certificate check")
        // A TLS context of this connection's own, with the options above (not the process-wide default).
        try check(cldap_set_int(handle, LDAP_OPT_X_TLS_NEWCTX, 0), "TLS context")
        if options.startTLS {
            let code = ldap_start_tls_s(handle, nil, nil)
            guard code == LDAP_SUCCESS else { throw error(code, doing: "StartTLS") }
        }
    }

    deinit {
        ldap_unbind_ext_s(handle, nil, nil)
    }

    /// A simple bind as `dn` with `password`. An empty password is refused here, before the server sees it: LDAP
    /// treats it as an unauthenticated bind that "succeeds" without checking anything (RFC 4513 section 5.1.2).
    public func bind(dn: String, password: String) throws(LDAPError) {
        guard !password.isEmpty else { throw .invalidCredentials }
        guard !dn.isEmpty else { throw .invalidCredentials }
        let code = password.withCString { pointer in
            cldap_simple_bind(handle, dn, pointer, strlen(pointer))
        }
        guard code == LDAP_SUCCESS else {
            if code == LDAP_INVALID_CREDENTIALS { throw .invalidCredentials }
            throw error(code, doing: "bind")
        }
    }

    /// Entries below `base` (whole subtree) matching `filter`, with `attributes` (their values as text). At most
    /// `limit` entries are returned; more matches than that still return the first `limit`.
    public func search(base: String, filter: String, attributes: [String], limit: Int32 = 0) throws(LDAPError) -> [LDAPEntry] {
        // NULL-terminated array of C strings, alive until the call returns (freed below with free()).
        var names: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0) }
        names.append(nil)
        defer { for name in names { free(name) } }
        var result: OpaquePointer?
        let code = names.withUnsafeMutableBufferPointer { buffer in
            cldap_search(handle, base, filter, buffer.baseAddress, options.timeout, limit, &result)
        }
        defer { if let result { ldap_msgfree(result) } }
        guard code == LDAP_SUCCESS || code == LDAP_SIZELIMIT_EXCEEDED else {
            throw error(code, doing: "search")
        }
        guard let result else { return [] }
        var entries: [LDAPEntry] = []
        var entry = ldap_first_entry(handle, result)
        while let current = entry {
            entries.append(read(current))
            entry = ldap_next_entry(handle, current)
        }
        return entries
    }

    /// Reads one entry of a search result (owned by the result, valid until ldap_msgfree).
    private func read(_ entry: OpaquePointer) -> LDAPEntry {
        var dn = ""
        if let pointer = ldap_get_dn(handle, entry) {
            dn = String(cString: pointer)
            ldap_memfree(pointer)
        }
        var values: [String: [String]] = [:]
        var ber: OpaquePointer?
        var attribute = ldap_first_attribute(handle, entry, &ber)
        while let name = attribute {
            let key = String(cString: name)
            if let list = ldap_get_values_len(handle, entry, name) {
                var index = 0
                while let value = list[index] {
                    let bytes = UnsafeRawBufferPointer(start: value.pointee.bv_val, count: Int(value.pointee.bv_len))
                    values[key, default: []].append(Self.text(of: bytes))
                    index += 1
                }
                ldap_value_free_len(list)
            }
            ldap_memfree(name)
            attribute = ldap_next_attribute(handle, entry, ber)
        }
        if let ber { ber_free(ber, 0) }
        return LDAPEntry(dn: dn, attributes: values)
    }

    /// UTF-8 text, or lowercase hexadecimal for values that are not (binary attributes).
    private static func text(of bytes: UnsafeRawBufferPointer) -> String {
        if let text = String(validating: bytes, as: UTF8.self),
           !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" }) {
            return text
        }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    private func check(_ code: Int32, _ what: String) throws(LDAPError) {
        guard code == LDAP_OPT_SUCCESS else {
            throw .failure(code: code, message: "cannot set the \(what) option")
        }
    }

    private func error(_ code: Int32, doing what: String) -> LDAPError {
        var message = "\(what): \(Self.text(code))"
        if let diagnostic = cldap_diagnostic(handle) {
            let words = String(cString: diagnostic)
            ldap_memfree(diagnostic)
            if !words.isEmpty { message += " (\(words))" }
        }
        switch code {
        case LDAP_SERVER_DOWN, LDAP_CONNECT_ERROR, LDAP_TIMEOUT, LDAP_UNAVAILABLE, LDAP_BUSY:
            return .unreachable(message)
        default:
            return .failure(code: code, message: message)
        }
    }

    private static func text(_ code: Int32) -> String {
        guard let pointer = ldap_err2string(code) else { return "error \(code)" }
        return String(cString: pointer)
    }
}
