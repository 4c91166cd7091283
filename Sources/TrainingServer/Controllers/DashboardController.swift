import Assessment
import Curriculum

/// The learner's start page.
struct DashboardController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/") { request in
            let user = try context.requireUser(request)
            let page = context.page(request)
            let lines = try context.courseLines(for: user)
            let requiredIDs = Set(context.catalogue.catalogue.programs.flatMap(\.courses))
            let required = lines.filter { requiredIDs.contains($0.course.id) }
            let started = lines.filter { !requiredIDs.contains($0.course.id) && $0.status.state != .notStarted }
            // Continue where the person was last active, else with the first required course not finished.
            let candidates = (required + started).filter { $0.status.state != .completed }
            let latest = candidates.max { lhs, rhs in
                (lhs.status.progress.values.map(\.lastActivityAt).max() ?? 0) < (rhs.status.progress.values.map(\.lastActivityAt).max() ?? 0)
            }
            var next: (course: Course, module: Module, started: Bool)?
            if let line = latest ?? candidates.first, let module = line.status.nextModule {
                next = (line.course, module, line.status.progress[module.id.rawValue] != nil)
            }
            let year = context.configuration.calendar.year(of: context.clock())
            let hours = try context.learning.ledger(userID: user.id).filter { $0.year == year }.reduce(0) { $0 + $1.hours }
            let model = DashboardPage.Model(user: user, required: required, started: started, next: next,
                                            hoursThisYear: hours, requiredHours: context.configuration.yearlyRequiredHours,
                                            certifications: CertificationsSection.render(try certificationLines(user, page: page),
                                                                                         context: page))
            return Response.html(DashboardPage.render(model, context: page, stylesheet: context.stylesheet).rendered)
        }
    }

    /// Each programme as the engine sees the person now, with the newest certificate.
    private func certificationLines(_ user: User, page: PageContext) throws -> [CertificationsSection.Line] {
        let catalogue = context.catalogue.catalogue
        let certificates = try context.certificationRepository.certificates(userID: user.id)
        return try catalogue.programs.map { program in
            let evidence = try context.certification.evidence(userID: user.id, programID: program.id.rawValue)
            let record = CertificationEngine.evaluate(program: program, evidence: evidence, now: context.clock())
            let missing = (record.requirements.courses + (record.requirements.choose > 0 ? record.requirements.from : []))
                .compactMap { catalogue.course($0)?.title.t(page) }
            return CertificationsSection.Line(program: program, record: record,
                                              certificate: certificates.last { $0.programID == program.id.rawValue },
                                              missing: missing)
        }
    }
}
