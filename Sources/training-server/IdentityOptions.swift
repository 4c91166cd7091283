import ArgumentParser
import Foundation
import TrainingServer

/// How people sign in (`serve`): the platform's own passwords, and the directory (LDAP / Active Directory).
struct IdentityOptions: ParsableArguments {
    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    @Option(help: ArgumentHelp("Whether the platform's own passwords are accepted (sign-in form, password reset). Turn off when the directory or identity platform is the only way in; with --ldap-url, people not in the directory then cannot sign in.",
                               valueName: "on|off"))
    var localPasswords: Switch = .on
    @OptionGroup var ldap: LDAPOptions

    /// Sets the local-password switch and the directory in `identity`.
    func apply(to identity: inout IdentitySettings) throws {
        identity.localPasswords = localPasswords == .on
        identity.ldap = try ldap.settings()
    }

    /// Refuses a configuration in which nobody could sign in (run once every option group has set `identity`).
    static func requireSomeWayIn(_ identity: IdentitySettings) throws {
        guard identity.localPasswords || identity.ldap != nil || !identity.redirectMethods.isEmpty else {
            throw ValidationError("--local-passwords off needs another way to sign in (--ldap-url, CAS or OpenID Connect): as configured, nobody could sign in")
        }
    }
}
