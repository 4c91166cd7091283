import Curriculum
import Testing
@testable import TrainingServer

@Suite struct CertificationEngineTests {
    private typealias F = CertificationFixture

    /// Certify, renew early, lapse, renew late, be revoked, certify again by the full programme.
    private static let walkthrough = [
        F.pass("ethics", 10), F.pass("literacy", 20), F.pass("security", 30),
        F.pass("refresher", 700), F.pass("ethics", 710),
        F.pass("refresher", 1500), F.pass("literacy", 1550),
        F.pass("refresher", 1650),
        F.pass("ethics", 1700), F.pass("literacy", 1710), F.pass("security", 1720),
    ]
    private static let walkthroughRevocation = F.revocation(1600)

    @Test(arguments: [
        (0.0, CertificationState.notStarted), (10, .inProgress), (29.9, .inProgress), (30, .certified),
        (669.99, .certified), (670, .dueForRenewal), (709.9, .dueForRenewal), (710, .certified),
        (1399.9, .certified), (1400, .dueForRenewal), (1489.99, .dueForRenewal), (1490, .expired),
        (1549.9, .expired), (1550, .certified), (1599.9, .certified), (1600, .revoked), (1650, .revoked),
        (1719.9, .revoked), (1720, .certified), (2359.9, .certified), (2360, .dueForRenewal), (2449.9, .dueForRenewal),
        (2450, .expired),
    ])
    func walkthroughStateOnEachDay(day: Double, expected: CertificationState) {
        let record = F.evaluate(Self.walkthrough, revocations: [Self.walkthroughRevocation], day: day)
        #expect(record.state == expected, "day \(day)")
    }

    @Test func walkthroughHistoryAndCycles() {
        let record = F.evaluate(Self.walkthrough, revocations: [Self.walkthroughRevocation], day: 1800)
        let steps = record.history.map { ($0.at, $0.event, $0.to) }
        let expected: [(Double, CertificationTransition.Event, CertificationState)] = [
            (F.at(10), .started, .inProgress), (F.at(30), .certified, .certified),
            (F.at(670), .windowOpened, .dueForRenewal), (F.at(710), .renewed, .certified),
            (F.at(1400), .windowOpened, .dueForRenewal), (F.at(1490), .expired, .expired),
            (F.at(1550), .recertified, .certified), (F.at(1600), .revoked, .revoked),
            (F.at(1720), .recertified, .certified),
        ]
        #expect(steps.count == expected.count)
        for (step, want) in zip(steps, expected) {
            #expect(step.0 == want.0 && step.1 == want.1 && step.2 == want.2, "\(step) ≠ \(want)")
        }
        #expect(zip(record.history, record.history.dropFirst()).allSatisfy { $0.to == $1.from })
        let revoked = record.history.first { $0.event == .revoked }
        #expect(revoked?.note == "misconduct" && revoked?.by == "hr-1" && revoked?.cycle == 3)

        #expect(record.cycles.map(\.kind) == [.initial, .renewal, .recertification, .recertification])
        #expect(record.cycles.map(\.issuedAt) == [F.at(30), F.at(710), F.at(1550), F.at(1720)])
        // previous_expiry for the renewal; a late renewal and a recertification count from completion.
        #expect(record.cycles.map(\.expiresAt) == [F.at(760), F.at(1490), F.at(2280), F.at(2450)])
        #expect(record.cycles.map(\.number) == [1, 2, 3, 4])
        #expect(record.cycles[0].renewedAt == F.at(710))
        #expect(record.cycles[1].renewedAt == nil && record.cycles[1].revocation == nil)
        #expect(record.cycles[2].revocation == Self.walkthroughRevocation)
        #expect(record.cycles[1].basis == [F.pass("refresher", 700), F.pass("ethics", 710)])
        #expect(record.cycles[3].basis == [F.pass("ethics", 1700), F.pass("literacy", 1710), F.pass("security", 1720)])
    }

