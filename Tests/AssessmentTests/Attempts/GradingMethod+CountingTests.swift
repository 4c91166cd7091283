import Testing
@testable import Assessment

@Suite struct GradingMethodCountingTests {
    @Test func highestAndLastPickTheRightAttempt() throws {
        let quiz = Fixtures.fixedQuiz()
        let good = try AttemptDriver.closedAttempt(number: 1, quiz: quiz, startedAt: 0, submittedAt: 10, answer: true)
        let bad = try AttemptDriver.closedAttempt(number: 2, quiz: quiz, startedAt: 20, submittedAt: 30, answer: false)
        let goodAgain = try AttemptDriver.closedAttempt(number: 3, quiz: quiz, startedAt: 40, submittedAt: 50, answer: true)
        let open = try AttemptDriver(quiz: quiz, at: 60, number: 4).state(at: 61)
        #expect(GradingMethod.highest.countingAttempt(among: [bad, goodAgain, good, open])?.number == 1)
        #expect(GradingMethod.last.countingAttempt(among: [goodAgain, bad, good, open])?.number == 3)
        #expect(GradingMethod.last.countingAttempt(among: [good, bad])?.number == 2)
        #expect(GradingMethod.highest.countingAttempt(among: [open]) == nil)
    }
}
