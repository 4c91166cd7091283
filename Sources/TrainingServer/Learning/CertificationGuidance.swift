import Curriculum

/// What a person has to do for their next certification (or renewal), as steps a page can show. Derived from the
/// certification engine's requirements — which courses lack a completion that counts, how many to choose, the
/// hours, the instant completions count from — and the person's course status, so a course that shows as
/// completed is never listed as still to do: when its earlier completion no longer counts (after a revocation, or
/// for a renewal) the step is to pass its final exam again, and when it cannot be completed again at all (a course
/// without a final exam, or one no longer in the catalogue) the person is told to contact HR.
public struct CertificationGuidance: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        /// Complete the course: every module and its final exam.
        case complete
        /// The course is completed, but that completion does not count any more: pass its final exam again.
        case retakeExam = "retake_exam"
        /// The person cannot complete the course again by themselves.
        case contactHR = "contact_hr"
    }

    public struct CourseStep: Sendable, Hashable {
        public var course: CourseID
        public var action: Action
        /// The quiz to take for `retakeExam`.
        public var quiz: QuizID?
    }

    public var goal: CertificationRequirements.Goal
    /// Every one of these.
    public var required: [CourseStep]
    /// And `choose` of `options`.
    public var choose: Int
    public var options: [CourseStep]
    /// Study hours still missing in the rolling year.
    public var hours: Double
    /// Completions count only after this instant (the revocation, the renewal window's opening).
    public var countsFrom: Double?
    /// The renewal's deadline (the expiry).
    public var deadline: Double?
    /// The revocation that ended the latest certificate, when the person is revoked.
    public var revocation: CertificationEvidence.Revocation?

    /// Whether something is left to do.
    public var hasSteps: Bool { !required.isEmpty || choose > 0 || hours > 0 }

    /// Whether the person cannot certify by themselves: a required course, or too many of the optional ones,
    /// cannot be completed again, or a revoked person has nothing left the engine would accept.
    public var needsHR: Bool {
        if required.contains(where: { $0.action == .contactHR }) { return true }
        if choose > options.filter({ $0.action != .contactHR }).count { return true }
        return revocation != nil && !hasSteps
    }

    public init(record: CertificationRecord, catalogue: Catalogue, statuses: [CourseID: CourseStatus]) {
        let requirements = record.requirements
        func step(_ id: CourseID) -> CourseStep {
            guard let course = catalogue.course(id) else { return CourseStep(course: id, action: .contactHR) }
            guard statuses[id]?.state == .completed else { return CourseStep(course: id, action: .complete) }
            // Completed, yet the engine does not count it: only a new pass of its final exam can count again.
            guard let quiz = course.completionQuiz else { return CourseStep(course: id, action: .contactHR) }
            return CourseStep(course: id, action: .retakeExam, quiz: quiz.id)
        }
        goal = requirements.goal
        required = requirements.courses.map(step)
        choose = requirements.choose
        options = requirements.choose > 0 ? requirements.from.map(step) : []
        hours = requirements.hours
        countsFrom = requirements.countsFrom
        deadline = requirements.deadline
        revocation = record.state == .revoked ? record.latestCycle?.revocation : nil
    }
}
