import Assessment
import Curriculum
import Foundation
import Synchronization

/// What the daily cap of a quiz counts: a person's attempts started since the start of the day, and whether one
/// is still open (it is continued, never refused).
public struct AttemptStarts: Sendable, Hashable {
    public var started: Int
    public var hasOpen: Bool

    public init(started: Int, hasOpen: Bool) {
        self.started = started
        self.hasOpen = hasOpen
    }
}

/// The day `StudyCalendar.day(containing:)` found last, with its zone: the next call for an instant of the same day
/// in the same zone (nearly every call: the starts and pages of one day) answers without a `Calendar`.
private let lastDay = Mutex<(timeZone: TimeZone, start: Double, end: Double)?>(nil)

extension StudyCalendar {
    /// The calendar day `seconds` falls in, in the platform's time zone: its first instant and the first instant of
    /// the next day (a day of 23 or 25 hours where the zone changes its clocks).
    public func day(containing seconds: Double) -> (start: Double, end: Double) {
        if let last = lastDay.withLock({ $0 }), last.start <= seconds, seconds < last.end, last.timeZone == timeZone {
            return (last.start, last.end)
        }
        let day = Self.computeDay(containing: seconds, in: timeZone)
        lastDay.withLock { $0 = (timeZone, day.start, day.end) }
        return day
    }

    /// `day(containing:)` worked out by Foundation's Gregorian calendar, nothing kept.
    static func computeDay(containing seconds: Double, in timeZone: TimeZone) -> (start: Double, end: Double) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: seconds)
        guard let interval = calendar.dateInterval(of: .day, for: date) else {
            let start = calendar.startOfDay(for: date).timeIntervalSince1970
            return (start, start + 86_400)
        }
        return (interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970)
    }
}

extension QuizService {
    /// Why `user` may not start another attempt at `quiz` today: they started the quiz's `attemptsPerDay` since
    /// the start of today in the platform's time zone (`serve --time-zone`); the next may start when the next day
    /// begins. Nil when the quiz has no daily cap, when fewer were started today, and while an attempt is open
    /// (the learner continues it). Counted from the attempts' start times, so it costs one small query.
    public func dailyRefusal(user: User, quiz: QuizDefinition, course: Course) throws -> StartRefusal? {
        guard quiz.attemptsPerDay != nil else { return nil }
        let today = calendar.day(containing: clock())
        let starts = try attempts.starts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id, since: today.start)
        return dailyRefusal(quiz: quiz, starts: starts, today: today)
    }

    /// `dailyRefusal` from the starts since the start of `today` as read (`AttemptRepository.overview`).
    func dailyRefusal(quiz: QuizDefinition, starts: AttemptStarts?, today: (start: Double, end: Double)?) -> StartRefusal? {
        guard let cap = quiz.attemptsPerDay, let starts, let today else { return nil }
        guard !starts.hasOpen, starts.started >= cap else { return nil }
        return .dailyLimitReached(limit: cap, availableAt: today.end)
    }
}
