@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct PlanScopeTests {
    @Test func hrAndAdminGrantsMakeTheScopeAndAssignmentsAboveItAreVisibleButNotChangeable() throws {
        let f = try PlanFixture()
        let planner = try f.person("hr", in: f.bureau, grants: [RoleGrant(role: .hr, departmentID: f.bureau.id)])
        let scope = PlanScope(user: planner, departments: try f.departments.all())
        #expect(!scope.isEmpty)
        #expect(scope.roots == [f.bureau])
        #expect(scope.isVisible(f.office.id) && !scope.isVisible(f.sibling.id) && !scope.isVisible(f.province.id))
        let own = try f.assign(at: f.office)
        let above = try f.assign("全省", at: f.province)
        let beside = try f.assign("人社厅", at: f.sibling)
        #expect(scope.canSee(own) && scope.canChange(own))
        #expect(scope.canSee(above) && !scope.canChange(above))
        #expect(!scope.canSee(beside) && !scope.canChange(beside))
        #expect(throws: PlanScopeFailure.notFound) { try scope.visible(beside) }
        #expect(throws: PlanScopeFailure.notFound) { try scope.visible(nil) }
        #expect(throws: PlanScopeFailure.notFound) { try scope.department(String(f.sibling.id.rawValue)) }
        #expect(try scope.department(String(f.office.id.rawValue)) == f.office)
        #expect(try scope.department("") == nil)
    }

    @Test func learnersAndTrainersHaveNoScope() throws {
        let f = try PlanFixture()
        let learner = try f.person("learner", in: f.bureau, grants: [RoleGrant(role: .trainer, departmentID: f.bureau.id)])
        #expect(PlanScope(user: learner, departments: try f.departments.all()).isEmpty)
    }
}
