import Assessment
import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite("Daily attempt cap")
struct DailyAttemptCapTests {
    let temporary: TemporaryStore
    let clock = ManualClock()
    let service: QuizService
    let attempts: SQLiteAttemptRepository
    let calendar = StudyCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    init() throws {
        temporary = try TemporaryStore()
        attempts = SQLiteAttemptRepository(store: temporary.store)
        service = QuizService(attempts: attempts, learning: SQLiteLearningRepository(store: temporary.store),
                              calendar: calendar, clock: clock.function)
    }

    @Test func aDayRunsFromMidnightToMidnightInThePlatformsZone() throws {
        // 2027-01-15 08:00 UTC is 16:00 in Shanghai; that day began at 16:00 UTC the day before.
        let day = calendar.day(containing: 1_800_000_000)
        #expect(day.start == 1_800_000_000 - 16 * 3_600)
        #expect(day.end == day.start + 86_400)
        #expect(calendar.day(containing: day.end).start == day.end)
        // The day Berlin moves its clocks forward has 23 hours.
        let berlin = StudyCalendar(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let spring = berlin.day(containing: 1_806_228_000)  // 2027-03-28 12:00 in Berlin
        #expect(spring.end - spring.start == 23 * 3_600)
    }

    /// The day found last is kept: whatever order instants and zones come in, the answer is what the calendar says.
    @Test func theDayKeptIsWhatTheCalendarSaysForEveryInstantAndZone() {
        let zones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
            .map { StudyCalendar(timeZone: TimeZone(identifier: $0)!) }
        var generator = SeededGenerator(seed: 3)
        var instant = 1_806_000_000.0
        for round in 0..<5_000 {
            // Mostly small steps (the same day again, the edges of days), sometimes a jump or another zone.
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: instant = Double.random(in: 1_700_000_000...1_900_000_000, using: &generator)
            case 1: instant = instant.rounded(.down) + 1
            default: instant += Double.random(in: -7_200...7_200, using: &generator)
            }
            let calendar = zones[round % 7 == 0 ? Int.random(in: 0..<zones.count, using: &generator) : 1]
            let kept = calendar.day(containing: instant)
            let computed = StudyCalendar.computeDay(containing: instant, in: calendar.timeZone)
            #expect(kept.start == computed.start && kept.end == computed.end, "round \(round) at \(instant)")
            #expect(kept.start <= instant && instant < kept.end)
        }
    }

    @Test func aPracticeQuizTakesItsDailyNumberOfAttemptsAndMoreTheNextDay() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        var practice = LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: nil)
        practice.behaviour = .immediateFeedback
        practice.attemptsPerDay = 2
        let course = LearningFixtures.course(quiz: practice)
        // 23:00 in Shanghai: the next day starts an hour later.
        let today = calendar.day(containing: clock.now)
        clock.advance(by: today.end - 3_600 - clock.now)
        for seed in 1...2 {
            let stored = try service.start(user: user, quiz: practice, course: course, seed: UInt64(seed))
            // While an attempt is open the learner continues it: the daily cap does not speak.
            #expect(try service.dailyRefusal(user: user, quiz: practice, course: course) == nil)
            _ = try service.act(stored, action: .submit, key: "s\(seed)", user: user, quiz: practice, course: course)
        }
        let refusal = StartRefusal.dailyLimitReached(limit: 2, availableAt: today.end)
        #expect(try service.dailyRefusal(user: user, quiz: practice, course: course) == refusal)
        #expect(throws: QuizService.Failure.refused(refusal)) {
            try service.start(user: user, quiz: practice, course: course, seed: 3)
        }
        #expect(try attempts.attempts(userID: user.id, courseID: "ethics", quizID: practice.id).count == 2)
        // A quiz without a daily cap (an exam, or attempts_per_day: 0) is not refused.
        var uncapped = practice
        uncapped.attemptsPerDay = nil
        #expect(try service.dailyRefusal(user: user, quiz: uncapped, course: course) == nil)
        // Midnight in Shanghai: a new day.
        clock.advance(by: 3_600)
        #expect(try service.dailyRefusal(user: user, quiz: practice, course: course) == nil)
        #expect(try service.start(user: user, quiz: practice, course: course, seed: 3).attempt.number == 3)
    }

    @Test func theCountReadsStartTimesAndOpenAttemptsOfOnePersonAndQuiz() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let other = try LearningFixtures.user(temporary, clock: clock, login: "other")
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: nil))
        let quiz = course.quizzes[0]
        let first = try service.start(user: user, quiz: quiz, course: course, seed: 1)
        #expect(try attempts.starts(userID: user.id, courseID: "ethics", quizID: quiz.id, since: clock.now)
                == AttemptStarts(started: 1, hasOpen: true))
        _ = try service.act(first, action: .submit, key: "s", user: user, quiz: quiz, course: course)
        clock.advance(by: 10)
        _ = try service.start(user: other, quiz: quiz, course: course, seed: 2)
        #expect(try attempts.starts(userID: user.id, courseID: "ethics", quizID: quiz.id, since: clock.now)
                == AttemptStarts(started: 0, hasOpen: false))
        #expect(try attempts.starts(userID: user.id, courseID: "ethics", quizID: quiz.id, since: 0)
                == AttemptStarts(started: 1, hasOpen: false))
        #expect(try attempts.starts(userID: user.id, courseID: "ethics", quizID: QuizID("other"), since: 0)
                == AttemptStarts(started: 0, hasOpen: false))
    }
}
