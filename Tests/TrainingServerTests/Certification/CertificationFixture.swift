import Curriculum
@testable import TrainingServer

/// Programmes and evidence for certification tests, on a calendar counted in days from 2026-01-01 UTC.
enum CertificationFixture {
    static let day = CertificationEngine.secondsPerDay
    static let origin: Double = 1_767_225_600

    /// The instant `days` after the origin.
    static func at(_ days: Double) -> Double { origin + days * day }

    /// The egov-competence shape: three courses, 730 days, a 90-day window, a refresher plus one of two.
    static let refresherPath = Recertification(courses: [CourseID("refresher")], choose: 1,
                                               from: [CourseID("ethics"), CourseID("literacy")])

    static func program(courses: [String] = ["ethics", "literacy", "security"], minStudyHours: Double = 0,
                        validityDays: Int = 730, windowDays: Int = 90, base: ExpiryBase = .previousExpiry,
                        recertification: Recertification? = refresherPath) -> Program {
        Program(id: ProgramID("egov"), title: LocalizedText(both: "eGov"), summary: LocalizedText(both: "eGov"),
                courses: courses.map { CourseID($0) }, minStudyHours: minStudyHours, validityDays: validityDays,
                renewalWindowDays: windowDays, expiryBase: base, recertification: recertification,
                source: SourceReference(file: "programs/egov.yaml", line: 1))
    }

    /// A completion whose quiz pass fixed the instant.
    static func pass(_ course: String, _ days: Double) -> CertificationEvidence.Completion {
        CertificationEvidence.Completion(course: CourseID(course), at: at(days), quizPassedAt: at(days))
    }

    /// The three programme courses passed on days 10, 20 and 30: certified on day 30, window on day 670, expiry
    /// on day 760.
    static let certifiedOnDay30 = [pass("ethics", 10), pass("literacy", 20), pass("security", 30)]

    static func evaluate(_ completions: [CertificationEvidence.Completion],
                         credits: [CertificationEvidence.Credit] = [],
                         revocations: [CertificationEvidence.Revocation] = [], day: Double) -> CertificationRecord {
        evaluate(program(), completions, credits: credits, revocations: revocations, day: day)
    }

    static func evaluate(_ program: Program, _ completions: [CertificationEvidence.Completion],
                         credits: [CertificationEvidence.Credit] = [],
                         revocations: [CertificationEvidence.Revocation] = [], day: Double) -> CertificationRecord {
        CertificationEngine.evaluate(program: program,
                                     evidence: CertificationEvidence(completions: completions, credits: credits,
                                                                     revocations: revocations),
                                     now: at(day))
    }

    static func revocation(_ days: Double, _ reason: String = "misconduct") -> CertificationEvidence.Revocation {
        CertificationEvidence.Revocation(at: at(days), reason: reason, by: "hr-1")
    }

    static func credit(_ days: Double, _ hours: Double) -> CertificationEvidence.Credit {
        CertificationEvidence.Credit(at: at(days), hours: hours)
    }
}
