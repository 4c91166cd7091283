import ArgumentParser
import Foundation
import TrainingServer

/// The `serve` options of sign-in through an identity platform over CAS 3.0 (docs/identity.md, "CAS 3.0").
struct CASOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The CAS 3.0 server's prefix (https only), e.g. https://cas.example.gov/cas: the login page offers signing in there.",
                               valueName: "url"))
    var casUrl: String?
    @Option(help: ArgumentHelp("A PEM file of the CAs to trust for the CAS server's certificate (default: the system's).",
                               valueName: "file"))
    var casCaFile: String?
    @Option(help: ArgumentHelp("Which CAS attribute fills an account field: FIELD=ATTRIBUTE with FIELD one of login (default: the CAS user), name (cn), employee-number (employeeNumber), department (a name path; none), job-category (none), email (mail); FIELD= leaves it alone. Repeat for several.",
                               valueName: "field=attribute"))
    var casAttribute: [String] = []
    @Option(help: ArgumentHelp("match: only people who already have an account sign in; create: others get one at their first sign-in.",
                               valueName: "match|create"))
    var casProvision = "match"
    @Option(help: ArgumentHelp("The department (a name path such as 省人民政府/省数据局) for new accounts the CAS server names no department for (default: the top of the organisation).",
                               valueName: "path"))
    var casDefaultDepartment: String?
    @Option(help: ArgumentHelp("on: signing out of the platform also signs the person out at the CAS server; off: only here.",
                               valueName: "on|off"))
    var casLogout = "on"

    func validate() throws {
        guard let casUrl else {
            for (given, name) in [(casCaFile != nil, "--cas-ca-file"), (!casAttribute.isEmpty, "--cas-attribute"),
                                  (casProvision != "match", "--cas-provision"),
                                  (casDefaultDepartment != nil, "--cas-default-department"),
                                  (casLogout != "on", "--cas-logout")] where given {
                throw ValidationError("\(name) needs --cas-url")
            }
            return
        }
        if let problem = CASSettings.problem(url: casUrl) { throw ValidationError("--cas-url: \(problem)") }
        do { _ = try CASSettings.attributes(casAttribute) } catch { throw ValidationError(error.description) }
        guard ProvisioningPolicy(rawValue: casProvision) != nil else {
            throw ValidationError("--cas-provision must be match or create, not \(casProvision)")
        }
        guard casLogout == "on" || casLogout == "off" else {
            throw ValidationError("--cas-logout must be on or off, not \(casLogout)")
        }
        if let casDefaultDepartment, ExternalProfile.departmentPath(casDefaultDepartment).isEmpty {
            throw ValidationError("--cas-default-department: \(casDefaultDepartment) names no department")
        }
    }

    /// The settings, or nil when no CAS server was given.
    func settings() throws -> CASSettings? {
        guard let casUrl else { return nil }
        if let casCaFile { try requireReadableFile(casCaFile) }
        var settings = CASSettings(serverURL: casUrl)
        settings.caFile = casCaFile
        do { settings.attributes = try CASSettings.attributes(casAttribute) } catch { throw ValidationError(error.description) }
        settings.provisioning = ProvisioningPolicy(rawValue: casProvision) ?? .match
        settings.defaultDepartment = casDefaultDepartment.map(ExternalProfile.departmentPath) ?? []
        settings.logout = casLogout == "on"
        return settings
    }
}
