import Testing
@testable import Assessment

@Suite struct AttemptRulesTests {
    let tf = Fixtures.trueFalse.id, single = Fixtures.single.id

    // MARK: Deadline, grace and accommodation

    @Test func savesUntilTheDeadlinePlusGraceCountAndLaterOnesAreRefused() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(timeLimit: 600), at: 0, grace: 30)
        #expect(try driver.state(at: 0).deadline == 600)
        #expect(try driver.state(at: 0).cutoff == 630)
        #expect(driver.save(tf, .bool(false), at: 599).isAppended)
        #expect(driver.save(tf, .bool(true), at: 630).isAppended)
        #expect(driver.save(single, .choice("a"), at: 630.5).rejection == .deadlinePassed(deadline: 600))
        #expect(driver.request(.submit, at: 631).rejection == .deadlinePassed(deadline: 600))

        let open = try driver.state(at: 630)
        #expect(!open.isClosed && open.acceptsInput(at: 630) && !open.acceptsInput(at: 631))
        let expired = try driver.state(at: 631)
        #expect(expired.isClosed && expired.closeReason == .expired && expired.closedAt == 600)
        #expect(expired.question(tf)?.response == .bool(true))
        #expect(expired.question(single)?.state == .gaveUp)
        #expect(expired.mark == 1)
    }

    @Test func aLateSaveForcedIntoTheLogIsNotCounted() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(timeLimit: 600), at: 0, grace: 30)
        driver.save(tf, .bool(true), at: 100)
        driver.force(.save(question: tf, response: .bool(false)), at: 700)
        driver.force(.submit, at: 701)
        let state = try driver.state(at: 701)
        #expect(state.question(tf)?.response == .bool(true))
        #expect(state.closeReason == .expired && state.closedAt == 600)
        #expect(state.ignoredSteps == [2, 3])
    }

    @Test func submittingWithinGraceClosesAtTheSubmitTime() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(timeLimit: 600), at: 0, grace: 30)
        #expect(driver.request(.submit, at: 615).isAppended)
        let state = try driver.state(at: 10_000)
        #expect(state.closeReason == .submitted && state.closedAt == 615)
    }

    @Test func theAccommodationFactorStretchesTheTimeLimit() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(timeLimit: 600), at: 1_000, timeFactor: 1.5,
                                       grace: 0)
        #expect(try driver.state(at: 1_000).deadline == 1_900)
        #expect(driver.save(tf, .bool(true), at: 1_899).isAppended)
        #expect(driver.save(tf, .bool(false), at: 1_901).rejection == .deadlinePassed(deadline: 1_900))
        guard case .start(_, _, _, let factor) = driver.attempt.steps[0].action else {
            Issue.record("no start step")
            return
        }
        #expect(factor == 1.5)
    }

    @Test(arguments: [0.0, -1, .infinity, .nan])
    func anUnusableAccommodationFactorIsRefused(factor: Double) {
        let result = AttemptRules.start(id: AttemptID("a"), quiz: Fixtures.fixedQuiz(timeLimit: 60), previous: [],
                                        seed: 1, timeFactor: factor, actor: .learner("x"), now: 0)
        guard case .failure(.invalidTimeFactor) = result else {
            Issue.record("accepted factor \(factor)")
            return
        }
    }

    @Test func theQuizCloseTimeCapsTheDeadlineAndBlocksStarting() throws {
        let quiz = Fixtures.fixedQuiz(timeLimit: 3_600, closesAt: 1_000)
        let driver = try AttemptDriver(quiz: quiz, at: 500)
        #expect(try driver.state(at: 500).deadline == 1_000)
        let untimed = try AttemptDriver(quiz: Fixtures.fixedQuiz(closesAt: 1_000), at: 10)
        #expect(try untimed.state(at: 10).deadline == 1_000)
        #expect(try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 10).state(at: 10).deadline == nil)
        let late = AttemptRules.start(id: AttemptID("b"), quiz: quiz, previous: [], seed: 1, actor: .learner("x"),
                                      now: 1_000)
        #expect(late == .failure(.quizClosed(at: 1_000)))
    }

    @Test func expiryStepIsOfferedOnceAfterTheCutoff() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(timeLimit: 60), at: 0, grace: 10)
        #expect(AttemptRules.expiryStep(for: driver.attempt, quiz: driver.quiz, now: 70) == nil)
        let step = try #require(AttemptRules.expiryStep(for: driver.attempt, quiz: driver.quiz, now: 71))
        #expect(step.action == .close && step.actor == .system && step.sequence == 1)
        driver.attempt = driver.attempt.appending(step)
        #expect(AttemptRules.expiryStep(for: driver.attempt, quiz: driver.quiz, now: 100) == nil)
        let state = try driver.state(at: 100)
        #expect(state.closeReason == .expired && state.closedAt == 60)

        var submitted = try AttemptDriver(quiz: Fixtures.fixedQuiz(timeLimit: 60), at: 0, grace: 10)
        submitted.request(.submit, at: 5)
        #expect(AttemptRules.expiryStep(for: submitted.attempt, quiz: submitted.quiz, now: 100) == nil)
    }

    @Test func staffCanCloseAnOpenAttemptButLearnersCannot() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        #expect(driver.request(.close, at: 1).rejection == .notPermitted)
        #expect(driver.request(.note("hi"), at: 1).rejection == .notPermitted)
        #expect(driver.request(.save(question: tf, response: .bool(true)), at: 1, by: Actor(role: .trainer, id: "t"))
            .rejection == .notPermitted)
        #expect(driver.request(.submit, at: 1, by: .system).rejection == .notPermitted)
        #expect(driver.request(.close, at: 2, by: Actor(role: .admin, id: "root")).isAppended)
        #expect(try driver.state(at: 3).closeReason == .closedByStaff)
        #expect(driver.request(.close, at: 4, by: .system).rejection == .attemptClosed)
    }

    @Test func aSecondStartAndUnknownQuestionsAreRefused() throws {
        var driver = try AttemptDriver(quiz: Fixtures.quiz(), at: 0)
        #expect(driver.request(.start(seed: 2, deadline: nil, grace: 0, timeFactor: 1), at: 1).rejection
            == .alreadyStarted)
        let absent = Fixtures.quiz().allQuestions.map(\.id).first { driver.attempt.paper.slot(for: $0) == nil }!
        #expect(driver.save(absent, .bool(true), at: 2).rejection == .unknownQuestion(absent))
        #expect(driver.save(tf, .choice("nonsense"), at: 3).rejection
            == .invalidResponse(tf, .wrongKind(expected: "truefalse")))
        // One stored by an older server, which did not check, still replays: as an invalid answer.
        driver.force(.save(question: tf, response: .choice("nonsense")), at: 3)
        #expect(try driver.state(at: 3).question(tf)?.state == .invalid)
    }

    // MARK: Idempotency and stale pages

    @Test func aRepeatedKeyHasNoSecondEffect() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        let first = driver.save(tf, .bool(true), at: 10, key: "k1")
        guard case .append(let original) = first else {
            Issue.record("not appended")
            return
        }
        #expect(driver.save(tf, .bool(true), at: 11, key: "k1") == .duplicate(of: original))
        #expect(driver.attempt.steps.count == 2)

        #expect(driver.request(.submit, at: 20, key: "s1", expected: 2).isAppended)
        let submit = driver.attempt.steps[2]
        #expect(driver.request(.submit, at: 21, key: "s1", expected: 2) == .duplicate(of: submit))
        #expect(driver.request(.submit, at: 22, key: "s2", expected: 3).rejection == .attemptClosed)
        #expect(driver.attempt.steps.count == 3)
        #expect(try driver.state(at: 30).closedAt == 20)
    }

    @Test func aKeyReusedForAnotherStepIsRefused() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        driver.save(tf, .bool(true), at: 10, key: "k1")
        #expect(driver.save(tf, .bool(false), at: 11, key: "k1").rejection == .idempotencyKeyReused(sequence: 1))
        #expect(driver.request(.submit, at: 12, key: "k1").rejection == .idempotencyKeyReused(sequence: 1))
        #expect(try driver.state(at: 13).question(tf)?.response == .bool(true))
    }

    @Test func aStaleSequenceIsRefusedButARetryOfTheSameRequestIsNot() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        #expect(driver.request(.save(question: tf, response: .bool(true)), at: 1, key: "tab-a", expected: 1)
            .isAppended)
        #expect(driver.request(.save(question: tf, response: .bool(false)), at: 2, key: "tab-b", expected: 1)
            .rejection == .staleSequence(current: 2, received: 1))
        #expect(driver.request(.save(question: tf, response: .bool(true)), at: 3, key: "tab-a", expected: 1)
            == .duplicate(of: driver.attempt.steps[1]))
        #expect(driver.request(.save(question: tf, response: .bool(false)), at: 4, expected: 7).rejection
            == .staleSequence(current: 2, received: 7))
    }

    // MARK: Starting rules

    @Test func theAttemptLimitCannotBeExceeded() throws {
        let quiz = Fixtures.fixedQuiz(maxAttempts: 2)
        let first = try AttemptDriver.closedAttempt(number: 1, quiz: quiz, startedAt: 0, submittedAt: 10)
        let second = AttemptRules.start(id: AttemptID("2"), quiz: quiz, previous: [first], seed: 2,
                                        actor: .learner("x"), now: 20)
        #expect((try? second.get())?.number == 2)
        let secondState = try AttemptDriver.closedAttempt(number: 2, quiz: quiz, startedAt: 20, submittedAt: 30)
        let third = AttemptRules.start(id: AttemptID("3"), quiz: quiz, previous: [first, secondState], seed: 3,
                                       actor: .learner("x"), now: 1_000_000)
        #expect(third == .failure(.attemptLimitReached(limit: 2)))
    }

    @Test func aSecondOpenAttemptIsRefused() throws {
        let quiz = Fixtures.fixedQuiz()
        let open = try AttemptDriver(quiz: quiz, at: 0).state(at: 5)
        let result = AttemptRules.start(id: AttemptID("2"), quiz: quiz, previous: [open], seed: 2,
                                        actor: .learner("x"), now: 5)
        #expect(result == .failure(.attemptInProgress(AttemptID("attempt-1"))))
    }

    @Test func theDelayBetweenAttemptsIsEnforced() throws {
        let quiz = Fixtures.fixedQuiz(attemptDelay: 3_600)
        let first = try AttemptDriver.closedAttempt(number: 1, quiz: quiz, startedAt: 0, submittedAt: 100)
        let early = AttemptRules.start(id: AttemptID("2"), quiz: quiz, previous: [first], seed: 2,
                                       actor: .learner("x"), now: 3_699)
        #expect(early == .failure(.tooSoon(availableAt: 3_700)))
        let onTime = AttemptRules.start(id: AttemptID("2"), quiz: quiz, previous: [first], seed: 2,
                                        actor: .learner("x"), now: 3_700)
        #expect((try? onTime.get()) != nil)
    }

    @Test func anExpiredAttemptWithoutACloseStepCountsAsClosedAtItsDeadline() throws {
        let quiz = Fixtures.fixedQuiz(timeLimit: 600, attemptDelay: 60)
        let abandoned = try AttemptDriver(quiz: quiz, at: 0, grace: 30).state(at: 700)
        #expect(abandoned.closedAt == 600)
        let tooSoon = AttemptRules.start(id: AttemptID("2"), quiz: quiz, previous: [abandoned], seed: 2,
                                         actor: .learner("x"), now: 659)
        #expect(tooSoon == .failure(.tooSoon(availableAt: 660)))
    }
}

