import Curriculum
import Testing
@testable import TrainingServer

@Suite struct CertificationEvidenceTests {
    @Test(arguments: [(10.0, 8.0, 8.0), (10, 10, 10), (10, nil, 10), (10, 12, 10)] as [(Double, Double?, Double)])
    func earliestIsTheQuizPassOrTheCompletion(at: Double, quizPassedAt: Double?, expected: Double) {
        let completion = CertificationEvidence.Completion(course: CourseID("ethics"), at: at, quizPassedAt: quizPassedAt)
        #expect(completion.earliest == expected)
    }
}
