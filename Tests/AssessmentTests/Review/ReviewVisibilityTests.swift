import Testing
@testable import Assessment

@Suite struct ReviewVisibilityTests {
    func closedAttempt(_ quiz: QuizDefinition) throws -> AttemptState {
        var driver = try AttemptDriver(quiz: quiz, at: 0)
        driver.request(.submit, at: 10)
        return try driver.state(at: 10)
    }

    @Test func nothingIsShownWhileTheAttemptIsOpen() throws {
        let quiz = Fixtures.fixedQuiz()
        let open = try AttemptDriver(quiz: quiz, at: 0).state(at: 1)
        #expect(ReviewVisibility.forLearner(quiz: quiz, attempt: open, learnerHasPassed: true, now: 1) == .nothing)
    }

    @Test(arguments: [
        // when, passed, quiz closes at, now, expected open
        (ReviewPolicy.When.immediately, false, Double?.none, 20.0, true),
        (.afterPassing, false, nil, 20, false),
        (.afterPassing, true, nil, 20, true),
        (.afterClose, true, nil, 1_000_000, false),
        (.afterClose, true, 500, 499, false),
        (.afterClose, false, 500, 500, true),
    ])
    func thePolicyConditionDecides(when: ReviewPolicy.When, passed: Bool, closesAt: Double?, now: Double,
                                   shown: Bool) throws {
        let items: Set<ReviewPolicy.Item> = [.correctness, .explanations]
        let quiz = Fixtures.fixedQuiz(review: ReviewPolicy(show: items, when: when))
        let visibility = ReviewVisibility.forLearner(quiz: quiz, attempt: try closedAttempt(quiz),
                                                     learnerHasPassed: passed, quizClosesAt: closesAt, now: now)
        #expect(visibility == (shown ? ReviewVisibility(items.union([.score])) : ReviewVisibility([.score])))
    }

    /// A closed attempt always shows its score, whatever the policy holds back: the learner must know where they
    /// stand before deciding whether and when to try again.
    @Test(arguments: [ReviewPolicy.When.immediately, .afterPassing, .afterClose])
    func aClosedAttemptAlwaysShowsItsScore(when: ReviewPolicy.When) throws {
        let quiz = Fixtures.fixedQuiz(review: ReviewPolicy(show: [], when: when))
        let attempt = try closedAttempt(quiz)
        let visibility = ReviewVisibility.forLearner(quiz: quiz, attempt: attempt, learnerHasPassed: false, now: 20)
        #expect(visibility == ReviewVisibility([.score]))
        let view = LearnerAttemptView(attempt, visibility: visibility)
        #expect(view.score?.passed == false)
        #expect(view.questions.allSatisfy { $0.mark == nil && $0.rightAnswer == nil && $0.explanation == nil })
    }

    @Test func theQuizCloseTimeIsTheDefault() throws {
        let quiz = Fixtures.fixedQuiz(review: ReviewPolicy(show: [.answers], when: .afterClose), closesAt: 100)
        let attempt = try closedAttempt(quiz)
        #expect(ReviewVisibility.forLearner(quiz: quiz, attempt: attempt, learnerHasPassed: false, now: 99)
            == ReviewVisibility([.score]))
        #expect(ReviewVisibility.forLearner(quiz: quiz, attempt: attempt, learnerHasPassed: false, now: 100).answers)
    }
}
