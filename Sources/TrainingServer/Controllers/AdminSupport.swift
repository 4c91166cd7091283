import Foundation

extension ControllerContext {
    /// The signed-in administrator and the departments they manage. Anyone without an admin grant gets 403; a
    /// department or person outside the scope is answered 404 by the pages (`adminScoped`).
    func adminScope(_ request: Request) throws -> AdminScope {
        let user = try requireRole(request, [.admin])
        let scope = AdminScope(user: user, departments: try departments.all())
        guard !scope.isEmpty else { throw HTTPError.forbidden }
        return scope
    }

    /// Runs `body`, turning "outside the scope" into a plain 404.
    func adminScoped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch AdminScopeFailure.notFound {
            throw HTTPError.notFound
        }
    }
}
