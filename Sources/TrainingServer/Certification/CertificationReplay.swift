import Curriculum

/// One replay of a person's evidence against a programme, up to `now`: the rules `CertificationEngine` documents.
struct CertificationReplay {
    /// A way to the next certificate being looked for.
    private struct Search {
        let bound: CertificationBound
        let path: CertificationPath
        /// The earliest instant the certificate may be issued at.
        let notBefore: Double
        let kind: CertificationCycle.Kind
        let goal: CertificationRequirements.Goal
    }

    /// The instant a path was fulfilled, with what fulfilled it.
    private struct Fulfilment {
        let instant: Double
        let basis: [CertificationEvidence.Completion]
        let hours: Double
    }

    /// What ends a cycle in force. At one instant, time goes first (expiry), then completions, then revocations.
    private enum Ending {
        case expiry(Double)
        case renewal(Fulfilment)
        case revocation(CertificationEvidence.Revocation)

        var order: (Double, Int) {
            switch self {
            case .expiry(let instant): (instant, 0)
            case .renewal(let fulfilment): (fulfilment.instant, 1)
            case .revocation(let revocation): (revocation.at, 2)
            }
        }
    }

    private enum Phase {
        case searching(Search)
        case holding(Int)
        case finished(CertificationRequirements)
    }

    /// Rounding slack when summing hours.
    private static let tolerance = 1e-9

    private let program: Program
    private let now: Double
    private let validity: Double
    private let window: Double
    private let completions: [CertificationEvidence.Completion]
    private let credits: [CertificationEvidence.Credit]
    private let revocations: [CertificationEvidence.Revocation]

    private var state = CertificationState.notStarted
    private var cycles: [CertificationCycle] = []
    private var history: [CertificationTransition] = []
    private var nextRevocation = 0

    init(program: Program, evidence: CertificationEvidence, now: Double) {
        self.program = program
        self.now = now
        validity = Double(program.validityDays) * CertificationEngine.secondsPerDay
        window = Double(program.renewalWindowDays) * CertificationEngine.secondsPerDay
        completions = evidence.completions.filter { $0.at <= now }
            .sorted { ($0.at, $0.course, $0.earliest) < ($1.at, $1.course, $1.earliest) }
        credits = evidence.credits.filter { $0.at <= now }.sorted { ($0.at, $0.hours) < ($1.at, $1.hours) }
        revocations = evidence.revocations.filter { $0.at <= now }
            .sorted { ($0.at, $0.reason, $0.by) < ($1.at, $1.reason, $1.by) }
    }

    mutating func run() -> CertificationRecord {
        var phase = Phase.searching(Search(bound: .none, path: .programme(program), notBefore: -.infinity,
                                           kind: .initial, goal: .certification))
        while true {
            switch phase {
            case .searching(let search):
                phase = searchStep(search)
            case .holding(let index):
                phase = holdStep(index)
            case .finished(let requirements):
                return CertificationRecord(program: program.id, evaluatedAt: now, state: state, cycles: cycles,
                                           history: history, requirements: requirements)
            }
        }
    }

    /// No certificate in force: finds the next one, or stops with what is missing.
    private mutating func searchStep(_ search: Search) -> Phase {
        let found = firstFulfilment(of: search.path, counting: search.bound, notBefore: search.notBefore, before: nil)
        while nextRevocation < revocations.count,
              found.map({ revocations[nextRevocation].at < $0.instant }) ?? true {
            let revocation = revocations[nextRevocation]
            nextRevocation += 1
            // Without a certificate there is nothing to revoke, except the one that just lapsed.
            if state == .expired {
                revoke(revocation)
                return .searching(searchAfter(revocation))
            }
        }
        if state == .notStarted, let first = completions.first(where: { program.courses.contains($0.course) }),
           found.map({ first.at < $0.instant }) ?? true {
            move(to: .inProgress, at: first.at, event: .started)
        }
        guard let found else {
            return .finished(requirements(search.goal, path: search.path, counting: search.bound, deadline: nil))
        }
        issue(search.kind, by: found, expiresAt: found.instant + validity,
              event: search.kind == .initial ? .certified : .recertified)
        return .holding(cycles.count - 1)
    }

