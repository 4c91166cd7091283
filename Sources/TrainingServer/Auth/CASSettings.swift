import Foundation

/// Sign-in through an identity platform speaking CAS 3.0 (`serve --cas-url …`; see docs/identity.md, "CAS 3.0").
public struct CASSettings: Sendable, Equatable {
    /// The CAS server's prefix, https, without a trailing slash (`https://cas.example.gov/cas`): the browser goes to
    /// `<prefix>/login`, tickets are validated at `<prefix>/p3/serviceValidate`, sign-out goes to `<prefix>/logout`.
    public var serverURL: String
    /// A PEM file of the CAs to trust for the CAS server's certificate instead of the system's.
    public var caFile: String?
    /// Which CAS attributes give the account's login, name, employee number, department, job category and e-mail.
    public var attributes = CASSettings.defaultAttributes
    /// Whether people without an account get one at their first sign-in.
    public var provisioning = ProvisioningPolicy.match
    /// The department (names from the root; empty: the root) for new accounts the CAS server names none for.
    public var defaultDepartment: [String] = []
    /// Whether signing out of the platform also signs the person out at the CAS server (`/logout?service=…`).
    public var logout = true
    /// Seconds for connecting to the CAS server (twice that for the whole validation).
    public var timeout = 10.0

    public init(serverURL: String) {
        self.serverURL = Self.normalised(serverURL)
    }

    /// The URL without trailing slashes.
    public static func normalised(_ url: String) -> String {
        var url = url.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Why `url` cannot be a CAS server prefix, or nil when it can: https only (tickets and people's attributes
    /// travel over it), a host, no query, fragment or user information.
    public static func problem(url: String) -> String? {
        let url = normalised(url)
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            return "\(url) is not a URL; give the CAS server's prefix such as https://cas.example.gov/cas"
        }
        guard scheme == "https" else {
            return "\(url) does not use https; the CAS server must be reached over TLS (https://…), so tickets and people's details cannot be read or changed on the way"
        }
        guard let host = parts.host, !host.isEmpty else { return "\(url) names no host" }
        guard parts.query == nil, parts.fragment == nil, parts.user == nil, parts.password == nil else {
            return "\(url) must be the CAS server's prefix only, without query, fragment or user name"
        }
        return nil
    }

    /// The service URL the CAS server sends the browser back to (and posts single-logout requests to): the
    /// callback under `publicURL`, with `next` in its query unless it is the home page. Built the same way when
    /// the ticket is validated, so the two service strings are identical.
    public static func serviceURL(publicURL: String, next: String) -> String {
        let callback = normalised(publicURL) + CASSettings.callbackPath
        return next == "/" ? callback : callback + "?next=" + PercentDecoding.encode(next)
    }

    /// The path of the service URL (the ticket comes back to it; single logout is posted to it).
    public static let callbackPath = "/login/cas/callback"

    /// Where the browser signs in at the CAS server for `service`.
    public func loginURL(service: String) -> String {
        "\(serverURL)/login?service=\(PercentDecoding.encode(service))"
    }

    /// Where the ticket is validated (CAS 3.0 `/p3/serviceValidate`, attributes included; proxy tickets refused).
    public func validationURL(service: String, ticket: String) -> String {
        "\(serverURL)/p3/serviceValidate?service=\(PercentDecoding.encode(service))&ticket=\(PercentDecoding.encode(ticket))"
    }

    /// Where the browser goes after signing out of the platform: the CAS server's `/logout`, which ends the
    /// person's session there and sends them back to the platform's login page; nil when `--cas-logout off`.
    public func signOutURL(publicURL: String) -> String? {
        guard logout else { return nil }
        return "\(serverURL)/logout?service=\(PercentDecoding.encode(Self.normalised(publicURL) + "/login"))"
    }
}

extension CASSettings {
    /// The CAS attributes of each account field by default (`--cas-attribute FIELD=ATTRIBUTE` changes them). No login
    /// attribute: the login is the CAS user (`<cas:user>`).
    public static let defaultAttributes: ProfileFieldMap = [.name: "cn", .employeeNumber: "employeeNumber", .email: "mail"]

    /// Whether `text` can be a CAS attribute name: letters, digits, - _ . :
    public static func isAttributeName(_ text: String) -> Bool {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_.:".contains($0) }
    }

    /// The map of `--cas-attribute` values over the defaults, or the reason one cannot be used.
    public static func attributes(_ texts: [String]) throws(ProfileFieldMapError) -> ProfileFieldMap {
        try ProfileFieldMap.parse(texts, defaults: defaultAttributes, option: "--cas-attribute", noun: "ATTRIBUTE",
                                  isName: isAttributeName)
    }

    /// What the CAS server's answer says about the person, through the attribute map (first value of each
    /// attribute). Without a login attribute the login is the CAS user; a named one the answer lacks gives none.
    public func profile(_ success: CASServiceResponse.Success) -> ExternalProfile {
        attributes.profile(method: .cas, subject: success.user, fallbackLogin: attributes[.login] == nil ? success.user : "",
                           lookup: { success.attributes[$0]?.first })
    }
}
