import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Exemptions: made with a reason, lifted with a reason, both kept in the history and the audit log; an
/// exemption cancels a pending extension request.
@Suite struct AssignmentExemptionsTests {
    @Test func anExemptionIsKeptWhenLifted() throws {
        let org = try ReportFixture()
        let learner = try org.person("l1", "学员", in: org.a1)
        let planner = try org.person("hr1", "人事", in: org.a, roles: [.hr])
        let id = try org.assignment("信息安全", on: org.a)
        try org.member(learner, of: id)
        let requests = SQLiteAssignmentRequests(store: org.store, clock: { ReportFixture.now })
        let exemptions = AssignmentExemptions(requests: requests)
        #expect(throws: AssignmentRequestFailure.reasonMissing) {
            try exemptions.exempt(assignment: id, user: learner.id, reasonText: "", by: planner)
        }
        #expect(throws: AssignmentRequestFailure.notExempt) {
            try exemptions.lift(assignment: id, user: learner.id, reasonText: "r", by: planner)
        }
        let made = try exemptions.exempt(assignment: id, user: learner.id, reasonText: "已取得同等证书", by: planner)
        #expect(made.kind == .exemption && made.state == .approved && made.createdByName?.login == "hr1")
        #expect(try requests.membership(assignment: id, user: learner.id)?.exemptAt == ReportFixture.now)
        #expect(throws: AssignmentRequestFailure.alreadyExempt) {
            try exemptions.exempt(assignment: id, user: learner.id, reasonText: "again", by: planner)
        }
        try exemptions.lift(assignment: id, user: learner.id, reasonText: "证书已过期", by: planner)
        #expect(try requests.membership(assignment: id, user: learner.id)?.exemptAt == nil)
        let history = try requests.requests(assignment: id, user: learner.id)
        #expect(history.count == 1)
        #expect(history[0].state == .cancelled && history[0].reason == "已取得同等证书" && history[0].decisionNote == "证书已过期")
        let exempted = try org.auditRows("assignment.exempt")
        let lifted = try org.auditRows("assignment.exemption_lift")
        #expect(exempted.count == 1 && lifted.count == 1)
        #expect(exempted[0].1.contains("已取得同等证书") && exempted[0].1.contains("信息安全") && lifted[0].1.contains("证书已过期"))
    }

    @Test func anExemptionCancelsAPendingExtensionAndNeedsACurrentMember() throws {
        let org = try ReportFixture()
        let learner = try org.person("l1", "学员", in: org.a1)
        let left = try org.person("l2", "调离", in: org.a1)
        let planner = try org.person("hr1", "人事", in: org.a, roles: [.hr])
        let id = try org.assignment("信息安全", on: org.a)
        try org.member(learner, of: id, dueDay: "2027-01-20")
        try org.member(left, of: id, left: true)
        let requests = SQLiteAssignmentRequests(store: org.store, clock: { ReportFixture.now })
        let extensions = AssignmentExtensions(requests: requests, timeZone: TimeZone(identifier: "Asia/Shanghai")!,
                                              clock: { ReportFixture.now })
        let asked = try extensions.request(assignment: id, user: learner, dayText: "2027-02-01", reasonText: "r")
        _ = try AssignmentExemptions(requests: requests).exempt(assignment: id, user: learner.id, reasonText: "免修", by: planner)
        #expect(try requests.request(asked.id)?.state == .cancelled)
        #expect(try requests.pending(in: [org.root.idPath], limit: 10, offset: 0).total == 0)
        #expect(throws: AssignmentRequestFailure.notMember) {
            try AssignmentExemptions(requests: requests).exempt(assignment: id, user: left.id, reasonText: "r", by: planner)
        }
    }
}
