import Foundation

extension ControllerContext {
    /// The signed-in planner (an HR or admin grant) and the departments they plan for. Anyone else gets 403
    /// (anonymous visitors go to the login page); an assignment, department or person outside the scope is
    /// answered 404 by the pages (`planScoped`).
    func planScope(_ request: Request) throws -> PlanScope {
        let user = try requireRole(request, [.hr, .admin])
        let scope = PlanScope(user: user, departments: try departments.all())
        guard !scope.isEmpty else { throw HTTPError.forbidden }
        return scope
    }

    /// Runs `body`, turning "outside the scope" into a plain 404.
    func planScoped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch PlanScopeFailure.notFound {
            throw HTTPError.notFound
        }
    }
}

extension ControllerContext {
    /// Assignments, on this server's store, catalogue, time zone and clock.
    var assignments: AssignmentService {
        let catalogue = self.catalogue
        return AssignmentService(repository: storage.assignments,
                                 catalogue: { catalogue.catalogue }, calendar: PlanCalendar(configuration.calendar),
                                 clock: clock)
    }
}
