import Foundation
import Testing
@testable import Assessment

/// Walkthroughs in the manner of Moodle's behaviour tests: start, act, and check state and mark after each step;
/// then change the key, replay, and check again.
@Suite struct AttemptStateTests {
    let single = Fixtures.single.id, multi = Fixtures.multiple.id, tf = Fixtures.trueFalse.id
    let short = Fixtures.short.id, num = Fixtures.numeric.id, match = Fixtures.matching.id

    /// The fixed quiz's keys corrected: true/false is now false, the third multiple-response option is no
    /// longer penalised, and the single choice's right answer is "b".
    static func correctedQuestions() -> [Question] {
        var trueFalse = Fixtures.trueFalse
        trueFalse.kind = .trueFalse(answer: false, feedbackIfTrue: nil, feedbackIfFalse: nil)
        trueFalse.contentHash = "tf-v2"
        var multiple = Fixtures.multiple
        multiple.kind = .multipleResponse(options: [
            ChoiceOption(id: "a", text: Fixtures.text("Name"), fraction: 0.5),
            ChoiceOption(id: "b", text: Fixtures.text("ID number"), fraction: 0.5),
            ChoiceOption(id: "c", text: Fixtures.text("Weather"), fraction: 0),
        ])
        multiple.contentHash = "multi-v2"
        var single = Fixtures.single
        single.kind = .singleChoice(options: [
            ChoiceOption(id: "a", text: Fixtures.text("Serve citizens"), fraction: 0),
            ChoiceOption(id: "b", text: Fixtures.text("Serve the office"), fraction: 1),
            ChoiceOption(id: "c", text: Fixtures.text("Serve yourself"), fraction: 0),
        ])
        single.contentHash = "single-v2"
        return [single, multiple, trueFalse, Fixtures.short, Fixtures.numeric, Fixtures.matching]
    }

    func states(_ state: AttemptState) -> [QuestionState] { state.questions.map(\.state) }

