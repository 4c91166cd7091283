import Curriculum
import Testing
@testable import TrainingServer

@Suite struct CertificationPathTests {
    private typealias F = CertificationFixture

    @Test func renewalPathFallsBackToTheProgramme() {
        #expect(CertificationPath.renewal(F.program(recertification: nil)) == .programme(F.program()))
        let path = CertificationPath.renewal(F.program())
        #expect(path.required == [CourseID("refresher")] && path.choose == 1 && path.from.count == 2)
    }

    @Test func fulfilmentUsesTheLatestCompletionThatCounts() throws {
        let completions = [F.pass("ethics", 1), F.pass("literacy", 2), F.pass("security", 3), F.pass("ethics", 4)]
        let path = CertificationPath.programme(F.program())
        let basis = try #require(path.fulfilment(by: F.at(5), completions: completions, counting: .none))
        #expect(basis == [F.pass("literacy", 2), F.pass("security", 3), F.pass("ethics", 4)])
        #expect(path.fulfilment(by: F.at(2.5), completions: completions, counting: .none) == nil)
        let bound = CertificationBound(instant: F.at(2), inclusive: false)
        #expect(path.fulfilment(by: F.at(5), completions: completions, counting: bound) == nil)
        #expect(path.missing(by: F.at(5), completions: completions, counting: bound).courses == [CourseID("literacy")])
    }

    @Test func choosePrefersTheMostRecentCompletions() throws {
        let path = CertificationPath(required: [], choose: 1, from: [CourseID("ethics"), CourseID("literacy")])
        let completions = [F.pass("ethics", 1), F.pass("literacy", 2)]
        let basis = try #require(path.fulfilment(by: F.at(3), completions: completions, counting: .none))
        #expect(basis == [F.pass("literacy", 2)])
        let missing = path.missing(by: F.at(3), completions: completions, counting: .none)
        #expect(missing.choose == 0 && missing.from.isEmpty)
    }

    @Test(arguments: [(true, 10.0, true), (true, 9.9, false), (false, 10, false), (false, 10.1, true)])
    func boundAdmits(inclusive: Bool, day: Double, expected: Bool) {
        #expect(CertificationBound(instant: F.at(10), inclusive: inclusive).admits(F.at(day)) == expected)
        #expect(CertificationBound.none.admits(-.greatestFiniteMagnitude))
        #expect(CertificationBound.none.countsFrom == nil)
    }
}
