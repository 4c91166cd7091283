import Foundation
import Synchronization
import Testing
@testable import TrainingServer

@Suite struct PeopleExportStreamTests {
    /// A fetch over `count` people with ids 1...count that records every call.
    final class FakePeople: Sendable {
        let count: Int
        let calls = Mutex<[(Int64, Int)]>([])

        init(count: Int) { self.count = count }

        var fetch: PeopleExportStream.Fetch {
            { [self] line, _, limit in
                let after = line?.userID ?? 0
                calls.withLock { $0.append((after, limit)) }
                let ids = (after + 1)...max(after + 1, Int64(count))
                return ids.prefix(limit).filter { $0 <= count }.map { id in
                    PersonLine(userID: id, login: "p\(id)", name: "人\(id)", employeeNumber: nil, departmentID: 1,
                               state: .notStarted, certifiedAt: nil, expiresAt: nil, certificateID: nil, hours: 0)
                }
            }
        }
    }

    private func drain(_ stream: PeopleExportStream) throws -> (bytes: [UInt8], chunks: Int) {
        var bytes: [UInt8] = []
        var chunks = 0
        while let chunk = try stream.next() {
            bytes += chunk
            chunks += 1
        }
        #expect(try stream.next() == nil)
        return (bytes, chunks)
    }

    private let resolver = PersonLineResolver(departments: [:], programID: "egov", verificationBase: "", timeZone: .current)

    @Test(arguments: [0, 1, 4, 5, 12])
    func everyRowIsWrittenOnceReadingOneBatchAtATime(_ count: Int) throws {
        let people = FakePeople(count: count)
        let stream = PeopleExportStream(format: .csv, resolver: resolver, batchSize: 4, fetch: people.fetch)
        let (bytes, _) = try drain(stream)
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.count == count + 1)
        #expect(lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] } == (0..<count).map { "p\($0 + 1)"[...] })
        let calls = people.calls.withLock { $0 }
        #expect(calls.allSatisfy { $0.1 == 4 })
        #expect(calls.map(\.0) == Array(stride(from: 0, through: count, by: 4)).prefix(calls.count).map(Int64.init))
        #expect(calls.count == count / 4 + 1)
    }

    @Test(arguments: [0, 3, 7])
    func jsonStreamsAreOneValidArray(_ count: Int) throws {
        let stream = PeopleExportStream(format: .json, resolver: resolver, batchSize: 3, fetch: FakePeople(count: count).fetch)
        let (bytes, _) = try drain(stream)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(array.map { $0["login"] as? String } == (0..<count).map { "p\($0 + 1)" })
    }

    @Test func aFailingReadEndsTheStreamWithAnError() throws {
        struct Broken: Error {}
        let stream = PeopleExportStream(format: .csv, resolver: resolver, batchSize: 2) { _, _, _ in throw Broken() }
        #expect(try stream.next() != nil)
        #expect(throws: Broken.self) { try stream.next() }
    }
}