    @Test(arguments: [
        (ExpiryBase.previousExpiry, 670.0, 1490.0), (.previousExpiry, 759.5, 1490), (.previousExpiry, 700, 1490),
        (.completion, 670, 1400), (.completion, 759.5, 1489.5), (.completion, 700, 1430),
    ])
    func renewalExpiryFollowsTheBase(base: ExpiryBase, renewalDay: Double, newExpiryDay: Double) {
        let completions = F.certifiedOnDay30 + [F.pass("refresher", renewalDay), F.pass("literacy", renewalDay)]
        let record = F.evaluate(F.program(base: base), completions, day: renewalDay + 1)
        #expect(record.state == .certified)
        #expect(record.cycles.map(\.kind) == [.initial, .renewal])
        #expect(record.cycles.last?.issuedAt == F.at(renewalDay))
        #expect(record.cycles.last?.expiresAt == F.at(newExpiryDay))
        #expect(record.cycles.last?.windowOpensAt == F.at(newExpiryDay - 90))
        // The renewed certificate stays valid to its own expiry.
        #expect(record.cycles[0].isInForce(at: F.at(759.9)))
    }

    @Test(arguments: [
        ("refresher only", [F.pass("refresher", 700)], false),
        ("refresher and one of two", [F.pass("refresher", 700), F.pass("literacy", 720)], true),
        ("one of two without refresher", [F.pass("ethics", 700), F.pass("literacy", 720)], false),
        ("choice passed before the window", [F.pass("literacy", 660), F.pass("refresher", 700)], false),
        ("refresher passed before the window", [F.pass("refresher", 669), F.pass("ethics", 700)], false),
        ("quiz passed before the window, modules after",
         [CertificationEvidence.Completion(course: CourseID("ethics"), at: F.at(700), quizPassedAt: F.at(660)),
          F.pass("refresher", 700)], false),
        ("after expiry only", [F.pass("refresher", 700), F.pass("ethics", 760)], false),
    ])
    func renewalPathInsideTheWindow(label: String, extra: [CertificationEvidence.Completion], renews: Bool) {
        let record = F.evaluate(F.certifiedOnDay30 + extra, day: 759.9)
        #expect((record.cycles.count == 2) == renews, "\(label)")
        #expect(record.state == (renews ? .certified : .dueForRenewal), "\(label)")
    }

    @Test func chooseTwoOfThree() {
        let path = Recertification(courses: [], choose: 2, from: ["ethics", "literacy", "security"].map { CourseID($0) })
        let program = F.program(recertification: path)
        let one = F.evaluate(program, F.certifiedOnDay30 + [F.pass("security", 700)], day: 701)
        #expect(one.state == .dueForRenewal)
        #expect(one.requirements.choose == 1 && one.requirements.from == [CourseID("ethics"), CourseID("literacy")])
        let two = F.evaluate(program, F.certifiedOnDay30 + [F.pass("security", 700), F.pass("ethics", 705)], day: 706)
        #expect(two.state == .certified && two.cycles.last?.issuedAt == F.at(705))
        #expect(two.cycles.last?.basis.map(\.course) == [CourseID("security"), CourseID("ethics")])
    }

    @Test func withoutARecertificationBlockRenewalTakesEveryCourseAgain() {
        let program = F.program(recertification: nil)
        let partial = F.certifiedOnDay30 + [F.pass("ethics", 700), F.pass("literacy", 710)]
        #expect(F.evaluate(program, partial, day: 750).state == .dueForRenewal)
        #expect(F.evaluate(program, partial, day: 750).requirements.courses == [CourseID("security")])
        let renewed = F.evaluate(program, partial + [F.pass("security", 720)], day: 750)
        #expect(renewed.cycles.last?.kind == .renewal && renewed.cycles.last?.expiresAt == F.at(1490))
    }

    @Test func lateRenewalIsAFreshCertificationFromCompletion() {
        // The refresher inside the window, the choice after expiry: a recertification, not a renewal.
        let completions = F.certifiedOnDay30 + [F.pass("refresher", 700), F.pass("ethics", 800)]
        let record = F.evaluate(completions, day: 801)
        #expect(record.state == .certified)
        #expect(record.cycles.map(\.kind) == [.initial, .recertification])
        #expect(record.cycles[1].issuedAt == F.at(800) && record.cycles[1].expiresAt == F.at(1530))
        #expect(record.history.map(\.event) == [.started, .certified, .windowOpened, .expired, .recertified])

        let expired = F.evaluate(completions, day: 790)
        #expect(expired.state == .expired)
        #expect(expired.requirements.goal == .lateRenewal)
        #expect(expired.requirements.courses.isEmpty && expired.requirements.choose == 1)
        #expect(expired.requirements.countsFrom == F.at(670) && expired.requirements.deadline == nil)
        #expect(expired.daysUntilExpiry == -30)

        // The ethics pass of day 10 is older than the lapsed window, so it does not count for a late renewal.
        let stale = F.evaluate(F.certifiedOnDay30 + [F.pass("refresher", 800)], day: 900)
        #expect(stale.state == .expired)
    }

