import Assessment
import Curriculum

extension ControllerContext {
    /// The course named in the path, or 404.
    func course(_ request: Request, parameter: String = "course") throws -> Course {
        guard let course = catalogue.catalogue.course(CourseID(try request.parameter(parameter))) else {
            throw HTTPError.notFound
        }
        return course
    }

    /// The person's status in every course, in catalogue order.
    func courseLines(for user: User) throws -> [DashboardPage.CourseLine] {
        courseLines(progress: try learning.progress(userID: user.id), outcomes: try attempts.outcomes(userID: user.id))
    }

    /// The status in every course, in catalogue order, from the person's progress and quiz outcomes.
    func courseLines(progress: [ModuleProgress], outcomes: [QuizOutcome]) -> [DashboardPage.CourseLine] {
        catalogue.catalogue.courses.map { course in
            DashboardPage.CourseLine(course: course, status: CourseStatus(course: course, progress: progress, outcomes: outcomes))
        }
    }

    /// The identity of the session (or token) doing the studying: only one accrues time at a time.
    func studySessionKey(_ request: Request) -> String {
        request.context.session.map { "session:\($0.id)" } ?? "token"
    }

    /// Whether the client asked for JSON (the page scripts and the API do).
    func wantsJSON(_ request: Request) -> Bool {
        request.path.hasPrefix("/api/") || Self.containsJSON(request.headers["Accept"] ?? "")
    }

    /// Whether `accept` holds `application/json`, compared byte by byte: `String.contains` with a string searches
    /// by characters through the generic collection algorithms, which a profile of the save request showed at
    /// about a tenth of the request's handler.
    static func containsJSON(_ accept: String) -> Bool {
        let bytes = accept.utf8
        var from = bytes.startIndex
        while let found = bytes[from...].firstIndex(of: UInt8(ascii: "a")) {
            if bytes[found...].starts(with: jsonType) { return true }
            from = bytes.index(after: found)
        }
        return false
    }

    private static let jsonType = Array("application/json".utf8)
}

extension ControllerContext {
    /// The signed-in person if they hold one of `roles` (anywhere); 403 otherwise.
    func requireRole(_ request: Request, _ roles: Set<Role>) throws -> User {
        let user = try requireUser(request)
        guard !user.roles.isDisjoint(with: roles) else { throw HTTPError.forbidden }
        return user
    }
}

extension ControllerContext {
    /// The attempt in the path, if it belongs to the signed-in person (anyone else gets 404, not 403, so ids
    /// reveal nothing), with its course and quiz.
    func ownAttempt(_ request: Request) throws -> (User, StoredAttempt, Course, QuizDefinition) {
        let user = try requireUser(request)
        guard let stored = try attempts.attempt(id: AttemptID(try request.parameter("attempt"))),
              stored.userID == user.id,
              let course = catalogue.catalogue.course(CourseID(stored.courseID)),
              let quiz = course.quiz(stored.attempt.quizID) else { throw HTTPError.notFound }
        return (user, stored, course, quiz)
    }
}
