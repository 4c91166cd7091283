import Foundation
import Synchronization
import Testing
@testable import TrainingServer

@Suite struct ThreadShardTests {
    @Test func aThreadKeepsItsShardWithinTheCount() {
        for count in [1, 3, 4, 16] {
            let shard = ThreadShard.current(of: count)
            #expect((0..<count).contains(shard))
            #expect(ThreadShard.current(of: count) == shard, "the same thread gets the same shard")
        }
        #expect(ThreadShard.current(of: 0) == 0)
    }

    @Test func threadsSpreadOverTheShards() {
        let seen = Mutex<Set<Int>>([])
        let group = DispatchGroup()
        let threads = (0..<32).map { _ in
            group.enter()
            return Thread {
                seen.withLock { _ = $0.insert(ThreadShard.current(of: 16)) }
                // Kept alive until every thread has started, so no two share an id.
                Thread.sleep(forTimeInterval: 0.2)
                group.leave()
            }
        }
        threads.forEach { $0.start() }
        group.wait()
        #expect(seen.withLock { $0.count } >= 4)
    }
}
