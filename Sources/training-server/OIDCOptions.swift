import ArgumentParser
import Foundation
import TrainingServer

/// The OpenID Connect options of `serve`.
struct OIDCOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The OpenID Connect provider's issuer URL (https), as its discovery document names it; offers single sign-on through it. Register <public URL>/login/oidc/callback as the redirect URI.",
                               valueName: "url"))
    var oidcIssuer: String?
    @Option(help: ArgumentHelp("The client ID the provider registered the platform under.", valueName: "id"))
    var oidcClientId: String?
    @Option(help: ArgumentHelp("A file holding the client secret (sent with HTTP Basic to the token endpoint).", valueName: "file"))
    var oidcClientSecretFile: String?
    @Option(help: ArgumentHelp("A PEM file of the CAs to trust for the provider's certificate (default: the system's).",
                               valueName: "file"))
    var oidcCaFile: String?
    @Option(help: ArgumentHelp("The scopes asked for (openid is required).", valueName: "scopes"))
    var oidcScope = "openid profile email"
    @Option(help: ArgumentHelp("Which claim holds a detail: FIELD=CLAIM, FIELD one of login (default preferred_username), name (name), employee-number (employee_number), department (department, a name path such as 省人民政府/省数据局/综合处), job-category (job_category), email (email); an empty CLAIM leaves the detail out. Repeat for several.",
                               valueName: "field=claim"))
    var oidcClaim: [String] = []
    @Option(help: ArgumentHelp("match: only people who already have an account sign in; create: accounts are created at the first sign-in.",
                               valueName: "match|create"))
    var oidcProvision = "match"
    @Option(help: ArgumentHelp("The department (a name path such as 省人民政府/省数据局) for new accounts the provider names no department for (default: the top department).",
                               valueName: "path"))
    var oidcDefaultDepartment: String?

    func validate() throws {
        guard let oidcIssuer else {
            for (given, name) in [(oidcClientId != nil, "--oidc-client-id"), (oidcClientSecretFile != nil, "--oidc-client-secret-file"),
                                  (oidcCaFile != nil, "--oidc-ca-file"), (!oidcClaim.isEmpty, "--oidc-claim"),
                                  (oidcDefaultDepartment != nil, "--oidc-default-department")] where given {
                throw ValidationError("\(name) needs --oidc-issuer")
            }
            return
        }
        guard let url = URL(string: oidcIssuer), url.scheme?.lowercased() == "https", url.host?.isEmpty == false,
              url.query == nil, url.fragment == nil else {
            throw ValidationError("--oidc-issuer: \(oidcIssuer) is not an https URL such as https://sso.example.gov/realms/staff")
        }
        guard oidcClientId?.isEmpty == false else { throw ValidationError("--oidc-issuer needs --oidc-client-id") }
        guard oidcClientSecretFile != nil else { throw ValidationError("--oidc-issuer needs --oidc-client-secret-file") }
        guard oidcScope.split(separator: " ").contains("openid") else {
            throw ValidationError("--oidc-scope must include openid (it is \"\(oidcScope)\")")
        }
        guard ProvisioningPolicy(rawValue: oidcProvision) != nil else {
            throw ValidationError("--oidc-provision: \(oidcProvision) is neither match nor create")
        }
        do { _ = try OIDCSettings.claims(oidcClaim) } catch { throw ValidationError(error.description) }
    }

    /// The settings, or nil when no issuer was given.
    func settings() throws -> OIDCSettings? {
        guard let oidcIssuer, let oidcClientId, let oidcClientSecretFile else { return nil }
        let secret: String
        do {
            secret = try String(contentsOfFile: oidcClientSecretFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        } catch {
            throw ValidationError("--oidc-client-secret-file: cannot read \(oidcClientSecretFile): \(error.localizedDescription)")
        }
        guard !secret.isEmpty else { throw ValidationError("--oidc-client-secret-file: \(oidcClientSecretFile) is empty") }
        if let oidcCaFile { try requireReadableFile(oidcCaFile) }
        var settings = OIDCSettings(issuer: oidcIssuer, clientID: oidcClientId, clientSecret: secret)
        settings.caFile = oidcCaFile
        settings.scope = oidcScope
        do { settings.claims = try OIDCSettings.claims(oidcClaim) } catch { throw ValidationError(error.description) }
        settings.provisioning = ProvisioningPolicy(rawValue: oidcProvision) ?? .match
        settings.defaultDepartment = oidcDefaultDepartment.map(ExternalProfile.departmentPath) ?? []
        return settings
    }
}