    @Test func renewalExactlyAtTheWindowOpeningCountsAndExactlyAtExpiryIsLate() {
        let atOpening = F.evaluate(F.certifiedOnDay30 + [F.pass("refresher", 670), F.pass("ethics", 670)], day: 671)
        #expect(atOpening.cycles.last?.kind == .renewal && atOpening.cycles.last?.issuedAt == F.at(670))
        #expect(atOpening.history.map(\.event).suffix(2) == [.windowOpened, .renewed])

        let atExpiry = F.evaluate(F.certifiedOnDay30 + [F.pass("refresher", 700), F.pass("ethics", 760)], day: 761)
        #expect(atExpiry.cycles.last?.kind == .recertification && atExpiry.cycles.last?.expiresAt == F.at(1490))
        #expect(atExpiry.history.map(\.event).suffix(2) == [.expired, .recertified])
    }

    @Test func minimumStudyHoursCountTheYearUpToIssue() {
        let program = F.program(minStudyHours: 40)
        let old = F.credit(-400, 100)
        let short = F.evaluate(program, F.certifiedOnDay30, credits: [old, F.credit(5, 30)], day: 40)
        #expect(short.state == .inProgress)
        #expect(short.requirements.courses.isEmpty && short.requirements.hours == 10)
        #expect(!short.requirements.isMet)

        let credits = [old, F.credit(5, 30), F.credit(50, 10)]
        let certified = F.evaluate(program, F.certifiedOnDay30, credits: credits, day: 60)
        #expect(certified.state == .certified)
        #expect(certified.cycles.first?.issuedAt == F.at(50) && certified.cycles.first?.hours == 40)
        #expect(certified.cycles.first?.expiresAt == F.at(780))

        // The credits from day 5 are more than 365 days old at the renewal, so the renewal waits for new hours.
        let renewal = [F.pass("refresher", 700), F.pass("ethics", 710)]
        let waiting = F.evaluate(program, F.certifiedOnDay30 + renewal, credits: credits, day: 720)
        #expect(waiting.state == .dueForRenewal && waiting.requirements.hours == 40)
        let renewed = F.evaluate(program, F.certifiedOnDay30 + renewal, credits: credits + [F.credit(730, 40)], day: 731)
        #expect(renewed.cycles.last?.issuedAt == F.at(730) && renewed.cycles.last?.expiresAt == F.at(1510))
    }

    @Test func hoursSummingWithRoundingStillReachTheMinimum() {
        // 0.1 + 0.7 sums to 0.7999999999999999.
        let program = F.program(courses: ["ethics"], minStudyHours: 0.8)
        let record = F.evaluate(program, [F.pass("ethics", 1)], credits: [F.credit(0, 0.1), F.credit(0.5, 0.7)], day: 2)
        #expect(record.state == .certified)
    }

    @Test func revocationRules() {
        // Before any certificate: nothing to revoke.
        let early = F.evaluate(F.certifiedOnDay30, revocations: [F.revocation(15)], day: 40)
        #expect(early.state == .certified && early.cycles.first?.revocation == nil)
        #expect(!early.history.contains { $0.event == .revoked })

        // After a revocation the renewal path is not enough, and completions at its instant do not count.
        let revoked = F.certifiedOnDay30 + [F.pass("refresher", 101), F.pass("ethics", 100), F.pass("literacy", 110)]
        let record = F.evaluate(revoked, revocations: [F.revocation(100)], day: 200)
        #expect(record.state == .revoked)
        #expect(record.requirements.goal == .certification)
        #expect(record.requirements.courses == [CourseID("ethics"), CourseID("security")])
        #expect(record.requirements.countsFrom == F.at(100))
        #expect(record.expiresAt == nil && record.daysUntilExpiry == nil && record.currentCycle == nil)

        // A second revocation while revoked changes nothing.
        let twice = F.evaluate(revoked, revocations: [F.revocation(100), F.revocation(150, "again")], day: 200)
        #expect(twice.history == record.history)
    }

