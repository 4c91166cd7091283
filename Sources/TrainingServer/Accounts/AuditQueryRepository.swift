/// Reading the audit log for the administration's audit page and the system page.
public protocol AuditQueryRepository: Sendable {
    /// One page of the entries `query` selects within `scope`, newest first, with their count.
    func page(_ query: AuditQuery, scope: AuditReadScope, limit: Int, offset: Int) throws -> AuditPage
    /// Up to `limit` entries older than row `before` (nil: the newest), for exports.
    func batch(_ query: AuditQuery, scope: AuditReadScope, before: Int64?, limit: Int) throws -> [AuditRecord]
    /// The newest entry of `action`.
    func latest(action: String) throws -> AuditEntry?
}