@Suite struct AttemptRulesResponseTests {
    @Test func aSaveWhoseResponseDoesNotFitItsQuestionIsRefusedAndTheOthersAreStored() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        let tooLong = String(repeating: "字", count: ResponseLimits.maxTypedLength + 1)
        #expect(driver.save(Fixtures.short.id, .text(tooLong), at: 1).rejection
                == .invalidResponse(Fixtures.short.id, .tooLong(length: 501, limit: 500)))
        #expect(driver.save(Fixtures.single.id, .text("a"), at: 2).rejection
                == .invalidResponse(Fixtures.single.id, .wrongKind(expected: "single")))
        #expect(driver.save(Fixtures.multiple.id, .choices(["a", "x"]), at: 3).rejection
                == .invalidResponse(Fixtures.multiple.id, .unknownOption("x")))
        #expect(driver.save(Fixtures.short.id, .text(String(tooLong.dropLast())), at: 4).isAppended)
        let state = try driver.state(at: 5)
        #expect(state.question(Fixtures.single.id)?.response == nil)
        #expect(state.question(Fixtures.short.id)?.response == .text(String(tooLong.dropLast())))
    }

    // MARK: Several requests at once

    @Test func decidingAListGivesWhatDecidingEachInTurnGives() throws {
        let questions = [Fixtures.single.id, Fixtures.multiple.id, Fixtures.trueFalse.id, Fixtures.short.id,
                         Fixtures.numeric.id, QuestionID("not-on-the-paper")]
        let responses: [Response] = [.choice("a"), .choice("zz"), .choices(["a"]), .bool(true), .bool(false),
                                     .text("第 31 条"), .text(""), .text("Ａrt. 5"), .choice("b")]
        var generator = SeededGenerator(seed: 7)
        var compared = 0
        for round in 0..<400 {
            let behaviour: Behaviour = round % 2 == 0 ? .deferredFeedback : .immediateFeedback
            var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(behaviour: behaviour, timeLimit: 600), at: 0,
                                           grace: 30)
            // Some history first: saves, a check, sometimes a submit.
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                driver.save(questions.randomElement(using: &generator)!, responses.randomElement(using: &generator)!,
                            at: 10, key: "earlier-\(Int.random(in: 0...3, using: &generator))")
            }
            if behaviour == .immediateFeedback, Bool.random(using: &generator) { driver.request(.check(question: Fixtures.trueFalse.id), at: 20) }
            if Int.random(in: 0..<8, using: &generator) == 0 { driver.request(.submit, at: 30) }
            var requests: [StepRequest] = []
            for index in 0..<Int.random(in: 1...7, using: &generator) {
                let action: AttemptAction = switch Int.random(in: 0..<10, using: &generator) {
                case 0: .submit
                case 1: .check(question: questions.randomElement(using: &generator)!)
                default: .save(question: questions.randomElement(using: &generator)!,
                               response: responses.randomElement(using: &generator)!)
                }
                let key: String? = switch Int.random(in: 0..<4, using: &generator) {
                case 0: nil
                case 1: "earlier-\(Int.random(in: 0...3, using: &generator))"
                default: "now-\(index)"
                }
                let expected: Int? = index == 0 && Bool.random(using: &generator)
                    ? driver.attempt.nextSequence + Int.random(in: -1...0, using: &generator) : nil
                requests.append(StepRequest(actor: driver.learner, action: action, idempotencyKey: key,
                                            expectedSequence: expected))
            }
            let now = [100.0, 629, 631].randomElement(using: &generator)!
            var oneByOne: [StepDecision] = []
            var attempt = driver.attempt
            for request in requests {
                let decision = AttemptRules.decide(request, on: attempt, quiz: driver.quiz, now: now)
                oneByOne.append(decision)
                if case .append(let step) = decision { attempt = attempt.appending(step) }
                if case .rejected = decision { break }
            }
            #expect(AttemptRules.decide(requests, on: driver.attempt, quiz: driver.quiz, now: now) == oneByOne,
                    "round \(round)")
            // The caller's replay of the attempt at `now` gives the same decisions.
            let replayed = try AttemptState(replaying: driver.attempt, against: driver.quiz, now: now)
            #expect(AttemptRules.decide(requests, on: driver.attempt, quiz: driver.quiz, now: now, replayed: replayed)
                    == oneByOne, "round \(round), replay given")
            compared += 1
        }
        #expect(compared == 400)
    }
}
