import Testing
@testable import Assessment

@Suite struct RegradeTests {
    let tf = Fixtures.trueFalse.id, single = Fixtures.single.id

    /// Three learners' attempts at the fixed quiz (pass mark 0.2 of 9 points = 1.8):
    /// - 1 answers single "a" (2 points) and true/false "false": 2 points, passes;
    /// - 2 answers true/false "false" only: 0 points, fails;
    /// - 3 answers true/false "true" and leaves the attempt open.
    func attempts(_ quiz: QuizDefinition) throws -> [Attempt] {
        var first = try AttemptDriver(quiz: quiz, at: 0, number: 1)
        first.save(single, .choice("a"), at: 1)
        first.save(tf, .bool(false), at: 2)
        first.request(.submit, at: 3)
        var second = try AttemptDriver(quiz: quiz, at: 0, number: 2)
        second.save(tf, .bool(false), at: 1)
        second.request(.submit, at: 2)
        var third = try AttemptDriver(quiz: quiz, at: 0, number: 3)
        third.save(tf, .bool(true), at: 1)
        return [first.attempt, second.attempt, third.attempt]
    }

    @Test func anUnchangedKeyChangesNothing() throws {
        let quiz = Fixtures.fixedQuiz(passMark: 0.2)
        let regrade = Regrade(attempts: try attempts(quiz), from: quiz, to: quiz, now: 10)
        #expect(regrade.entries.count == 3 && regrade.failures.isEmpty)
        #expect(regrade.affected.isEmpty)
        #expect(regrade.entries.allSatisfy { $0.before == $0.after && $0.questions.isEmpty })
    }

    @Test func recordedMarksStandForBeforeSoAChangeInReadingShows() throws {
        let quiz = Fixtures.fixedQuiz(passMark: 0.2)
        let all = try attempts(quiz)
        // As an earlier reader recorded the first attempt: nothing right, failed.
        let recorded = [all[0].id: Regrade.Outcome(mark: 0, maxMark: 9, fraction: 0, passed: false)]
        let regrade = Regrade(attempts: all, from: quiz, to: quiz, now: 10, recorded: recorded)
        #expect(regrade.nowPassing.map(\.attemptID) == [all[0].id])
        #expect(regrade.affected.map(\.attemptID) == [all[0].id])
        #expect(regrade.entries[1].before == regrade.entries[1].after, "without a record, the old definition's replay stands")
    }

    @Test func aCorrectedKeyShowsWhoPassesAndFailsDifferently() throws {
        let old = Fixtures.fixedQuiz(passMark: 0.2)
        var corrected = Fixtures.trueFalse
        corrected.kind = .trueFalse(answer: false, feedbackIfTrue: nil, feedbackIfFalse: nil)
        corrected.contentHash = "tf-v2"
        let new = Fixtures.fixedQuiz(passMark: 0.2, questions: [Fixtures.single, Fixtures.multiple, corrected,
                                                                 Fixtures.short, Fixtures.numeric, Fixtures.matching])
        let regrade = Regrade(attempts: try attempts(old), from: old, to: new, now: 10)

        let first = regrade.entries[0]
        #expect(first.before == Regrade.Outcome(mark: 2, maxMark: 9, fraction: 0.2222222, passed: true))
        #expect(first.after == Regrade.Outcome(mark: 3, maxMark: 9, fraction: 0.3333333, passed: true))
        #expect(first.markChanged && !first.passChanged)
        #expect(first.questions == [Regrade.QuestionChange(questionID: tf, oldContentHash: "tf-v1",
                                                           newContentHash: "tf-v2", oldMark: 0, newMark: 1)])

        let second = regrade.entries[1]
        #expect(second.before?.passed == false && second.after?.passed == false)
        #expect(second.after?.mark == 1)

        let third = regrade.entries[2]
        #expect(third.before == nil && third.after == nil)
        #expect(third.questions.map(\.questionID) == [tf])
        #expect(third.questions[0].oldMark == nil && third.questions[0].newMark == nil)
        #expect(!third.isAffected)

        #expect(regrade.affected.map(\.number) == [1, 2])
        #expect(regrade.nowPassing.isEmpty && regrade.nowFailing.isEmpty)
        #expect(first.note(to: "practice-v2")
            == .note("regraded against quiz version practice-v2: 2.0/9.0 passed -> 3.0/9.0 passed"))
    }

    @Test func aRaisedBarFailsSomeone() throws {
        let old = Fixtures.fixedQuiz(passMark: 0.2)
        var harder = Fixtures.single
        harder.kind = .singleChoice(options: [
            ChoiceOption(id: "a", text: Fixtures.text("Serve citizens"), fraction: 0.5),
            ChoiceOption(id: "b", text: Fixtures.text("Serve the office"), fraction: 0),
            ChoiceOption(id: "c", text: Fixtures.text("Serve yourself"), fraction: 1),
        ])
        harder.contentHash = "single-v2"
        let new = Fixtures.fixedQuiz(passMark: 0.2, questions: [harder, Fixtures.multiple, Fixtures.trueFalse,
                                                                 Fixtures.short, Fixtures.numeric, Fixtures.matching])
        let regrade = Regrade(attempts: try attempts(old), from: old, to: new, now: 10)
        #expect(regrade.nowFailing.map(\.number) == [1])
        #expect(regrade.nowFailing.first?.after?.mark == 1)
    }

    @Test func aQuestionMissingFromTheNewDefinitionIsReportedNotDropped() throws {
        let old = Fixtures.fixedQuiz()
        let new = Fixtures.fixedQuiz(questions: [Fixtures.single])
        let regrade = Regrade(attempts: try attempts(old), from: old, to: new, now: 10)
        #expect(regrade.entries.isEmpty)
        #expect(regrade.failures.count == 3)
        #expect(regrade.failures.first?.error == .missingQuestion(Fixtures.multiple.id))
    }
}
