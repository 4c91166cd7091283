import ArgumentParser
import Foundation
import TrainingServer

/// `training-server ldap-check --ldap-… LOGIN`: binds as the service account, searches for LOGIN with the user
/// filter and prints what the attribute map makes of the entry, so the map can be got right before people sign in.
struct LDAPCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldap-check",
        abstract: "Look a person up in the directory as sign-in would, and print the mapped details (no password needed).")

    @OptionGroup var ldap: LDAPOptions
    @Argument(help: "The login to look up, as a person would type it.") var login: String

    func validate() throws {
        guard ldap.ldapUrl != nil else { throw ValidationError("give the directory with --ldap-url (and the other --ldap-… options serve gets)") }
    }

    func run() throws {
        guard let settings = try ldap.settings() else { return }
        let entries: [LDAPEntry]
        do {
            entries = try LDAPAuthenticator(settings: settings).entries(login: login)
        } catch {
            throw CommandFailure("\(error)")
        }
        print("filter: \(settings.filter(login: login))")
        guard entries.count == 1, let entry = entries.first else {
            throw CommandFailure(entries.isEmpty
                ? "no entry below \(settings.base) matches the filter: \(login) cannot sign in with the directory"
                : "several entries match the filter: nobody with this login can sign in; make the filter select one entry")
        }
        let profile = settings.profile(from: entry, typedLogin: login)
        print("entry: \(entry.dn)")
        for (name, values) in entry.attributes.sorted(by: { $0.key < $1.key }) {
            print("  \(name): \(values.joined(separator: " | "))")
        }
        let rows: [(ProfileFieldMap.Field, String?)] = [
            (.login, profile.login), (.name, profile.displayName),
            (.employeeNumber, profile.employeeNumber), (.department, profile.departmentPath?.joined(separator: "/")),
            (.jobCategory, profile.jobCategory), (.email, profile.email),
        ]
        print("mapped:")
        print("  \(LDAPSettings.subjectField) (\(settings.subjectAttribute ?? "DN")): \(profile.subject)")
        for (field, value) in rows {
            print("  \(field.rawValue) (\(settings.attributes[field] ?? "not mapped")): \(value ?? "—")")
        }
        print("provisioning: \(settings.provisioning.rawValue)")
    }
}
