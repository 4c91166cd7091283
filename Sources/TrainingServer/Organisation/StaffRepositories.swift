import Crypto
import Foundation
/// A staff file uploaded for a dry run in the browser, waiting for its confirmation.
public struct StaffImportUpload: Sendable, Equatable {
    public var id: String
    public var userID: UserID
    public var fileName: String
    public var sha256: String
    public var content: [UInt8]
    public var createdAt: Double
}

/// One applied staff import, as the history lists it.
public struct StaffImportRecord: Sendable, Equatable {
    public var id: Int64
    public var at: Double
    public var actor: String
    public var fileName: String
    public var sha256: String
    /// The ids of the departments at the top of the importer's scope; empty: the whole organisation.
    public var scope: [String]
    public var created: Int
    public var updated: Int
    public var disabled: Int
    public var unchanged: Int
    public var departments: Int
    public var warnings: Int
}

/// The people and departments a staff import compares against and changes, all in one transaction per import.
public protocol StaffRepository: Sendable {
    /// Everyone and every department path, for planning an import.
    func snapshot() throws -> (people: [StaffImport.Existing], departments: Set<[String]>)
    /// Applies `plan`: new accounts get `passwordHashes[employeeNumber]` (or a hash no password matches); with
    /// `source`, the import is kept in the history of imports.
    func apply(_ plan: StaffImport.Plan, passwordHashes: [String: String], source: StaffImportSource?,
               by actor: AuditActor) throws
    /// Plans `file` again inside one write transaction and applies it only when the plan is exactly the one
    /// previewed (`fingerprint`); otherwise nothing changes and it is refused. Returns the plan applied.
    func apply(file: StaffImport.File, reach: [[String]]?, expecting fingerprint: String, source: StaffImportSource,
               by actor: AuditActor) throws -> StaffImport.Plan
}

/// Uploaded staff files waiting for confirmation, and the history of applied imports.
public protocol StaffImportRepository: Sendable {
    func keep(fileName: String, content: [UInt8], userID: UserID) throws -> StaffImportUpload
    func upload(_ id: String, userID: UserID) throws -> StaffImportUpload?
    func discard(_ id: String) throws
    func history(limit: Int, include: (StaffImportRecord) -> Bool) throws -> [StaffImportRecord]
}

extension StaffImportUpload {
    /// How long an uploaded file waits for its confirmation.
    public static let lifetime: Double = 86_400

    /// The SHA-256 hex digest of a file.
    public static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
