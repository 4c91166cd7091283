extension CertificationRecord {
    /// How a replay's cycles differ from the certificates issued so far.
    public struct CycleChanges: Sendable, Hashable {
        /// The revocation reason for certificates whose cycle the evidence no longer supports.
        public static let withdrawalReason = "regrade"

        /// Issued certificates the replay no longer supports: revoke them with `withdrawalReason`.
        public let withdrawn: [CertificationCycle.Key]
        /// Cycles without a certificate yet, in issue order: issue one for each (a cycle may already be expired
        /// or revoked when a regrade brings it into being; its fields say so).
        public let issued: [CertificationCycle]

        /// Whether nothing needs doing.
        public var isEmpty: Bool { withdrawn.isEmpty && issued.isEmpty }
    }

    /// Compares this record's cycles with the keys of the certificates already issued, in any order.
    public func cycleChanges(since issued: [CertificationCycle.Key]) -> CycleChanges {
        let replayed = Set(cycles.map(\.key))
        let known = Set(issued)
        return CycleChanges(withdrawn: issued.filter { !replayed.contains($0) },
                            issued: cycles.filter { !known.contains($0.key) })
    }

    /// Compares this record's cycles with an earlier record's, for example before and after a regrade.
    public func cycleChanges(since previous: CertificationRecord) -> CycleChanges {
        cycleChanges(since: previous.cycles.map(\.key))
    }

    /// The entries to append to a stored, append-only history so that it carries on with this record: those after
    /// the log's last instant when the replay agrees with the log's last state there, otherwise one `reassessed`
    /// entry at `evaluatedAt` from the log's state to the record's (the past changed, as after a regrade). A daily
    /// sweep and every evidence change can call this with the stored log and append the result.
    public func entries(toAppendTo log: [CertificationTransition]) -> [CertificationTransition] {
        guard let last = log.last else { return history }
        if state(at: last.at) == last.to {
            return history.filter { $0.at > last.at }
        }
        return [CertificationTransition(at: max(evaluatedAt, last.at), from: last.to, to: state, event: .reassessed,
                                        cycle: latestCycle?.number)]
    }
}
