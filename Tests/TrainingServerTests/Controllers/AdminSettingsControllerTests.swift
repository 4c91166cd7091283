import Testing
@testable import TrainingServer

/// Who may change the platform's settings: administrators of the whole organisation, never a unit administrator.
@Suite struct AdminSettingsControllerTests {
    private func scope(_ departments: [Int64], tree: [Department] = AdminScopeTests.tree) -> AdminScope {
        AdminScope(user: AdminScopeTests.user(departments.map { RoleGrant(role: .admin, departmentID: DepartmentID(rawValue: $0)) }),
                   departments: tree)
    }

    @Test func onlyAGrantOnEveryTopDepartmentIsTheWholeOrganisation() {
        #expect(scope([1]).managesWholeOrganisation)
        #expect(!scope([2]).managesWholeOrganisation)
        #expect(!scope([2, 4, 21]).managesWholeOrganisation, "every bureau is not the organisation's root")
        let twoRoots = AdminScopeTests.tree + [AdminScopeTests.department(50, nil, "/50/", ["另一个省"])]
        #expect(!scope([1], tree: twoRoots).managesWholeOrganisation)
        #expect(scope([1, 50], tree: twoRoots).managesWholeOrganisation)
        #expect(!scope([]).managesWholeOrganisation)
    }

    @Test func theFormTakesTwoFullSizeImages() {
        #expect(AdminSettingsController.bodyLimit >= 2 * BrandImageUpload.maximumBytes)
        #expect(AdminSettingsController.bodyLimit < 1024 * 1024)
    }
}
