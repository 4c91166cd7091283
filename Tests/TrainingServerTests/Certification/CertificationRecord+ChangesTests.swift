import Curriculum
import Testing
@testable import TrainingServer

@Suite struct CertificationRecordChangesTests {
    private typealias F = CertificationFixture

    @Test func anEmptyLogTakesTheWholeHistory() {
        let record = F.evaluate(F.certifiedOnDay30, day: 100)
        #expect(record.entries(toAppendTo: []) == record.history)
    }

    @Test func aDailySweepAppendsOnlyWhatTimeAdded() {
        var log: [CertificationTransition] = []
        var appended: [[CertificationTransition.Event]] = []
        for day in stride(from: 0.0, through: 800, by: 1) {
            let entries = F.evaluate(F.certifiedOnDay30, day: day).entries(toAppendTo: log)
            if !entries.isEmpty { appended.append(entries.map(\.event)) }
            log += entries
        }
        #expect(appended == [[.started], [.certified], [.windowOpened], [.expired]])
        #expect(log == F.evaluate(F.certifiedOnDay30, day: 800).history)
    }

    @Test func aChangedPastIsReassessedOnceThenTheLogCarriesOn() {
        var log = F.evaluate(F.certifiedOnDay30, day: 100).history
        let regraded = [F.pass("ethics", 10), F.pass("security", 30)]
        let afterRegrade = F.evaluate(regraded, day: 100)
        let correction = afterRegrade.entries(toAppendTo: log)
        #expect(correction == [CertificationTransition(at: F.at(100), from: .certified, to: .inProgress,
                                                       event: .reassessed)])
        log += correction
        #expect(F.evaluate(regraded, day: 150).entries(toAppendTo: log).isEmpty)
        let recertified = regraded + [F.pass("literacy", 200)]
        let next = F.evaluate(recertified, day: 201).entries(toAppendTo: log)
        #expect(next.map(\.event) == [.certified] && next.first?.from == .inProgress)
    }

    @Test func aChangedPastWithTheSameStateStillReanchorsTheLog() {
        let completions = F.certifiedOnDay30 + [F.pass("literacy", 50)]
        let log = F.evaluate(completions, day: 100).history
        // The certification moves from day 30 to day 50, but the state at day 100 is the same.
        let moved = F.evaluate(completions.filter { $0 != F.pass("literacy", 20) }, day: 100)
        #expect(moved.entries(toAppendTo: Array(log.prefix(1))).map(\.event) == [.certified])
        let entries = moved.entries(toAppendTo: log)
        #expect(entries == [CertificationTransition(at: F.at(100), from: .certified, to: .certified,
                                                    event: .reassessed, cycle: 1)])
        let movedLater = F.evaluate(completions.filter { $0 != F.pass("literacy", 20) }, day: 700)
        #expect(movedLater.entries(toAppendTo: log + entries).map(\.event) == [.windowOpened])
    }

    @Test func cycleChangesAgainstIssuedKeys() {
        let record = F.evaluate(F.certifiedOnDay30 + [F.pass("refresher", 700), F.pass("ethics", 710)], day: 720)
        let keys = record.cycles.map(\.key)
        #expect(record.cycleChanges(since: keys).isEmpty)
        #expect(record.cycleChanges(since: Array(keys.reversed())).isEmpty)
        #expect(record.cycleChanges(since: [keys[0]]).issued == [record.cycles[1]])
        let stale = CertificationCycle.Key(kind: .initial, issuedAt: F.at(5), expiresAt: F.at(735))
        let changes = record.cycleChanges(since: [stale] + keys)
        #expect(changes.withdrawn == [stale] && changes.issued.isEmpty && !changes.isEmpty)
    }
}
