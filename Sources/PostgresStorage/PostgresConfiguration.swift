import Foundation

/// Where a PostgreSQL database is and how to reach it, from a `postgres://user@host:port/db?sslmode=…` URL.
///
/// The password never comes from the URL: a URL given on the command line is visible to every local user in `ps`
/// and stays in shell history. It comes from a password file (`passwordFromFile(contents:)`, the server's
/// `--database-password-file`) or, when none is given, from libpq itself (`PGPASSFILE`, else `~/.pgpass`).
/// TLS is libpq's `sslmode` (with `sslrootcert`, `sslcert`, `sslkey` for verification and client certificates).
public struct PostgresConfiguration: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// libpq's `sslmode` values, weakest first.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// nil: libpq looks in `PGPASSFILE` or `~/.pgpass`.
    public var password: String?
    /// nil: libpq's default (`prefer`, or `PGSSLMODE`).
    public var sslMode: SSLMode?
    public var sslRootCertificate: String?
    public var sslCertificate: String?
    public var sslKey: String?
    /// Seconds libpq waits for the server when connecting (libpq's `connect_timeout`).
    public var connectTimeoutSeconds: Int
    /// Shown in `pg_stat_activity`.
    public var applicationName: String
    /// The schema tables are created in and looked up from (`search_path`), nil for the role's default (`public`).
    public var schema: String?

    public static let defaultPort = 5432

    public init(host: String, port: Int = PostgresConfiguration.defaultPort, user: String, database: String,
                password: String? = nil, sslMode: SSLMode? = nil, connectTimeoutSeconds: Int = 10,
                applicationName: String = "training-server", schema: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.password = password
        self.sslMode = sslMode
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
        self.schema = schema
    }

    /// The URL again, without any password: safe for logs and error messages.
    public var description: String {
        var text = "postgres://\(Self.encode(user))@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(Self.encode(database))"
        var query: [String] = []
        if let sslMode { query.append("sslmode=\(sslMode.rawValue)") }
        if let sslRootCertificate { query.append("sslrootcert=\(Self.encode(sslRootCertificate))") }
        if let sslCertificate { query.append("sslcert=\(Self.encode(sslCertificate))") }
        if let sslKey { query.append("sslkey=\(Self.encode(sslKey))") }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    /// What `dump` and debuggers show: the URL and whether a password is set, never the password.
    public var customMirror: Mirror {
        Mirror(self, children: ["url": description, "password": password == nil ? "(libpq's PGPASSFILE)" : "(set)",
                                "schema": schema ?? "(default)"])
    }

    /// libpq's connection keywords and values (for `PQconnectdbParams`, which needs no quoting). Holds the password:
    /// never log it.
    public var connectionParameters: [(keyword: String, value: String)] {
        var parameters: [(String, String)] = [
            ("host", host), ("port", String(port)), ("user", user), ("dbname", database),
            ("connect_timeout", String(connectTimeoutSeconds)), ("application_name", applicationName),
            ("client_encoding", "UTF8"),
        ]
        if let password { parameters.append(("password", password)) }
        if let sslMode { parameters.append(("sslmode", sslMode.rawValue)) }
        if let sslRootCertificate { parameters.append(("sslrootcert", sslRootCertificate)) }
        if let sslCertificate { parameters.append(("sslcert", sslCertificate)) }
        if let sslKey { parameters.append(("sslkey", sslKey)) }
        // Doubles (timestamps, marks, hours) must come back exactly as written: the audit chain hashes them. Servers
        // before 12 print 15 significant digits unless told otherwise; from 12 any value above 0 is the shortest
        // exact form.
        var options = "-c extra_float_digits=3"
        if let schema { options += " -c search_path=\(schema)" }
        parameters.append(("options", options))
        return parameters
    }

    // MARK: - Parsing

    /// Reads `postgres://user@host[:port]/database[?sslmode=…&sslrootcert=…&sslcert=…&sslkey=…&connect_timeout=…
    /// &application_name=…]` (or `postgresql://`). A pure function: nothing is read or connected.
    public static func parse(_ text: String) throws(PostgresConfigurationError) -> PostgresConfiguration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = trimmed.range(of: "://") else { throw .notAURL(text) }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else { throw .scheme(String(scheme)) }
        var rest = Substring(trimmed[schemeEnd.upperBound...])

        var queryText: Substring?
        if let mark = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }

        guard let slash = rest.firstIndex(of: "/") else { throw .missingDatabase }
        let authority = rest[..<slash]
        let databaseText = rest[rest.index(after: slash)...]
        guard let database = decode(databaseText), !database.isEmpty else { throw .missingDatabase }
        guard !database.contains("/") else { throw .badDatabase(database) }

        // user@host:port — the last "@" ends the user part.
        guard let at = authority.lastIndex(of: "@") else { throw .missingUser }
        let userInfo = authority[..<at]
        var hostPort = authority[authority.index(after: at)...]
        if userInfo.contains(":") { throw .passwordInURL }
        guard let user = decode(userInfo), !user.isEmpty else { throw .missingUser }

        var host: String
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw .badHost(String(hostPort)) }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .badHost(String(hostPort)) }
                portText = after.dropFirst()
            }
        } else {
            if let colon = hostPort.firstIndex(of: ":") {
                portText = hostPort[hostPort.index(after: colon)...]
                hostPort = hostPort[..<colon]
            }
            host = String(hostPort)
        }
        guard !host.isEmpty else { throw .missingHost }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:%".contains($0) }) else { throw .badHost(host) }

        var port = defaultPort
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { throw .badPort(String(portText)) }
            port = number
        }

        var configuration = PostgresConfiguration(host: host, port: port, user: user, database: database)
        if let queryText, !queryText.isEmpty {
            for pair in queryText.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0])
                guard parts.count == 2, let value = decode(parts[1]), !value.isEmpty else { throw .badParameter(key) }
                switch key {
                case "sslmode":
                    guard let mode = SSLMode(rawValue: value) else { throw .badSSLMode(value) }
                    configuration.sslMode = mode
                case "sslrootcert": configuration.sslRootCertificate = value
                case "sslcert": configuration.sslCertificate = value
                case "sslkey": configuration.sslKey = value
                case "connect_timeout":
                    guard let seconds = Int(value), seconds >= 1 else { throw .badParameter(key) }
                    configuration.connectTimeoutSeconds = seconds
                case "application_name": configuration.applicationName = value
                case "schema":
                    // Several platforms (or a test's copies) in one database, each in a schema of its own.
                    guard isPlainIdentifier(value) else { throw .badParameter(key) }
                    configuration.schema = value
                case "password": throw .passwordInURL
                default: throw .unknownParameter(key)
                }
            }
        }
        return configuration
    }

    /// The password in a password file's contents: its first line, without the line break. Empty is refused.
    public static func passwordFromFile(contents: String) throws(PostgresConfigurationError) -> String {
        // "\r\n" is one Character in Swift, and a newline like "\n".
        let password = String(contents.prefix { !$0.isNewline })
        guard !password.isEmpty else { throw .emptyPasswordFile }
        return password
    }

    /// This configuration with the password read from the file at `path`.
    public func withPassword(fromFile path: String) throws(PostgresConfigurationError) -> PostgresConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadablePasswordFile(path) }
        guard let contents = String(data: data, encoding: .utf8) else { throw .unreadablePasswordFile(path) }
        var copy = self
        copy.password = try Self.passwordFromFile(contents: contents)
        return copy
    }

    /// A schema name that needs no quoting: lower-case letters, digits and underscores, not starting with a digit.
    public static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_".unicodeScalars)
        return !("0"..."9").contains(Character(first)) && name.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).removingPercentEncoding
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/?#"))) ?? text
    }
}

