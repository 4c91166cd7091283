import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Extension requests: one pending at a time, a later day within bounds, decided once; approval moves the
/// member's due day, refusal needs a note; every step audited.
@Suite struct AssignmentExtensionsTests {
    private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    private func service(_ org: ReportFixture) -> AssignmentExtensions {
        AssignmentExtensions(requests: SQLiteAssignmentRequests(store: org.store, clock: { ReportFixture.now }),
                             timeZone: shanghai, clock: { ReportFixture.now })
    }

    @Test func aRequestIsPendingUntilApprovedAndThenMovesTheDueDay() throws {
        let org = try ReportFixture()
        let learner = try org.person("l1", "学员", in: org.a1)
        let planner = try org.person("hr1", "人事", in: org.a, roles: [.hr])
        let id = try org.assignment("信息安全", on: org.a)
        try org.member(learner, of: id, dueDay: "2027-01-10")
        let extensions = service(org)
        let request = try extensions.request(assignment: id, user: learner, dayText: "2027-03-01", reasonText: "  出差 ")
        #expect(request.state == .pending && request.reason == "出差" && request.requestedDay == "2027-03-01")
        #expect(throws: AssignmentRequestFailure.pendingExists) {
            try extensions.request(assignment: id, user: learner, dayText: "2027-03-02", reasonText: "again")
        }
        let decided = try extensions.approve(request: request.id, noteText: "", by: planner)
        #expect(decided.state == .approved && decided.decidedByName?.login == "hr1" && decided.decisionNote == nil)
        let member = try #require(try SQLiteAssignmentRequests(store: org.store, clock: { ReportFixture.now })
            .membership(assignment: id, user: learner.id))
        #expect(member.dueDay == "2027-01-10" && member.extendedDay == "2027-03-01" && member.effectiveDueDay == "2027-03-01")
        #expect(throws: AssignmentRequestFailure.notPending) { try extensions.refuse(request: request.id, noteText: "no", by: planner) }
        #expect(try org.auditRows("assignment.extension_request").count == 1)
        let approved = try org.auditRows("assignment.extension_approve")
        #expect(approved.count == 1 && approved[0].0 == "user:\(learner.id.rawValue)" && approved[0].1.contains("2027-03-01"))
        // The next request must go beyond the extended day.
        #expect(throws: AssignmentRequestFailure.dayNotAfterDue("2027-03-01")) {
            try extensions.request(assignment: id, user: learner, dayText: "2027-02-20", reasonText: "r")
        }
    }

    @Test func aRefusalNeedsANoteAndLeavesTheDueDay() throws {
        let org = try ReportFixture()
        let learner = try org.person("l1", "学员", in: org.a1)
        let planner = try org.person("hr1", "人事", in: org.a, roles: [.hr])
        let id = try org.assignment("信息安全", on: org.a)
        try org.member(learner, of: id, dueDay: "2027-01-20")
        let extensions = service(org)
        let request = try extensions.request(assignment: id, user: learner, dayText: "2027-02-01", reasonText: "病假")
        #expect(throws: AssignmentRequestFailure.noteMissing) { try extensions.refuse(request: request.id, noteText: "  ", by: planner) }
        let refused = try extensions.refuse(request: request.id, noteText: "请按期完成", by: planner)
        #expect(refused.state == .refused && refused.decisionNote == "请按期完成")
        let member = try #require(try SQLiteAssignmentRequests(store: org.store, clock: { ReportFixture.now })
            .membership(assignment: id, user: learner.id))
        #expect(member.extendedDay == nil && member.effectiveDueDay == "2027-01-20")
        #expect(try org.auditRows("assignment.extension_refuse").count == 1)
        // After a decision a new request may be made.
        _ = try extensions.request(assignment: id, user: learner, dayText: "2027-02-01", reasonText: "再次")
    }

    @Test func badDaysAndReasonsChangeNothing() throws {
        let org = try ReportFixture()
        let learner = try org.person("l1", "学员", in: org.a1)
        let stranger = try org.person("l2", "旁人", in: org.a2)
        let id = try org.assignment("信息安全", on: org.a)
        try org.member(learner, of: id, dueDay: "2027-01-20")
        let extensions = service(org)
        let cases: [(String, String, AssignmentRequestFailure)] = [
            ("2027-02-30", "r", .dayInvalid), ("next week", "r", .dayInvalid), ("2027-01-14", "r", .dayInPast),
            ("2027-01-20", "r", .dayNotAfterDue("2027-01-20")), ("2028-01-17", "r", .dayTooFar),
            ("2027-02-01", " \n ", .reasonMissing), ("2027-02-01", String(repeating: "长", count: 1001), .reasonTooLong),
        ]
        for (day, reason, failure) in cases {
            #expect(throws: failure) { try extensions.request(assignment: id, user: learner, dayText: day, reasonText: reason) }
        }
        // 366 days ahead of today (2027-01-15) is the furthest allowed.
        _ = try extensions.request(assignment: id, user: learner, dayText: "2028-01-16", reasonText: "长期借调")
        #expect(throws: AssignmentRequestFailure.notMember) {
            try extensions.request(assignment: id, user: stranger, dayText: "2027-02-01", reasonText: "r")
        }
        #expect(try org.auditRows("assignment.extension_request").count == 1)
    }

    @Test func exemptLeftAndUndueMembersCannotAsk() throws {
        let org = try ReportFixture()
        let exempt = try org.person("l1", "免修", in: org.a1)
        let left = try org.person("l2", "调离", in: org.a1)
        let undue = try org.person("l3", "无期限", in: org.a1)
        let id = try org.assignment("信息安全", on: org.a)
        try org.member(exempt, of: id, exempt: true)
        try org.member(left, of: id, left: true)
        try org.member(undue, of: id, dueDay: nil)
        let extensions = service(org)
        #expect(throws: AssignmentRequestFailure.exempt) {
            try extensions.request(assignment: id, user: exempt, dayText: "2027-03-01", reasonText: "r")
        }
        #expect(throws: AssignmentRequestFailure.notMember) {
            try extensions.request(assignment: id, user: left, dayText: "2027-03-01", reasonText: "r")
        }
        #expect(throws: AssignmentRequestFailure.noDueDay) {
            try extensions.request(assignment: id, user: undue, dayText: "2027-03-01", reasonText: "r")
        }
    }
}
