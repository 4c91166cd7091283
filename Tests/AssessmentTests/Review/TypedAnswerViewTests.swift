import Foundation
import Testing
@testable import Assessment

@Suite struct TypedAnswerViewTests {
    let num = Fixtures.numeric.id

    func view(saving response: Response?) throws -> LearnerQuestionView {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        if let response { driver.save(num, response, at: 1) }
        let view = LearnerAttemptView(try driver.state(at: 2), visibility: .nothing)
        return try #require(view.questions.first { $0.questionID == num })
    }

    /// Answers no reader can ever take as a number: they must be pointed out before the attempt closes.
    @Test(arguments: ["abc", "3,5", "1,5000"])
    func anUnreadableSavedAnswerCarriesItsProblem(typed: String) throws {
        let question = try view(saving: .text(typed))
        #expect(question.state == .invalid)
        #expect(question.typedAnswer?.problem != nil, "\(typed) is not pointed out")
    }

    @Test func aWordIsNotANumber() throws {
        #expect(try view(saving: .text("abc")).typedAnswer?.problem == .notANumber)
    }

    @Test func aReadableOrMissingAnswerHasNoProblemButStillItsForm() throws {
        for response: Response? in [nil, .text("72"), .text("-3.5")] {
            let typed = try #require(try view(saving: response).typedAnswer)
            #expect(typed.problem == nil)
        }
    }

    @Test func onlyNumericQuestionsHaveATypedAnswerView() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        driver.save(Fixtures.short.id, .text("abc"), at: 1)
        let view = LearnerAttemptView(try driver.state(at: 2), visibility: .nothing)
        #expect(view.questions.filter { $0.typedAnswer != nil }.map(\.questionID) == [num])
    }

    /// The expected form never carries the answer key (the Assessment form's example may be drawn from it).
    @Test func theFormCarriesNoAnswerKey() throws {
        let typed = try #require(try view(saving: .text("abc")).typedAnswer)
        let json = String(decoding: try JSONEncoder().encode(typed), as: UTF8.self)
        #expect(!json.contains("72"), "\(json)")
        let decoded = try JSONDecoder().decode(TypedAnswerView.self, from: JSONEncoder().encode(typed))
        #expect(decoded == typed)
    }
}
