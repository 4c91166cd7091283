import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct PlanDueSectionTests {
    private func item(_ id: Int64, _ name: String, required: Bool = true, due: String?, status: AssignmentStatus) -> DueItem {
        let assignment = Assignment(id: AssignmentID(rawValue: id), name: name, item: AssignmentItem(kind: .course, id: "ethics"),
                                    required: required, audience: .department(includeSubtree: true, jobCategory: nil),
                                    departmentID: DepartmentID(rawValue: 1), dueRule: .none, createdAt: 0)
        return DueItem(assignment: assignment, member: AssignmentMember(assignmentID: assignment.id, userID: UserID(rawValue: 1),
                                                                        assignedAt: 0, dueDay: due.flatMap(ISODay.init)),
                       status: status)
    }

    private func render(_ items: [DueItem], _ language: Language) -> String {
        let context = PageContext(language: language, user: nil, csrfToken: "", currentPath: "/", strings: .shipped)
        let catalogue = Catalogue(directory: URL(fileURLWithPath: "/tmp"), courses: [LearningFixtures.course()], programs: [])
        return PlanDueSection.render(items.sorted(by: DueItem.byDueDay),
                                     words: PlanWords(context: context, catalogue: catalogue, departments: [:]),
                                     context: context).rendered
    }

    @Test func openRequiredOnesComeByDueDayThenDoneOnesThenElectivesWithWrittenMarks() {
        let page = render([
            item(1, "无期限", due: nil, status: .notStarted),
            item(2, "已完成", due: "2027-01-01", status: .done),
            item(3, "逾期的", due: "2027-01-10", status: .overdue),
            item(4, "选修课", required: false, due: nil, status: .notStarted),
            item(5, "快到期", due: "2027-01-20", status: .dueSoon),
        ], .zh)
        let order = ["逾期的", "快到期", "无期限", "已完成", "选修课"].map { page.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
        #expect(page.contains("待完成的培训") && page.contains("已完成或免修（1 项）") && page.contains(">选修<"))
        #expect(page.contains(">逾期</strong>") && page.contains(">即将到期</strong>"))
        #expect(page.contains("2027-01-10 前完成") && page.contains("无截止日期"))
        #expect(page.contains("href=\"/courses/ethics\""))
        let english = render([item(3, "late", due: "2027-01-10", status: .overdue)], .en)
        #expect(english.contains("Assigned training") && english.contains(">Overdue</strong>"))
    }

    @Test func nothingAssignedRendersNothingAndAllDoneSaysSo() {
        #expect(render([], .zh).isEmpty)
        let page = render([item(2, "已完成", due: "2027-01-01", status: .done)], .zh)
        #expect(page.contains("布置给您的必修培训都已完成"))
    }
}
