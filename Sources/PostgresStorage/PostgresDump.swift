import Foundation

/// `pg_dump` and `pg_restore --list` for one configuration: the PostgreSQL engine's backups. The connection goes to
/// them through libpq's environment variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`, …; the
/// password, when the configuration holds one, as `PGPASSWORD` in the child's environment only, else libpq's own
/// `PGPASSFILE`), never on the command line where `ps` would show it.
struct PostgresDump {
    let configuration: PostgresConfiguration

    /// The first of these that exists runs: Debian's wrapper on the PATH picks the version matching the server.
    static let programFolders = ["/usr/bin", "/usr/local/bin", "/usr/lib/postgresql/15/bin"]

    static func program(_ name: String) -> String? {
        programFolders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = configuration.host
        environment["PGPORT"] = String(configuration.port)
        environment["PGUSER"] = configuration.user
        environment["PGDATABASE"] = configuration.database
        environment["PGCONNECT_TIMEOUT"] = String(configuration.connectTimeoutSeconds)
        environment["PGAPPNAME"] = "training-server backup"
        if let password = configuration.password { environment["PGPASSWORD"] = password }
        if let mode = configuration.sslMode { environment["PGSSLMODE"] = mode.rawValue }
        if let file = configuration.sslRootCertificate { environment["PGSSLROOTCERT"] = file }
        if let file = configuration.sslCertificate { environment["PGSSLCERT"] = file }
        if let file = configuration.sslKey { environment["PGSSLKEY"] = file }
        return environment
    }

    /// Writes a custom-format dump to `path`; throws with pg_dump's own message when it fails (and leaves no file).
    func write(to path: String) throws {
        guard let program = Self.program("pg_dump") else {
            throw PostgresEngineError.backupFailed("pg_dump was not found (install postgresql-client-15)")
        }
        var arguments = ["--format=custom", "--no-password", "--file=\(path)"]
        if let schema = configuration.schema { arguments.append("--schema=\(schema)") }
        let (status, errors) = try run(program, arguments)
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw PostgresEngineError.backupFailed("pg_dump: " + errors.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // pg_dump creates the file with the umask's mode: it holds password hashes and personal data.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// "ok" when `pg_restore --list` reads the dump's table of contents, else its message.
    func check(_ path: String) -> String {
        guard let program = Self.program("pg_restore") else { return "pg_restore was not found" }
        guard let (status, errors) = try? run(program, ["--list", path]) else { return "pg_restore could not run" }
        return status == 0 ? "ok" : errors.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func run(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
