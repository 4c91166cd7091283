import Assessment
import Curriculum

/// The learner's start page.
struct DashboardController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/") { request in
            let user = try context.requireUser(request)
            let page = context.page(request)
            // Each of the person's records read once, in two reads (progress first: it writes a held study beat):
            // the course lines, the hours and the certification evidence all work from them.
            let progress = try context.learning.progress(userID: user.id)
            let records = try context.certificationRepository.learnerRecords(userID: user.id)
            let lines = context.courseLines(progress: progress, outcomes: records.outcomes)
            let requiredIDs = Set(context.catalogue.catalogue.programs.flatMap(\.courses))
            let required = lines.filter { requiredIDs.contains($0.course.id) }
            let started = lines.filter { !requiredIDs.contains($0.course.id) && $0.status.state != .notStarted }
            // Continue where the person was last active, else with the first required course not completed. A
            // course whose modules are all done but whose final exam is not passed is not completed: its next step
            // is the exam.
            let candidates = (required + started).filter { $0.status.state != .completed }
            let latest = candidates.filter { $0.status.lastActivity > 0 }.max { $0.status.lastActivity < $1.status.lastActivity }
            let next = (latest ?? candidates.first).map { DashboardPage.Next(course: $0.course, step: $0.status.nextStep) }
            let year = context.configuration.calendar.year(of: context.clock())
            let hours = records.ledger.filter { $0.year == year }.reduce(0) { $0 + $1.hours }
            let statuses = Dictionary(lines.map { ($0.course.id, $0.status) }, uniquingKeysWith: { first, _ in first })
            let certifications = certificationLines(progress: progress, records: records, statuses: statuses)
            // With every course completed, a certification may still ask for something (a final exam passed again
            // after a revocation, a renewal's course): that is then the page's one action.
            let certificationStep = next != nil ? nil : certifications.lazy.filter { $0.record.state != .certified }
                .compactMap { line in
                    (line.guidance.required + line.guidance.options).first { $0.action != .contactHR }
                        .flatMap { step in context.catalogue.catalogue.course(step.course).map { ($0, step) } }
                }.first
            let model = DashboardPage.Model(user: user, required: required, started: started, next: next,
                                            certificationStep: certificationStep,
                                            hoursThisYear: hours,
                                            requiredHours: user.requiredHours ?? context.configuration.yearlyRequiredHours,
                                            certifications: CertificationsSection.render(certifications, context: page))
            return Response.html(DashboardPage.render(model, context: page, stylesheet: context.stylesheet).rendered)
        }
    }

    /// Each programme as the engine sees the person now, with the newest certificate and what to do next.
    private func certificationLines(progress: [ModuleProgress], records: LearnerRecords,
                                    statuses: [CourseID: CourseStatus]) -> [CertificationsSection.Line] {
        let catalogue = context.catalogue.catalogue
        let certificates = records.certificates
        let evidence = context.certification.evidence(progress: progress, ledger: records.ledger, passes: records.passes,
                                                      certificates: certificates)
        let now = context.clock()
        return catalogue.programs.map { program in
            let record = CertificationEngine.evaluate(program: program,
                                                      evidence: evidence[program.id.rawValue] ?? CertificationEvidence(), now: now)
            return CertificationsSection.Line(program: program, record: record,
                                              certificate: certificates.last { $0.programID == program.id.rawValue },
                                              guidance: CertificationGuidance(record: record, catalogue: catalogue,
                                                                              statuses: statuses),
                                              courses: catalogue.courses)
        }
    }
}
