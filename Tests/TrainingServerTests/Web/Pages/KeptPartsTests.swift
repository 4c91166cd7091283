import Foundation
import Synchronization
import Testing
@testable import TrainingServer

/// A value the test's threads share.
private final class Shared<Value: Sendable>: Sendable {
    let state: Mutex<Value>

    init(_ value: Value) { state = Mutex(value) }
}

/// Kept parts come from the calling thread's slot; values are made once for every slot, an invalidation ends them in
/// every slot. A thread memo keeps values per version within its limit.
@Suite struct KeptPartsTests {
    /// Runs `body` on `count` threads of their own, one after the other, each waited for.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        for index in 0..<count {
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                body(index)
                done.signal()
            }
            thread.start()
            done.wait()
        }
    }

    @Test func aValueIsMadeOnceForAllThreads() {
        let kept = KeptParts<String, Int>()
        let made = Shared(0)
        let values = Shared<[Int]>([])
        onThreads(8) { _ in
            let value = kept.value("a", from: kept.snapshot()) { made.state.withLock { $0 += 1; return $0 } }
            let again = kept.value("a", from: kept.snapshot()) { made.state.withLock { $0 += 1; return $0 } }
            values.state.withLock { $0 += [value, again] }
        }
        #expect(made.state.withLock { $0 } == 1)
        #expect(values.state.withLock { $0 } == Array(repeating: 1, count: 16))
        #expect(kept.count == 1)
    }

    @Test func anInvalidationEndsThePartsOfEveryThread() {
        let kept = KeptParts<String, Int>()
        let version = Shared(1)
        onThreads(8) { _ in
            _ = kept.value("a", from: kept.snapshot()) { version.state.withLock { $0 } }
        }
        version.state.withLock { $0 = 2 }
        kept.invalidate()
        let seen = Shared<[Int]>([])
        onThreads(8) { _ in
            let snapshot = kept.snapshot()
            seen.state.withLock { $0.append(kept.value("a", from: snapshot) { version.state.withLock { $0 } }) }
        }
        #expect(seen.state.withLock { $0 } == Array(repeating: 2, count: 8), "a thread found a part of the old version")
    }

    @Test func aSnapshotTakenBeforeAnInvalidationKeepsNothing() {
        let kept = KeptParts<String, Int>()
        let stale = Shared<KeptParts<String, Int>.Snapshot?>(nil)
        onThreads(1) { _ in stale.state.withLock { $0 = kept.snapshot() } }
        kept.invalidate()
        onThreads(4) { _ in
            let snapshot = stale.state.withLock { $0! }
            #expect(kept.value("a", from: snapshot) { 1 } == 1)
        }
        #expect(kept.count == 0)
        onThreads(4) { _ in
            #expect(kept.value("a", from: kept.snapshot()) { 2 } == 2, "a part made from a stale snapshot was kept")
        }
    }

    @Test func aThreadMemoKeepsValuesForItsVersionWithinItsLimit() {
        let memo = ThreadMemo<Int, Int>(limit: 3)
        var made = 0
        for key in [0, 1, 0, 1] {
            #expect(memo.value(key, version: memo.version()) { made += 1; return key * 10 } == key * 10)
        }
        #expect(made == 2, "kept")
        for key in 2..<10 {
            #expect(memo.value(key, version: memo.version()) { key * 10 } == key * 10)
            #expect(memo.count <= 3)
        }
        let stale = memo.version()
        memo.invalidate()
        #expect(memo.value(9, version: memo.version()) { 99 } == 99, "a value of the old version was found")
        #expect(memo.value(8, version: stale) { 88 } == 88)
        #expect(memo.value(8, version: memo.version()) { 89 } == 89, "a value made for a stale version was kept")
    }
}
