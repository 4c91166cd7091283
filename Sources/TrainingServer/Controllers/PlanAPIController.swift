import Curriculum
import Foundation

/// `/api/v1` for training plans: the assignments a planner may follow up (`/assignments`, paged like the HR people
/// list, and `/assignments/{id}` with its members' statuses in the caller's scope), and the caller's own
/// assignments with where they stand (`/due`, beside `/progress` and `/certifications`). Bearer token or session;
/// outside the caller's scope is 404.
struct PlanAPIController {
    let context: ControllerContext

    /// Largest page the assignments list returns at once.
    static let maximumLimit = 200

    func register(in router: inout Router) {
        router.get("/api/v1/assignments") { request in
            let scope = try context.planScope(request)
            try HRAPIController.refuseMalformed(request.query, ["limit", "offset"])
            let withdrawn = request.query["withdrawn"]
            guard withdrawn == nil || ["1", "true", "0", "false"].contains(withdrawn ?? "") else {
                throw HTTPError.badRequest("withdrawn: use 1, true, 0 or false")
            }
            guard let limit = HRAPIController.integer(request.query["limit"], default: 50, in: 1...Self.maximumLimit),
                  let offset = HRAPIController.integer(request.query["offset"], default: 0, in: 0...Int(Int32.max)) else {
                throw HTTPError.badRequest("limit: use 1 to \(Self.maximumLimit); offset: use a whole number")
            }
            let service = context.assignments
            let includeWithdrawn = withdrawn == "1" || withdrawn == "true"
            let all = try service.visible(scope: scope).filter { includeWithdrawn || !$0.isWithdrawn }
            let items = try all.dropFirst(offset).prefix(limit).map { try document($0, scope: scope, service: service) }
            return Response.json(AssignmentList(total: all.count, limit: limit, offset: offset, items: Array(items)))
        }
        router.get("/api/v1/assignments/:assignment") { request in
            let scope = try context.planScope(request)
            let service = context.assignments
            let assignment = try context.planScoped { try service.visible(try request.parameter("assignment"), scope: scope) }
            return Response.json(try document(assignment, scope: scope, service: service))
        }
        router.get("/api/v1/due") { request in
            let user = try context.requireUser(request)
            let items = try context.assignments.dueItems(of: user.id, progress: try context.learning.progress(userID: user.id),
                                                         outcomes: try context.attempts.outcomes(userID: user.id))
            let catalogue = context.catalogue.catalogue
            return Response.json(items.map { DueDocument($0, catalogue: catalogue) })
        }
    }

    private func document(_ assignment: Assignment, scope: PlanScope, service: AssignmentService) throws -> AssignmentDocument {
        AssignmentDocument(assignment, catalogue: context.catalogue.catalogue, departments: scope.departments,
                           canChange: scope.canChange(assignment), counts: try service.statusCounts(of: assignment, scope: scope))
    }
}

/// What an assignment's item is, for the API.
struct AssignmentItemDocument: Encodable {
    var kind: String
    var id: String
    /// The title from the catalogue; null when the catalogue no longer has the item.
    var title: APIModels.Text?

    init(_ item: AssignmentItem, catalogue: Catalogue) {
        kind = item.kind.rawValue
        id = item.id
        switch item.kind {
        case .course: title = catalogue.course(CourseID(rawValue: item.id)).map { APIModels.Text($0.title) }
        case .program: title = catalogue.program(ProgramID(rawValue: item.id)).map { APIModels.Text($0.title) }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
    }

    enum CodingKeys: String, CodingKey { case kind, id, title }
}

/// `/api/v1/assignments/{id}` (docs/openapi.yaml `Assignment`): every key is present, null when it does not apply.
struct AssignmentDocument: Encodable {
    var id: Int64
    var name: String
    var item: AssignmentItemDocument
    var required: Bool
    var audience: String
    var departmentId: Int64
    var department: String?
    var includeSubtree: Bool?
    var jobCategory: String?
    var people: Int?
    var dueKind: String
    var dueDay: String?
    var dueDays: Int?
    var planKey: String?
    var createdAt: Date
    var withdrawnAt: Date?
    var canChange: Bool
    var counts: [String: Int]
    var members: Int

