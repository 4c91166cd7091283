import Foundation

/// Sign-in through an identity platform speaking CAS 3.0 (`serve --cas-url …`; see docs/identity.md, "CAS 3.0").
public struct CASSettings: Sendable, Equatable {
    /// The CAS server's prefix, https, without a trailing slash (`https://cas.example.gov/cas`): the browser goes to
    /// `<prefix>/login`, tickets are validated at `<prefix>/p3/serviceValidate`, sign-out goes to `<prefix>/logout`.
    public var serverURL: String
    /// A PEM file of the CAs to trust for the CAS server's certificate instead of the system's.
    public var caFile: String?
    /// Which CAS attributes give the account's login, name, employee number, department, job category and e-mail.
    public var attributes = CASAttributeMap()
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

/// Which CAS attributes fill which account fields (`--cas-attribute FIELD=ATTRIBUTE`). A nil attribute leaves the
/// field as the account has it; the login, when no attribute is named, is the CAS user (`<cas:user>`).
public struct CASAttributeMap: Sendable, Equatable {
    /// The account fields an attribute can fill, as the option names them.
    public enum Field: String, Sendable, CaseIterable {
        case login, name, employeeNumber = "employee-number", department, jobCategory = "job-category", email
    }

    public var login: String?
    public var name: String? = "cn"
    public var employeeNumber: String? = "employeeNumber"
    /// The attribute holding the department as a name path ("省人民政府/省数据局/综合处").
    public var department: String?
    public var jobCategory: String?
    public var email: String? = "mail"

    public init() {}

    /// The map with each `FIELD=ATTRIBUTE` applied over the defaults (`FIELD=` turns a field off), or the reason
    /// one cannot be.
    public static func parse(_ entries: [String]) -> Result<CASAttributeMap, CASSettingsError> {
        var map = CASAttributeMap()
        for entry in entries {
            guard let equals = entry.firstIndex(of: "=") else {
                return .failure(CASSettingsError("\(entry) is not FIELD=ATTRIBUTE (for example name=cn)"))
            }
            let fieldName = entry[..<equals].trimmingCharacters(in: .whitespaces)
            let attribute = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let field = Field(rawValue: fieldName) else {
                let known = Field.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(CASSettingsError("\(fieldName) is not an account field; give one of \(known)"))
            }
            guard attribute.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:".contains($0) }) else {
                return .failure(CASSettingsError("\(attribute) is not an attribute name (letters, digits, - _ . :)"))
            }
            let value = attribute.isEmpty ? nil : attribute
            switch field {
            case .login: map.login = value
            case .name: map.name = value
            case .employeeNumber: map.employeeNumber = value
            case .department: map.department = value
            case .jobCategory: map.jobCategory = value
            case .email: map.email = value
            }
        }
        return .success(map)
    }

    /// What the CAS server's answer says about the person, mapped to a profile (first value of each attribute).
    public func profile(_ success: CASServiceResponse.Success) -> ExternalProfile {
        func value(_ attribute: String?) -> String? { attribute.flatMap { success.attributes[$0]?.first } }
        let login = self.login.map { value($0) ?? "" } ?? success.user
        return ExternalProfile(method: .cas, subject: success.user, login: login, displayName: value(name),
                               employeeNumber: value(employeeNumber),
                               departmentPath: value(department).map(ExternalProfile.departmentPath),
                               jobCategory: value(jobCategory), email: value(email))
    }
}

/// A CAS setting that cannot be used; the text says why.
public struct CASSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
