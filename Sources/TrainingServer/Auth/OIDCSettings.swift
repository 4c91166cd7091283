import Foundation

/// Sign-in through an OpenID Connect provider (`serve --oidc-issuer …`): the authorization code flow with PKCE, the
/// provider found by discovery, its ID tokens checked against its published keys.
public struct OIDCSettings: Sendable {
    /// The claims of each detail by default (`--oidc-claim FIELD=CLAIM` changes them).
    public static let defaultClaims: ProfileFieldMap = [
        .login: "preferred_username", .name: "name", .employeeNumber: "employee_number", .department: "department",
        .jobCategory: "job_category", .email: "email",
    ]

    /// The map of `--oidc-claim` values over the defaults, or the reason one cannot be used.
    public static func claims(_ texts: [String]) throws(ProfileFieldMapError) -> ProfileFieldMap {
        try ProfileFieldMap.parse(texts, defaults: defaultClaims, option: "--oidc-claim", noun: "CLAIM")
    }

    /// The issuer URL (https), exactly as the provider's discovery document names it.
    public var issuer: String
    public var clientID: String
    /// The client secret, sent in the token request's Authorization header (client_secret_basic).
    public var clientSecret: String
    /// PEM file of the CAs to trust for the provider's certificate instead of the system's.
    public var caFile: String?
    public var scope: String = "openid profile email"
    /// Which claim holds each of the person's details; a detail without one is left out.
    public var claims = OIDCSettings.defaultClaims
    public var provisioning: ProvisioningPolicy = .match
    /// The department (names from the root) of people the provider names none for; empty: the root department.
    public var defaultDepartment: [String] = []
    /// Seconds a started sign-in may take at the provider before its `state` is no longer accepted.
    public var requestLifetime: Double = 600

    public init(issuer: String, clientID: String, clientSecret: String) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// The issuer's origin (`https://host[:port]`): signing out redirects the browser's sign-out form there.
    public var origin: String { IdentitySettings.origin(of: issuer) ?? issuer }

    /// The redirect URI registered at the provider: `<public URL>/login/oidc/callback`.
    public static func redirectURI(publicURL: String) -> String { "\(publicURL)/login/oidc/callback" }
}
