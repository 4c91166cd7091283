/// A staff file uploaded for a dry run in the browser, waiting for its confirmation.
public typealias StaffImportUpload = SQLiteStaffImportRepository.Upload
/// One applied staff import, as the history lists it.
public typealias StaffImportRecord = SQLiteStaffImportRepository.Record

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
