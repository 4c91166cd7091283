import Foundation

/// Sign-in through an OpenID Connect provider (`serve --oidc-issuer …`): the authorization code flow with PKCE, the
/// provider found by discovery, its ID tokens checked against its published keys.
public struct OIDCSettings: Sendable {
    /// Which claim holds each of the person's details (`--oidc-claim FIELD=CLAIM`); nil leaves the detail out.
    public struct ClaimMap: Sendable, Equatable {
        public var login: String = "preferred_username"
        public var name: String? = "name"
        public var employeeNumber: String? = "employee_number"
        /// A department name path from the top of the organisation ("省人民政府/省数据局/综合处").
        public var department: String? = "department"
        public var jobCategory: String? = "job_category"
        public var email: String? = "email"

        public init() {}

        /// The fields `--oidc-claim` accepts, by the name given on the command line.
        public static let fields = ["login", "name", "employee-number", "department", "job-category", "email"]

        /// Sets `field` (one of `fields`) to `claim`; an empty claim leaves the detail out (not the login).
        public mutating func set(_ field: String, to claim: String) -> Bool {
            let given: String? = claim.isEmpty ? nil : claim
            switch field {
            case "login":
                guard let given else { return false }
                login = given
            case "name": name = given
            case "employee-number": employeeNumber = given
            case "department": department = given
            case "job-category": jobCategory = given
            case "email": email = given
            default: return false
            }
            return true
        }
    }

    /// The issuer URL (https), exactly as the provider's discovery document names it.
    public var issuer: String
    public var clientID: String
    /// The client secret, sent in the token request's Authorization header (client_secret_basic).
    public var clientSecret: String
    /// PEM file of the CAs to trust for the provider's certificate instead of the system's.
    public var caFile: String?
    public var scope: String = "openid profile email"
    public var claims = ClaimMap()
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
    public var origin: String {
        guard let url = URL(string: issuer), let scheme = url.scheme, let host = url.host else { return issuer }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
    }

    /// The redirect URI registered at the provider: `<public URL>/login/oidc/callback`.
    public static func redirectURI(publicURL: String) -> String { "\(publicURL)/login/oidc/callback" }
}
