import Foundation
import Testing
@testable import TrainingServer

@Suite struct InFlightTests {
    @Test func countsWhatEnteredUntilItLeavesFromAnyThread() async {
        let inFlight = InFlight()
        #expect(inFlight.isEmpty)
        let first = inFlight.enter()
        let second = inFlight.enter()
        #expect(!inFlight.isEmpty)
        inFlight.leave(first)
        #expect(!inFlight.isEmpty, "one is still in flight")
        // A streamed body leaves from whichever thread frees it.
        await Task.detached { inFlight.leave(second) }.value
        #expect(inFlight.isEmpty)
    }

    @Test func aRequestArrivingAsAnotherLeavesIsNotMissedBySlotsReadOneAfterAnother() async {
        let inFlight = InFlight()
        let first = await Task.detached { inFlight.enter() }.value
        // While `isEmpty` reads the slots, a second request enters (here, on this thread) and the first one leaves:
        // at no moment was nothing in flight.
        var second: Int?
        #expect(!inFlight.isEmpty(betweenPasses: {
            second = inFlight.enter()
            inFlight.leave(first)
        }))
        #expect(!inFlight.isEmpty)
        inFlight.leave(second!)
        #expect(inFlight.isEmpty)
    }

    @Test func manyThreadsEnteringAndLeavingEndEmpty() {
        let inFlight = InFlight()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            for _ in 0..<1_000 {
                let slot = inFlight.enter()
                #expect(!inFlight.isEmpty)
                inFlight.leave(slot)
            }
        }
        #expect(inFlight.isEmpty)
    }
}
