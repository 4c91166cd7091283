import Foundation
import Synchronization

/// Calendar questions about instants, in the server's time zone (`serve --time-zone`, Asia/Shanghai by default).
/// The yearly study hours and HR reports' day boundaries use this one zone for everybody, so a credit belongs to
/// the same year and an expiry to the same day whoever looks; only what pages display follows a person's own zone.
public struct StudyCalendar: Sendable {
    /// The platform's time zone unless configured otherwise: China Standard Time.
    public static let defaultTimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    public var timeZone: TimeZone

    public init(timeZone: TimeZone = StudyCalendar.defaultTimeZone) { self.timeZone = timeZone }

    /// The calendar year `seconds` (since 1970) falls in.
    public func year(of seconds: Double) -> Int { CivilTime(seconds, in: timeZone).year }

    /// The time zone with the IANA name `name` (e.g. "Asia/Shanghai", "Europe/Berlin", "UTC"), or nil when the
    /// system's time zone database does not know it. Abbreviations ("CST") and offsets ("GMT+8") are refused: they
    /// are ambiguous or ignore daylight saving.
    public static func zone(named name: String) -> TimeZone? {
        guard name == "UTC" || name == "GMT" || knownNames.contains(name) else { return nil }
        return TimeZone(identifier: name)
    }

    /// The system database's zone names, read once (pages ask for a person's zone on every request).
    private static let knownNames = Set(TimeZone.knownTimeZoneIdentifiers)
}

/// Study beats with page views coalesced: a beat for the same person, session and module as the last one written,
/// less than `window` seconds after it, is held in memory instead of being written in its own durable transaction
/// (a page view is not an acknowledged write). The seconds credited stay exactly what writing every beat gives:
///
/// - A held beat is answered with the progress the write would have produced (its gap is under `window`, which is
///   under every beat's largest gap, so it would have counted in full, capped at the required time).
/// - A beat that would complete the module is never held: it is written, and its hours credited, on that request.
/// - The last held beat is written before any other beat of the person (another module or session: the focus must
///   move from where it really was), before the person's progress is read (`progress(userID:)`, or
///   `writeHeldBeats(userID:)` before a read of its own, or that read with `heldProgress(userID:)` in place of the
///   module's row: the same progress without a write), every `window` seconds by the server
///   (`flushDue`), and when the server stops (`flushAll`). Writing the held beat t2 after t1 credits t2 − t1, the sum
///   of the gaps of the beats between them; a later beat is then measured from t2, as it would have been.
///
/// The hold is per server instance: a person whose requests alternate between instances within `window` seconds can
/// lose at most the held seconds (less than `window`) if the server is killed before flushing.
public final class CoalescingLearningRepository: LearningRepository {
    struct Held {
        /// The last beat written for the person, and the progress it produced.
        var written: StudyBeat
        var progress: ModuleProgress
        /// The latest beat held since then, not yet written.
        var pending: StudyBeat?
        /// The progress writing `pending` gives.
        var pendingProgress: ModuleProgress?
    }

    let base: any LearningRepository
    /// Seconds after a written beat during which later beats for the same session and module are held.
    public let window: Double
    private let held = Mutex<[UserID: Held]>([:])

    public init(_ base: any LearningRepository, window: Double = 5) {
        self.base = base
        self.window = window
    }

    public func recordBeat(_ beat: StudyBeat) throws -> ModuleProgress {
        let answer: Result<ModuleProgress, Never>? = held.withLock { held in
            guard let entry = held[beat.userID], Self.sameFocus(entry.written, beat),
                  beat.now >= entry.written.now, beat.now - entry.written.now < window, window <= beat.maximumGap,
                  entry.pending.map({ beat.now >= $0.now }) ?? true else { return nil }
            var progress = entry.progress
            if !progress.isCompleted {
                // Exactly what the write would credit: the whole gap since the written beat, capped.
                progress.seconds = min(beat.requiredSeconds, entry.progress.seconds + (beat.now - entry.written.now))
                if progress.seconds >= beat.requiredSeconds { return nil }
            }
            progress.lastActivityAt = beat.now
            held[beat.userID]?.pending = beat
            held[beat.userID]?.pendingProgress = progress
            return .success(progress)
        }
        if case .success(let progress) = answer { return progress }
        // Written: first any held beat of this person, so the focus and its time are where they really were.
        if let pending = take(beat.userID) { _ = try base.recordBeat(pending) }
        let progress = try base.recordBeat(beat)
        held.withLock { $0[beat.userID] = Held(written: beat, progress: progress, pending: nil) }
        return progress
    }

