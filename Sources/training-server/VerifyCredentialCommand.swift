import ArgumentParser
import Foundation
import SQLiteStorage
import TrainingServer

/// `training-server verify-credential`: checks a certificate's Open Badges credential without the web server.
struct VerifyCredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-credential",
        abstract: "Verify a certificate's Open Badges credential (VC-JWT) offline.",
        discussion: """
            Checks the RS256 signature with the issuer's public key, the credential's structure and claims, and \
            its validity period; with --db (or --database) also whether the certificate was revoked. The key comes from the \
            issuer key file (default: issuer-key.pem next to the database; never created here) or from a JWKS \
            document such as the one served at /.well-known/jwks.json; with --db (or --database), every key the server has \
            published (earlier keys after a key rotation) is trusted as well. Prints "valid: ..." and exits 0, \
            or "invalid: <reason>" and exits 1.
            """)

    @Argument(help: "The credential file (compact JWT, as downloaded from the certificate page).") var file: String
    @Option(help: "The issuer key file (PEM).") var key: String?
    @Option(help: "A JSON Web Key Set file holding the issuer's public keys.") var jwks: String?
    @Option(help: "The SQLite database, to check revocation.") var db: String?
    @Option(help: ArgumentHelp("The PostgreSQL database instead of the SQLite file, to check revocation: postgres://user@host:port/database.",
                               valueName: "url"))
    var database: String?
    @Option(help: ArgumentHelp("A file whose first line is the PostgreSQL role's password.", valueName: "file"))
    var databasePasswordFile: String?
    @Option(help: "Verify as of this date-time (RFC 3339, e.g. 2030-01-31T00:00:00Z) instead of now.") var at: String?

    func validate() throws {
        guard key == nil || jwks == nil else { throw ValidationError("give either --key or --jwks, not both") }
        if let at, Self.parseDate(at) == nil {
            throw ValidationError("--at must be an RFC 3339 date-time such as 2030-01-31T00:00:00Z")
        }
    }

    func run() throws {
        let token: String
        do {
            token = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read the credential file \(file)")
        }
        var keys = try keySet()
        let storage = try storage()
        keys.keys += try publishedKeys(storage).filter { published in
            !keys.keys.contains { $0.thumbprint == published.thumbprint }
        }
        let verifier = CredentialVerifier(keys: keys, revocation: revocationLookup(storage))
        let now = at.flatMap(Self.parseDate) ?? Date()
        switch verifier.verify(token, now: now) {
        case .valid(let claims, let revocationChecked):
            let holder = claims.holderName ?? claims.subjectID
            let achievement = claims.achievementName ?? claims.achievementID ?? "(unnamed achievement)"
            let until = claims.validUntil.map { "valid until " + Self.dateString($0) } ?? "no expiry"
            print("valid: \(holder), \(achievement), \(until)")
            if !revocationChecked {
                print("revocation not checked: give --db or --database to check it")
            }
        case .invalid(let failure, _):
            print("invalid: \(failure.description)")
            throw ExitCode.failure
        }
    }

    /// The issuer's public keys from --jwks, --key, or the key file next to the database.
    private func keySet() throws -> JSONWebKeySet {
        if let jwks {
            guard let data = FileManager.default.contents(atPath: jwks) else {
                throw CommandFailure("cannot read the key set file \(jwks)")
            }
            do {
                return try JSONWebKeySet(jsonData: data)
            } catch let error as IssuerKeyError {
                throw CommandFailure(error.description)
            }
        }
        let path = key ?? URL(fileURLWithPath: db ?? "data/training.sqlite").deletingLastPathComponent()
            .appendingPathComponent("issuer-key.pem").path
        let loaded: IssuerKey?
        do {
            loaded = try IssuerKey.load(at: path)
        } catch let error as IssuerKeyError {
            throw CommandFailure(error.description)
        }
        guard let loaded else {
            throw CommandFailure("there is no issuer key at \(path); give --key or --jwks")
        }
        return loaded.keySet
    }

    /// The database given with --db or --database, nil without either.
    private func storage() throws -> (any StorageEngine)? {
        if let database {
            let configuration = try postgresConfiguration(database, passwordFile: databasePasswordFile,
                                                          applicationName: "training-server verify-credential")
            return try openStorage(sqlite: db ?? "", postgres: configuration, poolSize: 1, clock: now)
        }
        guard let db else { return nil }
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("there is no database at \(db)") }
        return try openStorage(sqlite: db, postgres: nil, clock: now)
    }

    /// The keys the server recorded as published in the database (none without one).
    private func publishedKeys(_ storage: (any StorageEngine)?) throws -> [IssuerPublicKey] {
        try storage?.issuerKeys.published() ?? []
    }

    /// Looks certificates up in the database; nil without one.
    private func revocationLookup(_ storage: (any StorageEngine)?) -> CredentialVerifier.RevocationLookup? {
        guard let repository = storage?.certifications else { return nil }
        return { claims in
            guard let segment = URL(string: claims.credentialID)?.lastPathComponent,
                  let id = CertificateID(typed: segment) else {
                throw LookupError("the credential id \(claims.credentialID) does not name a certificate of this platform")
            }
            guard let certificate = try repository.certificate(id) else {
                throw LookupError("the database holds no certificate \(id.rawValue)")
            }
            guard let revokedAt = certificate.revokedAt else { return nil }
            return CredentialRevocation(revokedAt: Date(timeIntervalSince1970: revokedAt), reason: certificate.revokedReason)
        }
    }

    private struct LookupError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private static func parseDate(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    private static func dateString(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
