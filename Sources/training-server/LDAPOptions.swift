import ArgumentParser
import Foundation
import TrainingServer

/// The directory options `serve` and `ldap-check` share (sign-in by bind-and-search, docs/identity.md).
struct LDAPOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The directory people sign in against: ldap://HOST[:PORT] (with StartTLS) or ldaps://HOST[:PORT]. Without it the directory is not used.",
                               valueName: "url"))
    var ldapUrl: String?
    @Option(help: ArgumentHelp("StartTLS on an ldap:// URL (default on; off sends passwords in clear and most directories refuse it).",
                               valueName: "on|off"))
    var ldapStartTls: IdentityOptions.Switch?
    @Option(help: ArgumentHelp("A PEM file of the CAs to trust for the directory's certificate (default: the system's).",
                               valueName: "file"))
    var ldapCaFile: String?
    @Option(help: ArgumentHelp("The service account's DN, which searches for people.", valueName: "dn"))
    var ldapBindDn: String?
    @Option(help: ArgumentHelp("A file holding the service account's password.", valueName: "file"))
    var ldapBindPasswordFile: String?
    @Option(help: ArgumentHelp("Where people are searched for (the whole subtree).", valueName: "dn"))
    var ldapBase: String?
    @Option(help: ArgumentHelp("Which entries are people who may sign in; {login} is the typed login (escaped). Leave out disabled people here.",
                               valueName: "filter"))
    var ldapUserFilter = LDAPSettings.defaultUserFilter
    @Option(help: ArgumentHelp("Which attribute holds a detail, FIELD=ATTRIBUTE, repeatable. Fields: login (default uid), name (cn), employee-number (employeeNumber), department (a name path such as 省人民政府/省数据局/综合处, or dn:ou for the entry DN's ou parts), job-category, email (mail), subject (a unique id such as entryUUID or objectGUID; default the entry's DN). FIELD= leaves a field out (not login).",
                               valueName: "field=attribute"))
    var ldapAttribute: [String] = []
    @Option(help: ArgumentHelp("match: only people with an account (same login or employee number) sign in; create: others get an account at their first sign-in.",
                               valueName: "match|create"))
    var ldapProvision = "match"
    @Option(help: ArgumentHelp("The department (a name path from the top, e.g. 省人民政府/省数据局) of people the directory names none for (default: the top department).",
                               valueName: "path"))
    var ldapDefaultDepartment: String?
    @Option(help: ArgumentHelp("Seconds allowed for connecting to the directory and for each answer.", valueName: "seconds"))
    var ldapTimeout = LDAPSettings.defaultTimeout

    func validate() throws {
        guard let ldapUrl else {
            for (given, name) in [(ldapStartTls != nil, "--ldap-start-tls"), (ldapCaFile != nil, "--ldap-ca-file"),
                                  (ldapBindDn != nil, "--ldap-bind-dn"),
                                  (ldapBindPasswordFile != nil, "--ldap-bind-password-file"),
                                  (ldapBase != nil, "--ldap-base"),
                                  (ldapUserFilter != LDAPSettings.defaultUserFilter, "--ldap-user-filter"),
                                  (!ldapAttribute.isEmpty, "--ldap-attribute"), (ldapProvision != "match", "--ldap-provision"),
                                  (ldapDefaultDepartment != nil, "--ldap-default-department"),
                                  (ldapTimeout != LDAPSettings.defaultTimeout, "--ldap-timeout")] where given {
                throw ValidationError("\(name) needs --ldap-url")
            }
            return
        }
        guard ldapBindDn != nil else { throw ValidationError("--ldap-url needs --ldap-bind-dn, the service account that searches for people") }
        guard ldapBindPasswordFile != nil else {
            throw ValidationError("--ldap-url needs --ldap-bind-password-file, a file holding the service account's password")
        }
        guard ldapBase != nil else { throw ValidationError("--ldap-url needs --ldap-base, where people are searched for") }
        guard ProvisioningPolicy(rawValue: ldapProvision) != nil else {
            throw ValidationError("--ldap-provision must be match or create, not \"\(ldapProvision)\"")
        }
        do { _ = try LDAPSettings.attributes(ldapAttribute) } catch { throw ValidationError(error.description) }
        if ldapUrl.lowercased().hasPrefix("ldaps://"), ldapStartTls == .on {
            throw ValidationError("--ldap-start-tls is for ldap:// URLs; an ldaps:// connection is TLS from the start")
        }
        _ = try draft(password: "-")
    }

    /// The settings, or nil without --ldap-url. Reads the password file.
    func settings() throws -> LDAPSettings? {
        guard ldapUrl != nil, let ldapBindPasswordFile else { return nil }
        let password: String
        do {
            password = try String(contentsOfFile: ldapBindPasswordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        } catch {
            throw ValidationError("--ldap-bind-password-file: cannot read \(ldapBindPasswordFile): \(error.localizedDescription)")
        }
        guard !password.isEmpty else { throw ValidationError("--ldap-bind-password-file: \(ldapBindPasswordFile) is empty") }
        if let ldapCaFile {
            do { try requireReadableFile(ldapCaFile) } catch { throw ValidationError("--ldap-ca-file: \(error)") }
        }
        return try draft(password: password)
    }

    /// The settings with `password`, checked.
    private func draft(password: String) throws -> LDAPSettings? {
        guard let ldapUrl else { return nil }
        let attributes: (map: ProfileFieldMap, subject: String?)
        do { attributes = try LDAPSettings.attributes(ldapAttribute) } catch { throw ValidationError(error.description) }
        let settings = LDAPSettings(
            url: ldapUrl, startTLS: !ldapUrl.lowercased().hasPrefix("ldaps://") && ldapStartTls != .off,
            caFile: ldapCaFile, bindDN: ldapBindDn ?? "", bindPassword: password, base: ldapBase ?? "",
            userFilter: ldapUserFilter, attributes: attributes.map, subjectAttribute: attributes.subject,
            provisioning: ProvisioningPolicy(rawValue: ldapProvision) ?? .match,
            defaultDepartment: ldapDefaultDepartment.map(ExternalProfile.departmentPath) ?? [], timeout: ldapTimeout)
        if let problem = settings.problems.first { throw ValidationError(problem) }
        return settings
    }
}