    /// A certificate in force: opens its window, then renews, expires or revokes it, or stops in force.
    private mutating func holdStep(_ index: Int) -> Phase {
        let cycle = cycles[index]
        let bound = cycle.windowOpensAt > cycle.issuedAt
            ? CertificationBound(instant: cycle.windowOpensAt, inclusive: true)
            : CertificationBound(instant: cycle.issuedAt, inclusive: false)
        let path = CertificationPath.renewal(program)
        let renewal = firstFulfilment(of: path, counting: bound, notBefore: cycle.windowOpensAt,
                                      before: cycle.expiresAt)
        let endings: [Ending?] = [
            cycle.expiresAt <= now ? .expiry(cycle.expiresAt) : nil,
            renewal.map { .renewal($0) },
            nextRevocation < revocations.count ? .revocation(revocations[nextRevocation]) : nil,
        ]
        let ending = endings.compactMap { $0 }.min { $0.order < $1.order }
        let opens = cycle.windowOpensAt
        if opens > cycle.issuedAt, opens < cycle.expiresAt, opens <= (ending?.order.0 ?? now) {
            move(to: .dueForRenewal, at: opens, event: .windowOpened, cycle: cycle.number)
        }
        switch ending {
        case .expiry(let instant):
            move(to: .expired, at: instant, event: .expired, cycle: cycle.number)
            return .searching(Search(bound: bound, path: path, notBefore: instant, kind: .recertification,
                                     goal: .lateRenewal))
        case .renewal(let fulfilment):
            cycles[index].renewedAt = fulfilment.instant
            let base = program.expiryBase == .previousExpiry ? cycle.expiresAt : fulfilment.instant
            issue(.renewal, by: fulfilment, expiresAt: base + validity, event: .renewed)
            return .holding(cycles.count - 1)
        case .revocation(let revocation):
            nextRevocation += 1
            revoke(revocation)
            return .searching(searchAfter(revocation))
        case nil:
            return .finished(requirements(.renewal, path: path, counting: bound, deadline: cycle.expiresAt))
        }
    }

    /// After a revocation: the full programme again, with completions after the revocation.
    private func searchAfter(_ revocation: CertificationEvidence.Revocation) -> Search {
        Search(bound: CertificationBound(instant: revocation.at, inclusive: false), path: .programme(program),
               notBefore: revocation.at, kind: .recertification, goal: .certification)
    }

    private mutating func issue(_ kind: CertificationCycle.Kind, by fulfilment: Fulfilment, expiresAt: Double,
                                event: CertificationTransition.Event) {
        let opens = max(fulfilment.instant, expiresAt - window)
        let cycle = CertificationCycle(number: cycles.count + 1, kind: kind, issuedAt: fulfilment.instant,
                                       expiresAt: expiresAt, windowOpensAt: opens, basis: fulfilment.basis,
                                       hours: fulfilment.hours)
        cycles.append(cycle)
        move(to: opens <= fulfilment.instant ? .dueForRenewal : .certified, at: fulfilment.instant, event: event,
             cycle: cycle.number)
    }

    /// Ends the latest cycle and any earlier one still in force (a renewed certificate runs until its expiry).
    private mutating func revoke(_ revocation: CertificationEvidence.Revocation) {
        guard let latest = cycles.indices.last else { return }
        for index in cycles.indices
        where cycles[index].revocation == nil && (index == latest || cycles[index].isInForce(at: revocation.at)) {
            cycles[index].revocation = revocation
        }
        move(to: .revoked, at: revocation.at, event: .revoked, cycle: cycles[latest].number,
             note: revocation.reason, by: revocation.by)
    }

    private mutating func move(to next: CertificationState, at instant: Double, event: CertificationTransition.Event,
                               cycle: Int? = nil, note: String? = nil, by: String? = nil) {
        history.append(CertificationTransition(at: instant, from: state, to: next, event: event, cycle: cycle,
                                               note: note, by: by))
        state = next
    }

    /// The earliest instant in `notBefore...` (and before `before`, up to now) at which `path` is fulfilled with
    /// completions `bound` admits and the study hours suffice.
    private func firstFulfilment(of path: CertificationPath, counting bound: CertificationBound, notBefore: Double,
                                 before limit: Double?) -> Fulfilment? {
        let instants = Set(completions.map(\.at) + credits.map(\.at)).filter { instant in
            instant >= notBefore && instant <= now && bound.admits(instant) && limit.map { instant < $0 } ?? true
        }
        for instant in instants.sorted() {
            guard let basis = path.fulfilment(by: instant, completions: completions, counting: bound) else { continue }
            let hours = hours(upTo: instant)
            if hours + Self.tolerance >= program.minStudyHours {
                return Fulfilment(instant: instant, basis: basis, hours: hours)
            }
        }
        return nil
    }

    /// Study hours credited in the 365 days up to and including `instant`.
    private func hours(upTo instant: Double) -> Double {
        credits.filter { $0.at > instant - CertificationEngine.studyHoursPeriod && $0.at <= instant }
            .reduce(0) { $0 + $1.hours }
    }

    private func requirements(_ goal: CertificationRequirements.Goal, path: CertificationPath,
                              counting bound: CertificationBound, deadline: Double?) -> CertificationRequirements {
        let missing = path.missing(by: now, completions: completions, counting: bound)
        let shortfall = program.minStudyHours - hours(upTo: now)
        return CertificationRequirements(goal: goal, courses: missing.courses, choose: missing.choose,
                                         from: missing.from, hours: shortfall > Self.tolerance ? shortfall : 0,
                                         countsFrom: bound.countsFrom, deadline: deadline)
    }
}