    @Test func deferredFeedbackWalkthrough() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(passMark: 0.5), at: 1_000)
        var state = try driver.state(at: 1_000)
        #expect(!state.isClosed)
        #expect(states(state) == Array(repeating: .todo, count: 6))
        #expect(state.mark == nil && state.passed == nil)
        #expect(state.maxMark == 9)

        #expect(driver.save(single, .choice("a"), at: 1_010).isAppended)
        state = try driver.state(at: 1_010)
        #expect(state.question(single)?.state == .complete)
        #expect(state.question(single)?.mark == nil)
        #expect(state.mark == nil)

        driver.save(multi, .choices(["a", "c"]), at: 1_020)
        driver.save(tf, .bool(false), at: 1_030)
        driver.save(num, .text("3,5"), at: 1_040)
        driver.save(short, .text("网络安全法"), at: 1_050)
        state = try driver.state(at: 1_050)
        #expect(states(state) == [.complete, .complete, .complete, .complete, .invalid, .todo])

        #expect(driver.request(.check(question: single), at: 1_055).rejection == .checkNotAvailable)
        #expect(driver.save(single, .choice("b"), at: 1_056).isAppended)
        #expect(driver.save(single, .choice("a"), at: 1_057).isAppended)

        #expect(driver.request(.submit, at: 1_060).isAppended)
        state = try driver.state(at: 1_060)
        #expect(state.isClosed && state.closedAt == 1_060 && state.closeReason == .submitted)
        #expect(states(state) == [.gradedRight, .gradedWrong, .gradedWrong, .gradedRight, .gaveUp, .gaveUp])
        #expect(state.questions.map(\.mark) == [2, 0, 0, 1, 0, 0])
        #expect(state.mark == 3)
        #expect(state.fraction == 0.3333333)
        #expect(state.passed == false)

        #expect(driver.save(tf, .bool(true), at: 1_070).rejection == .attemptClosed)
        #expect(driver.request(.submit, at: 1_071).rejection == .attemptClosed)

        // The key changes; replaying the same steps regrades.
        driver.quiz = Fixtures.fixedQuiz(passMark: 0.5, questions: Self.correctedQuestions())
        state = try driver.state(at: 2_000)
        #expect(states(state) == [.gradedWrong, .gradedPartial, .gradedRight, .gradedRight, .gaveUp, .gaveUp])
        #expect(state.questions.map(\.mark) == [0, 1, 1, 1, 0, 0])
        #expect(state.questions.map(\.isRegraded) == [true, true, true, false, false, false])
        #expect(state.mark == 3)
        #expect(state.passed == false)
        #expect(state.closedAt == 1_060)
    }

    @Test func immediateFeedbackWalkthrough() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(behaviour: .immediateFeedback), at: 0)

        driver.save(single, .choice("b"), at: 10)
        var state = try driver.state(at: 10)
        #expect(state.question(single)?.state == .complete)
        #expect(state.question(single)?.mark == nil)

        #expect(driver.request(.check(question: single), at: 11).isAppended)
        state = try driver.state(at: 11)
        #expect(state.question(single)?.state == .gradedWrong)
        #expect(state.question(single)?.mark == 0)
        #expect(state.question(single)?.isChecked == true)
        #expect(state.mark == nil)

        #expect(driver.save(single, .choice("a"), at: 12).rejection == .questionLocked(single))
        #expect(driver.request(.check(question: single), at: 13).rejection == .alreadyChecked(single))
        #expect(driver.request(.check(question: tf), at: 14).rejection == .nothingToCheck(tf))
        driver.save(num, .text("7,2"), at: 15)
        #expect(driver.request(.check(question: num), at: 16).rejection == .nothingToCheck(num))

        driver.save(num, .text("７２"), at: 20)
        driver.request(.check(question: num), at: 21)
        driver.save(short, .text("ＸＸ安全法"), at: 30)
        driver.request(.check(question: short), at: 31)
        driver.save(multi, .choices(["a", "b"]), at: 40)
        state = try driver.state(at: 40)
        #expect(states(state) == [.gradedWrong, .complete, .todo, .gradedPartial, .gradedRight, .todo])
        #expect(state.questions.map(\.mark) == [0, nil, nil, 0.5, 1, nil])

        driver.request(.submit, at: 50)
        state = try driver.state(at: 50)
        #expect(states(state) == [.gradedWrong, .gradedRight, .gaveUp, .gradedPartial, .gradedRight, .gaveUp])
        #expect(state.mark == 3.5)
        #expect(state.fraction == 0.3888889)
        #expect(state.passed == false)

        driver.quiz = Fixtures.fixedQuiz(behaviour: .immediateFeedback, questions: Self.correctedQuestions())
        state = try driver.state(at: 60)
        #expect(states(state) == [.gradedRight, .gradedRight, .gaveUp, .gradedPartial, .gradedRight, .gaveUp])
        #expect(state.mark == 5.5)
        #expect(state.passed == true)
    }

    @Test func theBehaviourIsTheOneTheAttemptStartedWith() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(behaviour: .immediateFeedback), at: 0)
        driver.save(single, .choice("a"), at: 1)
        driver.request(.check(question: single), at: 2)
        driver.quiz = Fixtures.fixedQuiz(behaviour: .deferredFeedback)
        let state = try driver.state(at: 3)
        #expect(state.behaviour == .immediateFeedback)
        #expect(state.question(single)?.state == .gradedRight)
    }

    @Test func refusedStepsInALogAreIgnoredOnReplay() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(behaviour: .immediateFeedback, timeLimit: 100),
                                       at: 0, grace: 10)
        driver.save(single, .choice("b"), at: 5)
        driver.request(.check(question: single), at: 6)
        driver.force(.save(question: single, response: .choice("a")), at: 7)
        driver.force(.check(question: single), at: 8)
        driver.force(.save(question: QuestionID("not-on-paper"), response: .bool(true)), at: 9)
        driver.force(.save(question: tf, response: .bool(true)), at: 111)
        driver.force(.start(seed: 1, deadline: nil, grace: 0, timeFactor: 1), at: 112)
        #expect(throws: ReplayError.restarted(sequence: 7)) { try driver.state(at: 200) }
        driver.attempt.steps.removeLast()
        let state = try driver.state(at: 200)
        #expect(state.ignoredSteps == [3, 4, 5, 6])
        #expect(state.question(single)?.response == .choice("b"))
        #expect(state.question(tf)?.state == .gaveUp)
        #expect(state.closeReason == .expired && state.closedAt == 100)
    }

    @Test func notesAreKeptAndDoNotChangeMarks() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        driver.save(tf, .bool(true), at: 1)
        driver.request(.submit, at: 2)
        let before = try driver.state(at: 3)
        #expect(driver.request(.note("regraded: tf-v1 -> tf-v2"), at: 4, by: Actor(role: .trainer, id: "t1"))
            .isAppended)
        let after = try driver.state(at: 5)
        #expect(after.notes == ["regraded: tf-v1 -> tf-v2"])
        #expect(after.mark == before.mark)
    }

    @Test func replayRejectsBrokenLogs() throws {
        let driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        var attempt = driver.attempt

        var noStart = attempt
        noStart.steps = []
        #expect(throws: ReplayError.notStarted) { try AttemptState(replaying: noStart, against: driver.quiz, now: 0) }

        var gap = attempt
        gap.steps.append(AttemptStep(sequence: 5, time: 1, actor: .learner("x"), action: .submit))
        #expect(throws: ReplayError.sequenceGap(expected: 1, found: 5)) {
            try AttemptState(replaying: gap, against: driver.quiz, now: 1)
        }

        var otherSeed = attempt
        otherSeed.paper.seed = 99
        #expect(throws: ReplayError.seedMismatch) {
            try AttemptState(replaying: otherSeed, against: driver.quiz, now: 0)
        }

        #expect(throws: ReplayError.quizMismatch(paper: QuizID("ethics-practice"), definition: QuizID("ethics-exam"))) {
            try AttemptState(replaying: attempt, against: Fixtures.quiz(), now: 0)
        }

        attempt.paper.slots[0].questionID = QuestionID("deleted")
        #expect(throws: ReplayError.missingQuestion(QuestionID("deleted"))) {
            try AttemptState(replaying: attempt, against: driver.quiz, now: 0)
        }
    }

    /// Property: for random sequences of learner requests, the state after each accepted step equals the state
    /// replayed later from the stored log (also after a JSON round trip), and so do the marks.
    @Test(arguments: [Behaviour.deferredFeedback, .immediateFeedback])
    func replayingAnUnchangedKeyGivesIdenticalMarks(behaviour: Behaviour) throws {
        let quiz = Fixtures.quiz(behaviour: behaviour, timeLimit: 300)
        let responses: [Response] = [.choice("a"), .choice("b"), .choices(["a", "b"]), .choices(["c"]),
                                     .bool(true), .bool(false), .text("网络安全法"), .text("ＸＸ安全法"), .text("72"),
                                     .text("7,2"), .text(""), .matches(["p1": "p1", "p2": "~0"]),
                                     .matches(["p1": "p1", "p2": "p2"])]
        for seed in 0..<60 {
            var random = SeededGenerator(seed: UInt64(seed))
            var driver = try AttemptDriver(quiz: quiz, seed: UInt64(seed), at: 0)
            let ids = driver.attempt.paper.questionIDs
            var now = 0.0
            var snapshots: [(Attempt, AttemptState, Double)] = []
            for _ in 0..<(5 + random.nextIndex(below: 15)) {
                now += Double(1 + random.nextIndex(below: 40))
                let id = ids[random.nextIndex(below: ids.count)]
                let action: AttemptAction = switch random.nextIndex(below: 10) {
                case 0: .check(question: id)
                case 1: .submit
                default: .save(question: id, response: responses[random.nextIndex(below: responses.count)])
                }
                if driver.request(action, at: now).isAppended {
                    snapshots.append((driver.attempt, try driver.state(at: now), now))
                }
            }
            let stored = try JSONDecoder().decode(Attempt.self, from: JSONEncoder().encode(driver.attempt))
            #expect(stored == driver.attempt)
            for (attempt, state, time) in snapshots {
                let prefix = Attempt(id: stored.id, number: stored.number, paper: stored.paper,
                                     steps: Array(stored.steps.prefix(attempt.steps.count)))
                let replayed = try AttemptState(replaying: prefix, against: quiz, now: time)
                #expect(replayed == state)
            }
            let final = try driver.state(at: 10_000)
            let again = try AttemptState(replaying: stored, against: quiz, now: 10_000)
            #expect(final.isClosed)
            #expect(again.mark == final.mark && again.questions.map(\.mark) == final.questions.map(\.mark))
            #expect(again.ignoredSteps.isEmpty)
        }
    }

    /// A state with saves appended (`appendingSaves`) is the replay of the longer attempt, for saves one at a time
    /// and several at once, on both behaviours, with checked questions, a time limit and a question saved twice in
    /// one go; anything but saves the replay takes as they are gives nil.
    @Test(arguments: [Behaviour.deferredFeedback, .immediateFeedback])
    func savesAppendedToAStateAreItsReplay(behaviour: Behaviour) throws {
        let quiz = Fixtures.quiz(behaviour: behaviour, timeLimit: 300)
        let responses: [Response] = [.choice("a"), .choice("b"), .choices(["a", "b"]), .bool(true), .bool(false),
                                     .text("网络安全法"), .text("72"), .text("7,2"), .text(""),
                                     .matches(["p1": "p1", "p2": "p2"])]
        var compared = 0
        for seed in 0..<40 {
            var random = SeededGenerator(seed: UInt64(seed))
            var driver = try AttemptDriver(quiz: quiz, seed: UInt64(seed), at: 0)
            let ids = driver.attempt.paper.questionIDs
            var now = 0.0
            for _ in 0..<(5 + random.nextIndex(below: 15)) {
                now += Double(1 + random.nextIndex(below: 40))
                let before = try driver.state(at: now)
                let count = 1 + random.nextIndex(below: 3)
                let saves = (0..<count).map { _ in
                    StepRequest(actor: driver.learner,
                                action: .save(question: ids[random.nextIndex(below: ids.count)],
                                              response: responses[random.nextIndex(below: responses.count)]))
                }
                var steps: [AttemptStep] = []
                for decision in AttemptRules.decide(saves, on: driver.attempt, quiz: quiz, now: now, replayed: before) {
                    if case .append(let step) = decision { steps.append(step) }
                }
                // The saves decided before any refused one (a response that does not suit its question).
                if !steps.isEmpty {
                    let longer = steps.reduce(driver.attempt) { $0.appending($1) }
                    let appended = before.appendingSaves(steps, now: now)
                    let replayed = try AttemptState(replaying: longer, against: quiz, now: now)
                    #expect(appended == replayed)
                    compared += 1
                    driver.attempt = longer
                }
                if random.nextIndex(below: 6) == 0 {
                    let id = ids[random.nextIndex(below: ids.count)]
                    if case .append(let step) = driver.request(.check(question: id), at: now) {
                        // Not a save: replayed instead.
                        #expect(before.appendingSaves([step], now: now) == nil)
                    }
                }
            }
            // A save after the cutoff (300 s and 30 s of grace), or one numbered out of turn, is not taken.
            let last = try driver.state(at: now)
            let late = AttemptStep(sequence: last.nextSequence, time: 400, actor: driver.learner,
                                   action: .save(question: ids[0], response: .bool(true)), idempotencyKey: nil)
            #expect(last.appendingSaves([late], now: 400) == nil)
            let skipped = AttemptStep(sequence: last.nextSequence + 1, time: now, actor: driver.learner,
                                      action: .save(question: ids[0], response: .bool(true)), idempotencyKey: nil)
            #expect(last.appendingSaves([skipped], now: now) == nil)
        }
        #expect(compared > 40)
    }
}
