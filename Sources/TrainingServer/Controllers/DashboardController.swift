import Assessment
import Curriculum

/// The learner's start page.
struct DashboardController {
    let context: ControllerContext
    /// The fixed parts of the course cards, by course and language, for the running catalogue.
    let courses = KeptParts<CoursePage.Key, CoursePage.Parts>()
    /// The page's fixed words, by language.
    let words = KeptParts<Language, DashboardPage.Parts>()
    /// The certification sections written, by every value they show (`CertificationsSection.Key`), for the running
    /// catalogue (the programme and course titles in them are the catalogue's).
    let sections = ThreadMemo<CertificationsSection.Key, HTML>(limit: CertificationsSection.keptLimit)

    func register(in router: inout Router) {
        context.catalogue.onReload { [courses, words, sections] _ in
            courses.invalidate()
            words.invalidate()
            sections.invalidate()
        }
        router.get("/") { [courses, words, sections] request in
            // Taken before the catalogue is read, so that parts built from a catalogue a reload replaced are not kept.
            let (keptCourses, keptWords, keptCertifications)
                = (courses.snapshot(), words.snapshot(), sections.version())
            let user = try context.requireUser(request)
            let page = context.page(request)
            // One read for everything the page shows (progress, records, assigned training, and announcements only
            // when the person has some unread: the count comes with the session's user), with the progress of the
            // person's held study beat in place of its module's row: what writing the beat first would show, without
            // a durable write on every visit (a learner going from module page to dashboard and back would otherwise
            // write on both, the beats no longer coalesced). Taken before the read: a beat written meanwhile gives the
            // same row. The course lines, hours and certification evidence all work from it.
            let held = context.learning.heldProgress(userID: user.id)
            let today = user.unreadAnnouncements > 0
                ? ISODay(seconds: context.clock(), timeZone: context.configuration.calendar.timeZone) : nil
            let snapshot = try context.storage.dashboard.snapshot(of: user.id, announcementsOn: today)
            let progress = held.map { Self.progress(snapshot.progress, with: $0) } ?? snapshot.progress
            let records = snapshot.records
            // One catalogue for the whole page (each look at the holder takes its lock).
            let catalogue = context.catalogue.catalogue
            // Each course's line once, in the catalogue's order: required (in a programme) or started.
            let requiredIDs = Set(catalogue.programs.flatMap { $0.courses })
            var required: [DashboardPage.CourseLine] = []
            var started: [DashboardPage.CourseLine] = []
            var statuses: [CourseID: CourseStatus] = [:]
            required.reserveCapacity(catalogue.courses.count)
            statuses.reserveCapacity(catalogue.courses.count)
            for course in catalogue.courses {
                let status = CourseStatus(course: course, progress: progress, outcomes: records.outcomes)
                if statuses[course.id] == nil { statuses[course.id] = status }
                if requiredIDs.contains(course.id) {
                    required.append(DashboardPage.CourseLine(course: course, status: status))
                } else if status.state != .notStarted {
                    started.append(DashboardPage.CourseLine(course: course, status: status))
                }
            }
            let next = Self.next(required: required, started: started)
            let year = context.configuration.calendar.year(of: context.clock())
            let hours = records.ledger.reduce(0) { $1.year == year ? $0 + $1.hours : $0 }
            let certifications = certificationLines(progress: progress, records: records, statuses: statuses,
                                                    catalogue: catalogue)
            // With every course completed, a certification may still ask for something (a final exam passed again
            // after a revocation, a renewal's course): that is then the page's one action.
            let certificationStep = next != nil ? nil : certifications.lazy.filter { $0.record.state != .certified }
                .compactMap { line in
                    (line.guidance.required + line.guidance.options).first { $0.action != .contactHR }
                        .flatMap { step in catalogue.course(step.course).map { ($0, step) } }
                }.first
            let assigned = snapshot.memberships.isEmpty ? [] : context.assignments.dueItems(
                snapshot.memberships, certificationStates: snapshot.certificationStates, progress: progress,
                outcomes: records.outcomes)
            var model = DashboardPage.Model(user: user, required: required, started: started, next: next,
                                            certificationStep: certificationStep,
                                            hoursThisYear: hours,
                                            requiredHours: user.requiredHours ?? context.configuration.yearlyRequiredHours,
                                            certifications: CertificationsSection.render(
                                                certifications, context: page, kept: sections, version: keptCertifications),
                                            assigned: PlanDueSection.render(
                                                assigned, words: PlanWords(context: page, catalogue: catalogue, departments: [:]),
                                                context: page))
            if today != nil {
                model.announcements = AnnouncementPages.dashboardSection(snapshot.announcements, context: page)
            }
            let parts = words.value(page.language, from: keptWords) { DashboardPage.Parts(context: page) }
            return Response.html(bytes: DashboardPage.bytes(
                model, parts: parts, course: { CoursePage.parts($0, kept: courses, snapshot: keptCourses, context: page) },
                context: page, stylesheet: context.stylesheet))
        }
    }

    /// What to continue with: where the person was last active (the first of equals), else the first required
    /// course not completed, else the first started one. A course whose modules are all done but whose final exam is
    /// not passed is not completed: its next step is the exam.
    static func next(required: [DashboardPage.CourseLine], started: [DashboardPage.CourseLine]) -> DashboardPage.Next? {
        var first: DashboardPage.CourseLine?
        var latest: DashboardPage.CourseLine?
        for lines in [required, started] {
            for line in lines where line.status.state != .completed {
                if first == nil { first = line }
                if line.status.lastActivity > 0, latest.map({ $0.status.lastActivity < line.status.lastActivity }) ?? true {
                    latest = line
                }
            }
        }
        return (latest ?? first).map { DashboardPage.Next(course: $0.course, step: $0.status.nextStep) }
    }

    /// `progress` with `held` in place of its module's row (added when the read has none).
    static func progress(_ progress: [ModuleProgress], with held: ModuleProgress) -> [ModuleProgress] {
        var progress = progress
        if let index = progress.firstIndex(where: { $0.courseID == held.courseID && $0.moduleID == held.moduleID }) {
            progress[index] = held
        } else {
            progress.append(held)
        }
        return progress
    }

    /// Each programme as the engine sees the person now, with the newest certificate and what to do next.
    private func certificationLines(progress: [ModuleProgress], records: LearnerRecords, statuses: [CourseID: CourseStatus],
                                    catalogue: Catalogue) -> [CertificationsSection.Line] {
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
