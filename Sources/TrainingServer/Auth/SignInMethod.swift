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
    /// Sign-in against the organisation's directory with the login form (`--ldap-url` …); nil: not offered.
    public var ldap: LDAPSettings?

    /// Whether the login page shows the login-and-password form (local passwords, or the directory's).
    public var passwordFormShown: Bool { localPasswords || ldap != nil }
    /// The sign-in methods that happen on another site, in the order the login page lists them.
    public var redirectMethods: [SignInMethod] { [] }

    public init() {}
}
