/// What the attempt rules need to know of a learner's earlier attempts at a quiz: how many there are, when the
/// latest one closed and which one is still open. Built from replayed states, or from the summaries stored beside
/// the steps, so starting an attempt does not have to replay every earlier one.
public struct PreviousAttempts: Sendable, Hashable {
    /// How many attempts there are; the next one gets number `count + 1`.
    public var count: Int
    /// The latest close time among them; nil when none is closed.
    public var lastClose: Double?
    /// An attempt still open at the moment asked about; nil when all are closed.
    public var openAttempt: AttemptID?

    public init(count: Int, lastClose: Double?, openAttempt: AttemptID?) {
        self.count = count
        self.lastClose = lastClose
        self.openAttempt = openAttempt
    }

    /// The figures of `states` (the earlier attempts replayed at the same moment).
    public init(_ states: [AttemptState]) {
        count = states.count
        lastClose = states.compactMap(\.closedAt).max()
        openAttempt = states.first { !$0.isClosed }?.attemptID
    }

    /// None yet.
    public static let none = PreviousAttempts(count: 0, lastClose: nil, openAttempt: nil)
}
