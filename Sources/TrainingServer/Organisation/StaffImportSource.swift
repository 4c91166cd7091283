import Foundation

/// What an import came from, for its history: the file's name and SHA-256 digest, and the administrator's
/// scope (the ids of the departments at its top; empty for the whole organisation, as on the command line).
public struct StaffImportSource: Sendable, Equatable {
    public var fileName: String
    public var sha256: String
    public var scope: [String]

    public init(fileName: String, sha256: String, scope: [String]) {
        self.fileName = fileName
        self.sha256 = sha256
        self.scope = scope
    }
}

/// The file plans differently now than when it was previewed (or no longer plans): nothing was changed.
public struct StaffImportChanged: Error, Sendable, Equatable {
    public init() {}
}