/// Why a database URL or password file was refused; each message says what to write instead.
public enum PostgresConfigurationError: Error, Equatable, CustomStringConvertible {
    case notAURL(String)
    case scheme(String)
    case missingUser
    case missingHost
    case badHost(String)
    case badPort(String)
    case missingDatabase
    case badDatabase(String)
    case passwordInURL
    case badSSLMode(String)
    case badParameter(String)
    case unknownParameter(String)
    case emptyPasswordFile
    case unreadablePasswordFile(String)

    public var description: String {
        let form = "postgres://USER@HOST:PORT/DATABASE?sslmode=MODE"
        switch self {
        case .notAURL(let text):
            return "'\(text)' is not a database URL: write \(form), or a SQLite file path"
        case .scheme(let scheme):
            return "unknown database URL scheme '\(scheme)': use postgres:// or postgresql://"
        case .missingUser:
            return "the database URL names no user: write \(form)"
        case .missingHost:
            return "the database URL names no host: write \(form)"
        case .badHost(let host):
            return "'\(host)' is not a host name or address (IPv6 addresses go in brackets: [::1])"
        case .badPort(let port):
            return "'\(port)' is not a port: use a number from 1 to 65535"
        case .missingDatabase:
            return "the database URL names no database: write \(form)"
        case .badDatabase(let name):
            return "'\(name)' is not a database name"
        case .passwordInURL:
            return "the database URL contains a password; remove it and put the password in a file given with "
                + "--database-password-file (or in PGPASSFILE / ~/.pgpass): a password in a URL shows in `ps` "
                + "to every user of the machine and stays in shell history"
        case .badSSLMode(let mode):
            return "unknown sslmode '\(mode)': use one of "
                + PostgresConfiguration.SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .badParameter(let key):
            return "the database URL parameter '\(key)' has no valid value"
        case .unknownParameter(let key):
            return "unknown database URL parameter '\(key)': known are sslmode, sslrootcert, sslcert, sslkey, "
                + "connect_timeout, application_name"
        case .emptyPasswordFile:
            return "the database password file is empty: write the password on its first line"
        case .unreadablePasswordFile(let path):
            return "cannot read the database password file \(path) (it must be a readable UTF-8 text file)"
        }
    }
}