    init(_ assignment: Assignment, catalogue: Catalogue, departments: [DepartmentID: Department], canChange: Bool,
         counts: [AssignmentStatus: Int]) {
        id = assignment.id.rawValue
        name = assignment.name
        item = AssignmentItemDocument(assignment.item, catalogue: catalogue)
        required = assignment.required
        audience = assignment.audience.kind
        departmentId = assignment.departmentID.rawValue
        department = departments[assignment.departmentID]?.displayPath
        switch assignment.audience {
        case .department(let subtree, let category):
            includeSubtree = subtree
            jobCategory = category
        case .people(let named):
            people = named.count
        }
        dueKind = assignment.dueRule.kind
        dueDay = assignment.dueRule.fixedDay?.description
        dueDays = assignment.dueRule.days
        planKey = assignment.planKey
        createdAt = Date(timeIntervalSince1970: assignment.createdAt)
        withdrawnAt = assignment.withdrawnAt.map { Date(timeIntervalSince1970: $0) }
        self.canChange = canChange
        self.counts = Dictionary(uniqueKeysWithValues: AssignmentStatus.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        members = counts.values.reduce(0, +)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(item, forKey: .item)
        try c.encode(required, forKey: .required)
        try c.encode(audience, forKey: .audience)
        try c.encode(departmentId, forKey: .departmentId)
        try c.encode(department, forKey: .department)
        try c.encode(includeSubtree, forKey: .includeSubtree)
        try c.encode(jobCategory, forKey: .jobCategory)
        try c.encode(people, forKey: .people)
        try c.encode(dueKind, forKey: .dueKind)
        try c.encode(dueDay, forKey: .dueDay)
        try c.encode(dueDays, forKey: .dueDays)
        try c.encode(planKey, forKey: .planKey)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(withdrawnAt, forKey: .withdrawnAt)
        try c.encode(canChange, forKey: .canChange)
        try c.encode(counts, forKey: .counts)
        try c.encode(members, forKey: .members)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, item, required, audience, departmentId, department, includeSubtree, jobCategory, people, dueKind,
             dueDay, dueDays, planKey, createdAt, withdrawnAt, canChange, counts, members
    }
}

/// `/api/v1/assignments` (docs/openapi.yaml `Assignments`).
struct AssignmentList: Encodable {
    var total: Int
    var limit: Int
    var offset: Int
    var items: [AssignmentDocument]
}

/// One entry of `/api/v1/due` (docs/openapi.yaml `DueItem`): every key is present, null when it does not apply.
struct DueDocument: Encodable {
    var assignment: Int64
    var name: String
    var item: AssignmentItemDocument
    var required: Bool
    var assignedAt: Date
    var dueDay: String?
    var extendedDay: String?
    var status: String

    init(_ due: DueItem, catalogue: Catalogue) {
        assignment = due.assignment.id.rawValue
        name = due.assignment.name
        item = AssignmentItemDocument(due.assignment.item, catalogue: catalogue)
        required = due.assignment.required
        assignedAt = Date(timeIntervalSince1970: due.member.assignedAt)
        dueDay = due.member.dueDay?.description
        extendedDay = due.member.extendedDay?.description
        status = due.status.rawValue
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(assignment, forKey: .assignment)
        try c.encode(name, forKey: .name)
        try c.encode(item, forKey: .item)
        try c.encode(required, forKey: .required)
        try c.encode(assignedAt, forKey: .assignedAt)
        try c.encode(dueDay, forKey: .dueDay)
        try c.encode(extendedDay, forKey: .extendedDay)
        try c.encode(status, forKey: .status)
    }

    enum CodingKeys: String, CodingKey { case assignment, name, item, required, assignedAt, dueDay, extendedDay, status }
}