    @Test func revocationAfterARenewalEndsTheRenewedCertificateToo() {
        let completions = F.certifiedOnDay30 + [F.pass("refresher", 700), F.pass("ethics", 710)]
        let record = F.evaluate(completions, revocations: [F.revocation(720)], day: 730)
        #expect(record.state == .revoked)
        #expect(record.cycles.allSatisfy { $0.revocation == F.revocation(720) })
        #expect(!record.cycles[0].isInForce(at: F.at(725)))
    }

    @Test func revocationWhileExpiredClosesTheLateRenewalPath() {
        let completions = F.certifiedOnDay30 + [F.pass("refresher", 800), F.pass("ethics", 810)]
        let record = F.evaluate(completions, revocations: [F.revocation(770)], day: 820)
        #expect(record.state == .revoked)
        #expect(record.cycles.count == 1 && record.cycles[0].revocation == F.revocation(770))
        #expect(record.history.map(\.event).suffix(2) == [.expired, .revoked])
    }

    @Test func tiesAtOneInstant() {
        // Revocation at the instant of a renewal: the renewal comes first, the revocation ends both cycles.
        let renewal = F.certifiedOnDay30 + [F.pass("refresher", 700), F.pass("ethics", 710)]
        let sameAsRenewal = F.evaluate(renewal, revocations: [F.revocation(710)], day: 711)
        #expect(sameAsRenewal.history.map(\.event).suffix(2) == [.renewed, .revoked])
        #expect(sameAsRenewal.cycles.count == 2 && sameAsRenewal.cycles.allSatisfy { $0.revocation != nil })

        // Revocation at the instant of expiry: the expiry comes first.
        let sameAsExpiry = F.evaluate(F.certifiedOnDay30, revocations: [F.revocation(760)], day: 761)
        #expect(sameAsExpiry.history.map(\.event).suffix(3) == [.windowOpened, .expired, .revoked])

        // Revocation at the window's opening: the window opens first.
        let sameAsWindow = F.evaluate(F.certifiedOnDay30, revocations: [F.revocation(670)], day: 671)
        #expect(sameAsWindow.history.map(\.event).suffix(2) == [.windowOpened, .revoked])

        // One course programme: certified by the first completion, without passing through in progress.
        let single = F.evaluate(F.program(courses: ["ethics"]), [F.pass("ethics", 5)], day: 6)
        #expect(single.history.map(\.event) == [.certified] && single.history.first?.from == .notStarted)
    }

    @Test(arguments: [(0, CertificationState.certified, 759.0), (730, .dueForRenewal, 30), (365, .certified, 395)])
    func windowLengthEdges(windowDays: Int, atIssue: CertificationState, stateDay: Double) {
        let program = F.program(windowDays: windowDays)
        let issued = F.evaluate(program, F.certifiedOnDay30, day: 30)
        #expect(issued.state == atIssue)
        #expect(F.evaluate(program, F.certifiedOnDay30, day: stateDay).state == (windowDays == 0 ? .certified : .dueForRenewal))
        #expect(F.evaluate(program, F.certifiedOnDay30, day: 760).state == .expired)
    }

    @Test func windowAsLongAsValidityDoesNotReuseTheCertifyingCompletions() {
        let program = F.program(windowDays: 730, base: .completion)
        let record = F.evaluate(program, F.certifiedOnDay30 + [F.pass("refresher", 30)], day: 31)
        #expect(record.cycles.count == 1)
        let renewed = F.evaluate(program, F.certifiedOnDay30 + [F.pass("refresher", 40), F.pass("ethics", 41)], day: 42)
        #expect(renewed.cycles.map(\.kind) == [.initial, .renewal] && renewed.cycles[1].expiresAt == F.at(771))
        #expect(renewed.state == .dueForRenewal)
    }

