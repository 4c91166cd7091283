import ArgumentParser
import Foundation
import TrainingServer

/// `serve --require-2fa hr,admin`: the roles whose holders must use two-step sign-in (TOTP) with a password typed
/// on the platform's form (local or the directory's).
struct SecondFactorOptions: ParsableArguments {
    @Option(name: .customLong("require-2fa"),
            help: ArgumentHelp("Roles that must sign in with two-step sign-in (TOTP) after a password typed here, comma-separated: learner, trainer, hr, admin. Holders without it set it up at their next sign-in, before any other page. CAS and OpenID Connect sign-ins are left to the identity platform.",
                               valueName: "roles"))
    var require2fa: String?

    /// The roles named, or a clear message for an unknown one.
    func roles() throws -> Set<Role> {
        guard let require2fa else { return [] }
        var roles: Set<Role> = []
        for part in require2fa.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let role = Role(rawValue: name) else {
                let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--require-2fa: unknown role \"\(name)\"; give roles from \(known), e.g. --require-2fa hr,admin")
            }
            roles.insert(role)
        }
        return roles
    }

    func validate() throws {
        _ = try roles()
    }
}
