extension GradingMethod {
    /// The closed attempt whose mark counts for the quiz, or nil when none is closed.
    ///
    /// `highest`: the best fraction of the maximum mark (papers drawn from pools may differ in maximum), the
    /// earliest of equal ones. `last`: the attempt closed last.
    public func countingAttempt(among attempts: [AttemptState]) -> AttemptState? {
        let closed = attempts.filter(\.isClosed)
        switch self {
        case .highest:
            return closed.min { lhs, rhs in
                let left = lhs.fraction ?? 0, right = rhs.fraction ?? 0
                if abs(left - right) > Grade.tolerance { return left > right }
                return lhs.number < rhs.number
            }
        case .last:
            return closed.max { lhs, rhs in
                (lhs.closedAt ?? 0, lhs.number) < (rhs.closedAt ?? 0, rhs.number)
            }
        }
    }
}
