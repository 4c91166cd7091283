import Foundation
import Testing
@testable import Assessment

@Suite struct LearnerAttemptViewTests {
    let single = Fixtures.single.id, tf = Fixtures.trueFalse.id, short = Fixtures.short.id
    let match = Fixtures.matching.id, num = Fixtures.numeric.id, multi = Fixtures.multiple.id

    /// Texts that only the key, feedback or explanation hold; none may appear before review allows it.
    static let secrets = ["Yes: people first.", "No.", "People first.", "Module 1 explains why.", "PIPL article 4.",
                          "网络安全法", "Disclosure is the rule.", "Right.", "authoredID", "fraction",
                          "rightAnswer", "graded_"]

    func json(_ view: LearnerAttemptView) throws -> String {
        String(decoding: try JSONEncoder().encode(view), as: UTF8.self)
    }

    func answeredDriver(_ quiz: QuizDefinition) throws -> AttemptDriver {
        var driver = try AttemptDriver(quiz: quiz, seed: 11, at: 0)
        driver.save(single, .choice("b"), at: 1)
        driver.save(tf, .bool(false), at: 2)
        driver.save(short, .text("保密法"), at: 3)
        driver.save(match, .matches(["p1": "p1", "p2": "~0"]), at: 4)
        return driver
    }

    @Test func anOpenDeferredAttemptCarriesNoKey() throws {
        let driver = try answeredDriver(Fixtures.fixedQuiz())
        let view = LearnerAttemptView(try driver.state(at: 5), visibility: .everything)
        let text = try json(view)
        for secret in Self.secrets {
            #expect(!text.contains(secret), "leaks \(secret)")
        }
        #expect(view.score == nil)
        #expect(view.questions.allSatisfy { $0.mark == nil && $0.rightAnswer == nil && $0.explanation == nil
                && $0.feedback.isEmpty && $0.generalFeedback == nil && !$0.isLocked })
        #expect(view.questions.map(\.state) == [.complete, .todo, .complete, .complete, .todo, .complete])
        let authored: Set<String> = ["a", "b", "c", "p1", "p2", "~0"]
        for question in view.questions {
            #expect(Set(question.choices.map(\.id) + question.prompts.map(\.id)).isDisjoint(with: authored))
        }
    }

    @Test func theSavedResponseIsShownInPresentedIDs() throws {
        let driver = try answeredDriver(Fixtures.fixedQuiz())
        let view = LearnerAttemptView(try driver.state(at: 5), visibility: .nothing)
        let question = try #require(view.questions.first { $0.questionID == single })
        let b = try #require(driver.attempt.paper.slot(for: single)?.choices.first { $0.authoredID == "b" })
        #expect(question.response == .choice(b.id))
        #expect(question.choices.map(\.text.en) == ["Serve citizens", "Serve the office", "Serve yourself"])
        #expect(question.kind == .singleChoice)
    }

    @Test func aClosedAttemptWithAScoreOnlyPolicyShowsOnlyTheScore() throws {
        var driver = try answeredDriver(Fixtures.fixedQuiz())
        driver.request(.submit, at: 6)
        let view = LearnerAttemptView(try driver.state(at: 6), visibility: ReviewVisibility([.score]))
        #expect(view.score == LearnerAttemptView.Score(mark: 1, maxMark: 9, fraction: 0.1111111, passed: false))
        #expect(view.questions.map(\.state) == [.complete, .gaveUp, .complete, .complete, .gaveUp, .complete])
        #expect(view.questions.allSatisfy { $0.mark == nil && $0.rightAnswer == nil && $0.isLocked })
        let text = try json(view)
        for secret in Self.secrets where secret != "fraction" {
            #expect(!text.contains(secret), "leaks \(secret)")
        }
    }

    @Test func everythingShowsRightAnswersInPresentedIDs() throws {
        var driver = try answeredDriver(Fixtures.fixedQuiz())
        driver.request(.submit, at: 6)
        let view = LearnerAttemptView(try driver.state(at: 6), visibility: .everything)
        let slot = { (id: QuestionID) in driver.attempt.paper.slot(for: id)! }
        let shown = { (id: QuestionID, authored: String) in slot(id).choices.first { $0.authoredID == authored }!.id }
        let byID = Dictionary(uniqueKeysWithValues: view.questions.map { ($0.questionID, $0) })

        #expect(byID[single]?.state == .gradedWrong)
        #expect(byID[single]?.mark == 0)
        #expect(byID[single]?.rightAnswer == .choices([shown(single, "a")]))
        #expect(byID[single]?.feedback == [Fixtures.text("No.")])
        #expect(byID[single]?.generalFeedback == Fixtures.text("People first."))
        #expect(byID[single]?.explanation == Fixtures.text("Module 1 explains why."))
        #expect(byID[multi]?.rightAnswer == .choices(slot(multi).choices.filter { $0.authoredID != "c" }.map(\.id)))
        #expect(byID[tf]?.rightAnswer == .bool(true))
        #expect(byID[tf]?.feedback == [Fixtures.text("Disclosure is the rule.")])
        #expect(byID[short]?.rightAnswer == .text("网络安全法"))
        #expect(byID[num]?.rightAnswer == .number(72, tolerance: 0))
        #expect(byID[num]?.state == .gaveUp)
        #expect(byID[match]?.rightAnswer == .matches([slot(match).prompts[0].id: shown(match, "p1"),
                                                      slot(match).prompts[1].id: shown(match, "p2")]))
        #expect(byID[match]?.state == .gradedPartial && byID[match]?.mark == 1)
        #expect(view.score?.passed == false)
    }

    @Test func immediateFeedbackShowsOnlyCheckedQuestionsWhileOpen() throws {
        var driver = try answeredDriver(Fixtures.fixedQuiz(behaviour: .immediateFeedback))
        driver.request(.check(question: tf), at: 6)
        let view = LearnerAttemptView(try driver.state(at: 7), visibility: .nothing)
        let checked = try #require(view.questions.first { $0.questionID == tf })
        #expect(checked.state == .gradedWrong && checked.mark == 0 && checked.isLocked)
        #expect(checked.rightAnswer == .bool(true))
        #expect(checked.feedback == [Fixtures.text("Disclosure is the rule.")])
        let others = view.questions.filter { $0.questionID != tf }
        #expect(others.allSatisfy { $0.mark == nil && $0.rightAnswer == nil && !$0.isLocked })
        #expect(view.score == nil)
        let othersJSON = String(decoding: try JSONEncoder().encode(others), as: UTF8.self)
        for secret in Self.secrets {
            #expect(!othersJSON.contains(secret), "leaks \(secret)")
        }
    }

    @Test func survivesAJSONRoundTrip() throws {
        var driver = try answeredDriver(Fixtures.fixedQuiz())
        driver.request(.submit, at: 6)
        let view = LearnerAttemptView(try driver.state(at: 6), visibility: .everything)
        #expect(try JSONDecoder().decode(LearnerAttemptView.self, from: JSONEncoder().encode(view)) == view)
    }
}
