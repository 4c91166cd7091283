import Foundation
import Testing
@testable import Assessment

@Suite struct PaperTests {
    @Test func theSameSeedGivesTheSamePaper() {
        let quiz = Fixtures.quiz()
        for seed in (0..<200).map({ UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }) {
            #expect(Paper(quiz: quiz, seed: seed) == Paper(quiz: quiz, seed: seed))
        }
    }

    /// Pinned output: stored papers are never rebuilt, but a paper rebuilt from its seed for an appeal must match,
    /// so any change to drawing, shuffling or id generation has to show up here.
    @Test func aKnownSeedGivesTheKnownPaper() {
        let paper = Paper(quiz: Fixtures.quiz(), seed: 2026)
        #expect(paper.questionIDs.map(\.rawValue) == ["q-single", "q-match", "q-tf", "q-short", "q-multi"])
        #expect(paper.slot(for: Fixtures.single.id)?.choices == [
            PresentedChoice(id: "c4tsqkw9", authoredID: "b"), PresentedChoice(id: "p52h4344", authoredID: "a"),
            PresentedChoice(id: "a9j9hr55", authoredID: "c"),
        ])
    }

    @Test func differentSeedsGiveDifferentPapers() {
        let quiz = Fixtures.quiz()
        let papers = (0..<200).map { Paper(quiz: quiz, seed: UInt64($0)) }
        #expect(Set(papers).count == papers.count)
        let orders = Set(papers.map(\.questionIDs))
        #expect(orders.count > 20)
    }

    @Test func drawsTheRequestedNumberFromEachPool() {
        let quiz = Fixtures.quiz()
        var drawnFromBank = Set<QuestionID>()
        for seed in 0..<100 {
            let paper = Paper(quiz: quiz, seed: UInt64(seed))
            #expect(paper.slots.count == 5)
            #expect(Set(paper.slots.filter { $0.poolID == "core" }.map(\.questionID))
                    == [Fixtures.single.id, Fixtures.multiple.id, Fixtures.trueFalse.id])
            let bank = paper.slots.filter { $0.poolID == "bank" }.map(\.questionID)
            #expect(bank.count == 2 && Set(bank).count == 2)
            drawnFromBank.formUnion(bank)
        }
        #expect(drawnFromBank.count == 4)
    }

    @Test func recordsContentHashesAndSettings() {
        let paper = Paper(quiz: Fixtures.quiz(behaviour: .immediateFeedback), seed: 5)
        #expect(paper.quizContentHash == "quiz-v1")
        #expect(paper.behaviour == .immediateFeedback)
        #expect(paper.seed == 5)
        #expect(paper.slot(for: Fixtures.single.id)?.contentHash == "single-v1")
    }

    @Test func theRightOptionIsNotAlwaysFirstNorAlwaysTheSameID() {
        let quiz = Fixtures.quiz()
        var firstPositions = Set<String>()
        var presentedIDsOfRight = Set<String>()
        for seed in 0..<50 {
            let slot = Paper(quiz: quiz, seed: UInt64(seed)).slot(for: Fixtures.single.id)!
            #expect(slot.choices.map(\.authoredID).sorted() == ["a", "b", "c"])
            firstPositions.insert(slot.choices[0].authoredID)
            let right = slot.choices.first { $0.authoredID == "a" }!
            presentedIDsOfRight.insert(right.id)
            #expect(!["a", "b", "c"].contains(right.id))
            #expect(right.id.count == 8)
        }
        #expect(firstPositions == ["a", "b", "c"])
        #expect(presentedIDsOfRight.count == 50)
    }

    @Test func optionsKeepAuthoredOrderWithoutShufflingButIDsStayOpaque() {
        let slot = Paper(quiz: Fixtures.fixedQuiz(), seed: 9).slot(for: Fixtures.single.id)!
        #expect(slot.choices.map(\.authoredID) == ["a", "b", "c"])
        #expect(Set(slot.choices.map(\.id)).isDisjoint(with: ["a", "b", "c"]))
    }

    @Test func matchingAnswersAreShuffledEvenWithoutOptionShuffling() {
        let quiz = Fixtures.fixedQuiz()
        let orders = Set((0..<30).map { Paper(quiz: quiz, seed: UInt64($0)).slot(for: Fixtures.matching.id)!
                .choices.map(\.authoredID) })
        #expect(orders.count > 1)
        let slot = Paper(quiz: quiz, seed: 1).slot(for: Fixtures.matching.id)!
        #expect(slot.prompts.map(\.authoredID) == ["p1", "p2"])
        #expect(Set(slot.choices.map(\.authoredID)) == ["p1", "p2", "~0"])
        #expect(Set(slot.prompts.map(\.id)).isDisjoint(with: slot.choices.map(\.id)))
    }

    @Test func responsesTranslateBothWaysAndForgedIDsAreRefused() {
        let slot = Paper(quiz: Fixtures.fixedQuiz(), seed: 3).slot(for: Fixtures.matching.id)!
        let prompt1 = slot.prompts[0].id
        let answerP1 = slot.choices.first { $0.authoredID == "p1" }!.id
        let authored = slot.authoredResponse(fromPresented: .matches([prompt1: answerP1]))
        #expect(authored == .matches(["p1": "p1"]))
        #expect(slot.presentedResponse(fromAuthored: .matches(["p1": "p1"])) == .matches([prompt1: answerP1]))
        #expect(slot.authoredResponse(fromPresented: .matches(["p1": "p1"])) == nil)
        #expect(slot.authoredResponse(fromPresented: .matches([prompt1: "~0"])) == nil)

        let single = Paper(quiz: Fixtures.fixedQuiz(), seed: 3).slot(for: Fixtures.single.id)!
        #expect(single.authoredResponse(fromPresented: .choice("a")) == nil)
        #expect(single.authoredResponse(fromPresented: .choice(single.choices[1].id)) == .choice("b"))
        #expect(single.authoredResponse(fromPresented: .choices([single.choices[0].id, "zz"])) == nil)
        #expect(single.authoredResponse(fromPresented: .text("free")) == .text("free"))
        #expect(single.presentedResponse(fromAuthored: .choice("removed")) == .choice(""))
    }

    @Test func aDrawOfZeroOrMoreThanThePoolIsHandled() {
        var quiz = Fixtures.quiz()
        quiz.pools[1].draw = 0
        #expect(Paper(quiz: quiz, seed: 1).slots.count == 3)
        quiz.pools[1].draw = 10
        #expect(Paper(quiz: quiz, seed: 1).slots.count == 7)
    }

    @Test func survivesAJSONRoundTripWithTheLargestSeed() throws {
        let paper = Paper(quiz: Fixtures.quiz(), seed: .max)
        let decoded = try JSONDecoder().decode(Paper.self, from: JSONEncoder().encode(paper))
        #expect(decoded == paper)
        #expect(decoded.seed == .max)
    }
}
