import Foundation

/// Signs a person in against the directory by bind-and-search: bind as the service account, search for the typed
/// login with the user filter (people the filter leaves out, such as those disabled in the directory, are not
/// found), require exactly one entry, then bind as that entry with the typed password. Each sign-in uses a
/// connection of its own, closed at the end.
public struct LDAPAuthenticator: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The directory vouches for the person: their details through the attribute map.
        case signedIn(ExternalProfile)
        /// The person is in the directory and the password is wrong.
        case wrongPassword
        /// The user filter finds nobody for this login.
        case notFound
        /// The filter finds several entries: none may sign in (the filter or the directory needs fixing).
        case ambiguous
    }

    public let settings: LDAPSettings

    public init(settings: LDAPSettings) {
        self.settings = settings
    }

    /// The entries the user filter finds for `login` (at most 2: more than one is already too many), searched as
    /// the service account.
    public func entries(login: String) throws(LDAPError) -> [LDAPEntry] {
        let connection = try serviceConnection()
        return try search(connection, login: login)
    }

    /// Checks `password` for `login` against the directory. An empty password never reaches the directory.
    /// Throws when the directory cannot be reached or refuses the service account.
    public func authenticate(login: String, password: String) throws(LDAPError) -> Outcome {
        guard !login.isEmpty, !password.isEmpty else { return .notFound }
        let connection = try serviceConnection()
        let found = try search(connection, login: login)
        guard found.count == 1, let entry = found.first else { return found.isEmpty ? .notFound : .ambiguous }
        do {
            try connection.bind(dn: entry.dn, password: password)
        } catch .invalidCredentials {
            return .wrongPassword
        }
        return .signedIn(settings.profile(from: entry, typedLogin: login))
    }

    private func serviceConnection() throws(LDAPError) -> LDAPConnection {
        let connection = try LDAPConnection(settings.connectionOptions)
        do {
            try connection.bind(dn: settings.bindDN, password: settings.bindPassword)
        } catch .invalidCredentials {
            throw .failure(code: 49, message: "the directory refused the service account \(settings.bindDN) (check --ldap-bind-dn and --ldap-bind-password-file)")
        }
        return connection
    }

    private func search(_ connection: LDAPConnection, login: String) throws(LDAPError) -> [LDAPEntry] {
        try connection.search(base: settings.base, filter: settings.filter(login: login),
                              attributes: settings.requestedAttributes, limit: 2)
    }
}
