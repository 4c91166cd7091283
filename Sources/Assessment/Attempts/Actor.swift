/// Who took a step: the learner, a member of staff, or the server itself (deadline expiry).
public struct Actor: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case learner
        case trainer
        case admin
        /// The server acting on its own, e.g. closing an attempt whose time ran out.
        case system
    }

    public var role: Role
    /// The account id (empty for `system`).
    public var id: String

    public init(role: Role, id: String) {
        self.role = role
        self.id = id
    }

    /// The learner with account `id`.
    public static func learner(_ id: String) -> Actor { Actor(role: .learner, id: id) }
    /// The server itself.
    public static let system = Actor(role: .system, id: "")
}
