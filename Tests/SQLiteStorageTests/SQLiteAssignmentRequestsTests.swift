import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The planners' list of pending requests: only people inside the subtrees asked for (not a department whose id
/// merely starts with the same digits), enabled, still members of an assignment not withdrawn; oldest first.
@Suite struct SQLiteAssignmentRequestsTests {
    @Test func pendingRequestsAreScopedAndOrdered() throws {
        let org = try ReportFixture()
        let clock = ManualClock(ReportFixture.now)
        let requests = SQLiteAssignmentRequests(store: org.store, clock: clock.function)
        let id = try org.assignment("信息安全", on: org.root)
        let inA1 = try org.person("a1", "甲", in: org.a1)
        let inA = try org.person("a0", "乙", in: org.a)
        let inB = try org.person("b0", "ZZMARKER", in: org.b)
        let inTrap = try org.person("t0", "陷阱", in: org.trap)
        let disabled = try org.person("d0", "停用", in: org.a2)
        for person in [inA1, inA, inB, inTrap, disabled] { try org.member(person, of: id, dueDay: "2027-01-20") }
        for person in [inA, inA1, inB, inTrap, disabled] {
            _ = try requests.requestExtension(assignment: id, user: person.id, day: "2027-02-01", reason: "r",
                                              by: AuditActor(person)) { _ in }
            clock.advance(by: 60)
        }
        try org.users.setDisabled(true, id: disabled.id, by: .system)
        let (lines, total) = try requests.pending(in: [org.a.idPath], limit: 10, offset: 0)
        #expect(total == 2)
        #expect(lines.map(\.login) == ["a0", "a1"])
        #expect(lines[0].assignmentName == "信息安全" && lines[0].effectiveDueDay == "2027-01-20")
        #expect(try requests.pending(in: [org.a.idPath], limit: 1, offset: 1).lines.map(\.login) == ["a1"])
        #expect(try requests.pending(in: [], limit: 10, offset: 0).total == 0)
        #expect(try requests.pending(in: [org.root.idPath], limit: 10, offset: 0).total == 4)
    }
}
