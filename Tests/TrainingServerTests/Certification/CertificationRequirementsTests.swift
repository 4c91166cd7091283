import Curriculum
import Testing
@testable import TrainingServer

@Suite struct CertificationRequirementsTests {
    @Test func isMetNeedsNothingMissing() {
        let met = CertificationRequirements(goal: .renewal, courses: [], choose: 0, from: [], hours: 0,
                                            countsFrom: nil, deadline: nil)
        #expect(met.isMet)
        let hours = CertificationRequirements(goal: .renewal, courses: [], choose: 0, from: [], hours: 1,
                                              countsFrom: nil, deadline: nil)
        #expect(!hours.isMet)
    }
}
