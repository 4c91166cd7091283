import Foundation

/// What the audit log page asks for: every filter optional, combined with AND.
public struct AuditQuery: Sendable, Equatable {
    /// The actor's login or name (part of either), or `cli` / `system`.
    public var actor: String?
    /// One action exactly (`user.disable`).
    public var action: String?
    /// Part of the subject, or of the login or name of the person (or the name of the department) it is about.
    public var target: String?
    /// Rows at or after this moment (seconds since 1970).
    public var from: Double?
    /// Rows before this moment.
    public var until: Double?

    public init(actor: String? = nil, action: String? = nil, target: String? = nil, from: Double? = nil,
                until: Double? = nil) {
        self.actor = actor
        self.action = action
        self.target = target
        self.from = from
        self.until = until
    }
}

/// Whose rows a reader may see: the whole log, or (a unit administrator) the rows about the people and
/// departments in the subtrees `prefixes` (departments' `id_path`s).
///
/// A row about a person is in scope when that person's department is; a row about a department when that
/// department is; a row about neither (an export, a reload) when its actor's department is. So a row about someone
/// outside the scope never shows, whoever wrote it, and a row about someone inside shows whoever wrote it.
public enum AuditReadScope: Sendable, Equatable {
    case organisation
    case subtrees(prefixes: [String])
}

/// One row of the log with the names it refers to, as they are now.
public struct AuditRecord: Sendable, Equatable {
    public var entry: AuditEntry
    /// The acting person's current name (nil for the command line, the platform itself, or a removed account).
    public var actorName: String?
    /// The person the row is about, when it is about one.
    public var subjectUserID: Int64?
    public var subjectLogin: String?
    public var subjectName: String?
    /// The department the row is about, when it is about one.
    public var subjectDepartmentID: Int64?
}

/// A page of the log, newest first.
public struct AuditPage: Sendable, Equatable {
    public var records: [AuditRecord]
    /// How many rows match, counted up to `AuditLogQueries.countLimit + 1`.
    public var total: Int
    /// Whether `total` is the exact count (false: more than `countLimit`).
    public var totalExact: Bool
    public var offset: Int
    public var limit: Int
}

/// Reading the audit log for the administration's audit page and the system page.
public protocol AuditQueryRepository: Sendable {
    /// One page of the entries `query` selects within `scope`, newest first, with their count.
    func page(_ query: AuditQuery, scope: AuditReadScope, limit: Int, offset: Int) throws -> AuditPage
    /// Up to `limit` entries older than row `before` (nil: the newest), for exports.
    func batch(_ query: AuditQuery, scope: AuditReadScope, before: Int64?, limit: Int) throws -> [AuditRecord]
    /// The newest entry of `action`.
    func latest(action: String) throws -> AuditEntry?
}

extension AuditQuery {
    /// Pages count matching rows up to this many; beyond it they say "more than".
    public static let countLimit = 10_000

    /// `text` with `\`, `%` and `_` escaped, for a LIKE pattern with `ESCAPE '\'`.
    public static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
