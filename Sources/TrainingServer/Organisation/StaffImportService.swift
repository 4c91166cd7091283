import Foundation

/// Staff imports from the administration pages: a file is uploaded and kept under a random id with its SHA-256
/// digest, planned (the dry run: nothing changes) against the people and departments within the administrator's
/// scope, then applied exactly as previewed in one transaction, or refused when the file or the data changed
/// since. Applied imports, from the pages and the command line alike, are kept in a history.
public struct StaffImportService: Sendable {
    let staff: any StaffRepository
    let imports: any StaffImportRepository
    let departments: any DepartmentRepository

    /// The largest staff file the page takes (a workbook of 100,000 people is about 5 MB).
    public static let maximumFileSize = 10 * 1024 * 1024

    public init(storage: any StorageEngine) {
        staff = storage.staff
        imports = storage.staffImports
        departments = storage.departments
    }

    /// A dry run: the upload and what applying it would do (or every problem of the file).
    public struct Preview: Sendable {
        public var upload: StaffImportUpload
        public var outcome: StaffImport.Outcome
        /// What the confirmation must send back: the plan's fingerprint (nil when the file has problems).
        public var fingerprint: String? {
            if case .plan(let plan) = outcome { plan.fingerprint } else { nil }
        }
    }

    /// Why a confirmed import was not applied; nothing was changed.
    public enum Refusal: Error, Sendable, Equatable {
        /// No such upload of this administrator (or it expired).
        case notFound
        /// The digest sent is not the stored file's.
        case fileChanged
        /// The file plans differently now (people or departments changed since the dry run) or no longer plans.
        case dataChanged
    }

    /// The name paths of the tops of `scope`, which every row must lie within.
    static func reach(_ scope: AdminScope) -> [[String]] { scope.roots.map(\.namePath) }

    /// Keeps an uploaded file for its dry run.
    public func upload(fileName: String, content: [UInt8], by user: User) throws -> StaffImportUpload {
        try imports.keep(fileName: Self.cleanFileName(fileName), content: content, userID: user.id)
    }

    /// The dry run of upload `id` (nil: no such upload of this administrator).
    public func preview(_ id: String, scope: AdminScope) throws -> Preview? {
        guard let upload = try imports.upload(id, userID: scope.user.id) else { return nil }
        let (people, paths) = try staff.snapshot()
        let outcome = StaffImport.plan(file: StaffImport.File.detect(upload.content), existing: people, departments: paths,
                                       reach: Self.reach(scope))
        return Preview(upload: upload, outcome: outcome)
    }

    /// Applies upload `id` when `sha256` is its digest and it still plans to `fingerprint`; audited and kept in the
    /// history. The upload is discarded once applied.
    public func apply(_ id: String, sha256: String, fingerprint: String, scope: AdminScope) throws -> StaffImport.Plan {
        guard let upload = try imports.upload(id, userID: scope.user.id) else { throw Refusal.notFound }
        guard Tokens.constantTimeEquals(sha256, upload.sha256),
              StaffImportUpload.digest(upload.content) == upload.sha256 else { throw Refusal.fileChanged }
        let plan: StaffImport.Plan
        do {
            plan = try staff.apply(file: StaffImport.File.detect(upload.content), reach: Self.reach(scope),
                                   expecting: fingerprint,
                                   source: StaffImportSource(fileName: upload.fileName, sha256: upload.sha256,
                                                             scope: scope.roots.map { String($0.id.rawValue) }),
                                   by: AuditActor(scope.user))
        } catch is StaffImportChanged {
            throw Refusal.dataChanged
        }
        try imports.discard(id)
        return plan
    }

    /// The newest imports `scope` may see (all of them without a scope): those made within it (by the
    /// departments at the top of the importer's scope, wherever they are now); the command line's (the whole
    /// organisation), and any whose departments are gone, only by administrators of every top-level department.
    public func history(scope: AdminScope?, limit: Int = 50) throws -> [StaffImportRecord] {
        guard let scope else { return try imports.history(limit: limit) { _ in true } }
        let tops = try departments.all().filter { $0.parentID == nil }
        let wholeOrganisation = !tops.isEmpty && tops.allSatisfy(scope.isVisible)
        return try imports.history(limit: limit) { record in
            let departments = record.scope.compactMap { Int64($0).flatMap { scope.departments[DepartmentID(rawValue: $0)] } }
            guard !record.scope.isEmpty, departments.count == record.scope.count else { return wholeOrganisation }
            return departments.allSatisfy(scope.isVisible)
        }
    }

    /// The last part of an uploaded file's name, without control characters, at most 200 characters.
    static func cleanFileName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(String.UnicodeScalarView(last.unicodeScalars.filter {
            !($0.properties.generalCategory == .control || $0.properties.generalCategory == .format
              || $0 == "\u{2028}" || $0 == "\u{2029}")
        })).trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "staff" : String(clean.prefix(200))
    }
}
