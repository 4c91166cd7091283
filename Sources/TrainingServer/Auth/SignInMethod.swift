import Foundation

/// The ways a person can sign in. Each session and each recorded sign-in names one.
public enum SignInMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// The platform's own password (Argon2id hash in `users`).
    case password
    /// The organisation's directory (LDAP / Active Directory): bind as the person with the password typed on the
    /// platform's form.
    case ldap
    /// The identity platform over CAS 3.0 (统一身份认证): the browser goes to the CAS server and comes back with a
    /// ticket.
    case cas
    /// An OpenID Connect provider: authorization code flow with PKCE.
    case oidc

    /// Methods whose sign-in happens on another site (the login page links to them).
    public var redirects: Bool { self == .cas || self == .oidc }
}

/// Which ways to sign in a deployment offers (`serve --local-passwords`, `--ldap-url`, `--cas-url`,
/// `--oidc-issuer`) and what they require.
public struct IdentitySettings: Sendable {
    /// Whether the platform's own passwords are accepted (the sign-in form, password reset and change). Off
    /// when the directory or the identity platform is the only way in.
    public var localPasswords = true
    /// Roles whose holders must use a second factor (TOTP) with a local password (`--require-2fa hr,admin`).
    public var requireSecondFactor: Set<Role> = []
    /// The OpenID Connect provider (`--oidc-issuer`), if sign-in through one is offered.
    public var oidc: OIDCSettings?
    /// The identity platform over CAS 3.0 (`--cas-url`), when configured.
    public var cas: CASSettings?
    /// Sign-in against the organisation's directory with the login form (`--ldap-url` …); nil: not offered.
    public var ldap: LDAPSettings?

    /// Whether the login page shows the login-and-password form (local passwords, or the directory's).
    public var passwordFormShown: Bool { localPasswords || ldap != nil }
    /// The sign-in methods that happen on another site, in the order the login page lists them.
    public var redirectMethods: [SignInMethod] { (cas == nil ? [] : [.cas]) + (oidc == nil ? [] : [.oidc]) }

    /// Origins that signing out may send a submitted form on to (the pages' `form-action`): the OpenID Connect
    /// provider's end-session endpoint, the CAS server's logout. Browsers apply `form-action` to the redirect after a
    /// POST, so without them the sign-out would stop at the platform.
    public var formActionOrigins: [String] {
        var origins: [String] = []
        if let oidc { origins.append(oidc.origin) }
        if let cas, cas.logout, let origin = Self.origin(of: cas.serverURL), !origins.contains(origin) { origins.append(origin) }
        return origins
    }

    /// "scheme://host[:port]" of a URL.
    static func origin(of text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host else { return nil }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
    }

    public init() {}
}