    public func progress(userID: UserID) throws -> [ModuleProgress] {
        try writeHeldBeats(userID: userID)
        return try base.progress(userID: userID)
    }

    public func writeHeldBeats(userID: UserID) throws {
        // Only a held beat needs writing; with none, later page views of the module may still be held.
        let pending: StudyBeat? = held.withLock { held in
            guard let pending = held[userID]?.pending else { return nil }
            held[userID] = nil
            return pending
        }
        if let pending { _ = try base.recordBeat(pending) }
    }

    public func heldProgress(userID: UserID) -> ModuleProgress? {
        held.withLock { held in held[userID].flatMap { $0.pending == nil ? nil : $0.pendingProgress } }
    }

    public func forgetHeldProgress(userID: UserID) throws {
        // The kept progress no longer says what the database does: a beat held since is written (its time is the
        // person's), and nothing is kept, so the next beat is measured against the database.
        try writeHeldBeats(userID: userID)
        held.withLock { _ = $0.removeValue(forKey: userID) }
    }

    public func credit(userID: UserID, source: HoursSource, courseID: String, itemID: String, hours: Double, year: Int,
                       at: Double) throws {
        try base.credit(userID: userID, source: source, courseID: courseID, itemID: itemID, hours: hours, year: year, at: at)
    }

    public func ledger(userID: UserID) throws -> [LedgerEntry] { try base.ledger(userID: userID) }

    /// Writes the held beats whose window has passed at `now` and forgets the people with nothing held; returns how
    /// many beats were written.
    @discardableResult
    public func flushDue(now: Double) throws -> Int {
        let due: [StudyBeat] = held.withLock { held in
            var due: [StudyBeat] = []
            for (userID, entry) in held where now - entry.written.now >= window {
                if let pending = entry.pending { due.append(pending) }
                held[userID] = nil
            }
            return due
        }
        for beat in due { _ = try base.recordBeat(beat) }
        return due.count
    }

    /// Writes every held beat (the server is stopping); returns how many.
    @discardableResult
    public func flushAll() throws -> Int { try flushDue(now: .infinity) }

    /// Removes and returns the person's held beat, keeping nothing of theirs (the next beat is written).
    private func take(_ userID: UserID) -> StudyBeat? {
        held.withLock { held in held.removeValue(forKey: userID)?.pending }
    }

    private static func sameFocus(_ a: StudyBeat, _ b: StudyBeat) -> Bool {
        a.sessionKey == b.sessionKey && a.courseID == b.courseID && a.moduleID == b.moduleID
            && a.contentHash == b.contentHash && a.requiredSeconds == b.requiredSeconds && a.hours == b.hours
    }
}

/// The date and time of day an instant shows in a time zone: the zone's offset at that instant (one lookup), then
/// plain arithmetic on the proleptic Gregorian calendar (days to year, month and day as in H. Hinnant's
/// `civil_from_days`), instead of a `Calendar` made and asked on every call. Pages format several dates each and
/// every page view asks for the study year, so this is on the request path. Between 1583 and 9999 the answer is what
/// `Calendar(identifier: .gregorian)` with the same zone gives (`CivilTimeTests` compares them); outside that range,
/// where Foundation's calendar switches to the Julian calendar or the numbers stop being dates, it asks Foundation.
public struct CivilTime: Equatable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int

    /// 1583-01-01 and 10000-01-01 in seconds since 1970 (UTC; a zone moves them by less than a day).
    static let arithmeticRange = -12_212_553_600.0 ..< 253_402_300_800.0

    public init(_ seconds: Double, in timeZone: TimeZone) {
        guard Self.arithmeticRange.contains(seconds) else {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute],
                                                from: Date(timeIntervalSince1970: seconds))
            self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0,
                      minute: parts.minute ?? 0)
            return
        }
        let local = Int(seconds.rounded(.down)) + timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        // civil_from_days: eras of 400 years (146,097 days) starting on 0000-03-01.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month,
                  day: dayOfYear - (153 * monthIndex + 2) / 5 + 1, hour: secondOfDay / 3_600,
                  minute: secondOfDay % 3_600 / 60)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
    }
}