    @Test func regradeThatRemovesAPassWithdrawsTheCycle() {
        let before = F.evaluate(F.certifiedOnDay30, day: 100)
        let regraded = [F.pass("ethics", 10), F.pass("security", 30)]
        let after = F.evaluate(regraded, day: 100)
        #expect(after.state == .inProgress && after.cycles.isEmpty)
        let changes = after.cycleChanges(since: before)
        #expect(changes.withdrawn == [before.cycles[0].key] && changes.issued.isEmpty)
        #expect(CertificationRecord.CycleChanges.withdrawalReason == "regrade")
        #expect(after.requirements.courses == [CourseID("literacy")])
    }

    @Test func regradeWithALaterPassMovesTheCycle() {
        let completions = F.certifiedOnDay30 + [F.pass("literacy", 50)]
        let before = F.evaluate(completions, day: 100)
        #expect(before.cycles.map(\.issuedAt) == [F.at(30)])
        let after = F.evaluate(completions.filter { $0 != F.pass("literacy", 20) }, day: 100)
        #expect(after.cycles.map(\.issuedAt) == [F.at(50)])
        let changes = after.cycleChanges(since: before)
        #expect(changes.withdrawn == before.cycles.map(\.key) && changes.issued == after.cycles)
    }

    @Test func regradeOfTheRefresherWithdrawsOnlyTheRenewal() {
        let completions = F.certifiedOnDay30 + [F.pass("refresher", 700), F.pass("ethics", 710)]
        let before = F.evaluate(completions, day: 800)
        let after = F.evaluate(completions.filter { $0.course != CourseID("refresher") }, day: 800)
        #expect(before.state == .certified && after.state == .expired)
        let changes = after.cycleChanges(since: before)
        #expect(changes.withdrawn == [before.cycles[1].key] && changes.issued.isEmpty)
    }

    @Test func replayIsDeterministicAndOrderFree() {
        let evidence = CertificationEvidence(completions: Self.walkthrough,
                                             credits: [F.credit(1, 2), F.credit(3, 4)],
                                             revocations: [Self.walkthroughRevocation])
        let shuffled = CertificationEvidence(completions: Self.walkthrough.reversed(),
                                             credits: evidence.credits.reversed(), revocations: evidence.revocations)
        let program = F.program()
        let first = CertificationEngine.evaluate(program: program, evidence: evidence, now: F.at(1800))
        #expect(first == CertificationEngine.evaluate(program: program, evidence: evidence, now: F.at(1800)))
        #expect(first == CertificationEngine.evaluate(program: program, evidence: shuffled, now: F.at(1800)))
    }

    @Test func anEarlierNowSeesThePrefixOfTheHistory() {
        let evidence = CertificationEvidence(completions: Self.walkthrough, revocations: [Self.walkthroughRevocation])
        let full = CertificationEngine.evaluate(program: F.program(), evidence: evidence, now: F.at(2400))
        for day in stride(from: 0.0, through: 2400, by: 5) {
            let record = CertificationEngine.evaluate(program: F.program(), evidence: evidence, now: F.at(day))
            #expect(record.history == full.history.filter { $0.at <= F.at(day) }, "day \(day)")
            #expect(record.state == full.state(at: F.at(day)), "day \(day)")
            #expect(record.cycles.map(\.key) == full.cycles.filter { $0.issuedAt <= F.at(day) }.map(\.key))
        }
    }

    @Test func requirementsFollowTheState() {
        let fresh = F.evaluate([], day: 0)
        #expect(fresh.state == .notStarted && fresh.requirements.goal == .certification)
        #expect(fresh.requirements.courses == ["ethics", "literacy", "security"].map { CourseID($0) })
        #expect(fresh.requirements.countsFrom == nil && fresh.requirements.deadline == nil)

        let certified = F.evaluate(F.certifiedOnDay30, day: 100)
        #expect(certified.requirements.goal == .renewal)
        #expect(certified.requirements.courses == [CourseID("refresher")] && certified.requirements.choose == 1)
        #expect(certified.requirements.countsFrom == F.at(670) && certified.requirements.deadline == F.at(760))

        let halfway = F.evaluate(F.certifiedOnDay30 + [F.pass("literacy", 680)], day: 690)
        #expect(halfway.requirements.courses == [CourseID("refresher")])
        #expect(halfway.requirements.choose == 0 && halfway.requirements.from.isEmpty)
    }
}
