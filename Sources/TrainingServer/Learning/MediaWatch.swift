import Curriculum
import Foundation

/// What a person has watched of one recording, as the module page shows it.
public struct MediaWatchState: Sendable, Hashable {
    /// Seconds of the recording watched at least once (overlaps counted once).
    public var watchedSeconds: Double
    /// The recording's running time, from the catalogue.
    public var duration: Double
    /// The end of the part watched without a gap from the start.
    public var frontier: Double

    public init(watchedSeconds: Double, duration: Double, frontier: Double) {
        self.watchedSeconds = watchedSeconds
        self.duration = duration
        self.frontier = frontier
    }

    /// The share watched, 0…1.
    public var share: Double { duration > 0 ? min(1, max(0, watchedSeconds / duration)) : 0 }

    /// The share in whole percent, rounded down: 89.6 % watched never reads as a required 90 %.
    public var wholePercent: Int { Int((share * 100).rounded(.down)) }
}

/// A stretch of a recording, in seconds from its start; `start < end`.
public struct WatchInterval: Sendable, Hashable {
    public var start: Double
    public var end: Double

    public init(_ start: Double, _ end: Double) {
        self.start = start
        self.end = end
    }

    public var length: Double { end - start }
}

/// One person's stored watching of one recording.
public struct MediaWatchRecord: Sendable, Hashable {
    /// Which recording the intervals belong to (`MediaWatch.recordingIdentity`): a replaced file starts afresh.
    public var recording: String
    /// Sorted, non-overlapping, within [0, duration].
    public var intervals: [WatchInterval]
    public var duration: Double
    public var firstReportAt: Double
    public var lastReportAt: Double

    public init(recording: String, intervals: [WatchInterval], duration: Double, firstReportAt: Double, lastReportAt: Double) {
        self.recording = recording
        self.intervals = intervals
        self.duration = duration
        self.firstReportAt = firstReportAt
        self.lastReportAt = lastReportAt
    }

    public var watchedSeconds: Double { MediaWatch.total(intervals) }
    public var frontier: Double { MediaWatch.frontier(intervals) }
    public var state: MediaWatchState {
        MediaWatchState(watchedSeconds: watchedSeconds, duration: duration, frontier: frontier)
    }
}

/// The outcome of one watch report.
public struct WatchOutcome: Sendable, Hashable {
    /// The record after the report.
    public var record: MediaWatchRecord
    /// Seconds newly counted by this report (never more than the allowance).
    public var credited: Double
    /// Seconds the report claimed beyond what was stored that were not counted (the rate cap, or skipping ahead
    /// under `watched-only`).
    public var refused: Double
}

/// The rules that turn the intervals a browser reports as played into watched time the server trusts. Everything
/// here is a pure function of the stored state, the report, the time and the module's media definition.
///
/// - Ranges are clipped to [0, duration] (the catalogue's duration, never the client's) and merged with what is
///   stored; overlaps count once.
/// - A report may add at most `allowance(elapsed:)` = 2 × (seconds since the person's previous watch report or
///   module page view, any module) + 2 seconds, so two tabs or a made-up report cannot count more than real time
///   (at up to double playback speed) allows. When a report claims more, the earliest new seconds are kept.
/// - Under `watched-only` seeking, only ranges starting at or before the frontier + 1 s count, repeatedly as the
///   frontier grows; parts beyond a gap are not stored (the browser reports its whole played ranges again later,
///   and they count once the gap is watched).
/// - The stored intervals are text: `start-end` pairs in seconds with at most three decimals, comma separated,
///   sorted (`0-12.5,30-41.25`); an empty string when nothing is watched.
public enum MediaWatch {
    /// The most ranges a report may carry (a browser's `played` ranges are few; more is not a browser).
    public static let maximumRanges = 200
    /// How close to the frontier (seconds) a range must start to count under `watched-only`, and how close to 0
    /// the first range must start to be the beginning of the frontier.
    public static let frontierSlack = 1.0
    /// Seconds added to every allowance (reports are sent a little late or early).
    public static let allowanceSlack = 2.0
    /// Playback speed the allowance permits (a learner may watch at up to double speed).
    public static let allowanceRate = 2.0

    /// Why a report is refused.
    public enum Problem: Error, Sendable, Equatable {
        case malformedRanges
        case tooManyRanges
        case unknownMedia
    }

    // MARK: Intervals

    /// Parses `start-end,start-end…` (seconds, decimals allowed, each start ≤ end, finite, not negative). An empty
    /// string is no ranges. Throws `malformedRanges` for anything else, `tooManyRanges` beyond `maximumRanges`.
    public static func parse(_ text: String) throws(Problem) -> [WatchInterval] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= maximumRanges else { throw .tooManyRanges }
        var ranges: [WatchInterval] = []
        for part in parts {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let start = seconds(ends[0]), let end = seconds(ends[1]), start <= end else {
                throw .malformedRanges
            }
            if end > start { ranges.append(WatchInterval(start, end)) }
        }
        return ranges
    }

    /// A non-negative finite decimal number of seconds written plainly (`12`, `12.5`, `.5`), or nil.
    static func seconds(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 24,
              trimmed.allSatisfy({ $0 == "." || ("0"..."9").contains($0) }),
              trimmed.filter({ $0 == "." }).count <= 1, trimmed != "." else { return nil }
        guard let value = Double(trimmed), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// Sorted, with overlapping and touching intervals joined, empty ones dropped.
    public static func merge(_ intervals: [WatchInterval]) -> [WatchInterval] {
        var result: [WatchInterval] = []
        for interval in intervals.filter({ $0.end > $0.start }).sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            if let last = result.last, interval.start <= last.end {
                result[result.count - 1].end = max(last.end, interval.end)
            } else {
                result.append(interval)
            }
        }
        return result
    }

    /// The intervals cut to [0, duration], empty ones dropped.
    public static func clip(_ intervals: [WatchInterval], to duration: Double) -> [WatchInterval] {
        intervals.compactMap { interval in
            let start = max(0, interval.start), end = min(duration, interval.end)
            return end > start ? WatchInterval(start, end) : nil
        }
    }

    /// Seconds covered by merged intervals.
    public static func total(_ merged: [WatchInterval]) -> Double {
        merged.reduce(0) { $0 + $1.length }
    }

    /// The end of the part watched without a gap from the start: from an interval starting within
    /// `frontierSlack` of 0, through every next one starting within `frontierSlack` of the end so far (a browser's
    /// played ranges can leave hairline gaps); 0 when nothing near the start is watched.
    public static func frontier(_ merged: [WatchInterval]) -> Double {
        var end = 0.0
        for interval in merged {
            guard interval.start <= end + frontierSlack else { break }
            end = max(end, interval.end)
        }
        return end
    }

    /// `a` without the parts in `b` (both merged); the result is merged.
    public static func subtract(_ a: [WatchInterval], _ b: [WatchInterval]) -> [WatchInterval] {
        var result: [WatchInterval] = []
        for interval in a {
            var pieces = [interval]
            for cut in b where cut.end > interval.start && cut.start < interval.end {
                pieces = pieces.flatMap { piece -> [WatchInterval] in
                    guard cut.end > piece.start && cut.start < piece.end else { return [piece] }
                    var left: [WatchInterval] = []
                    if cut.start > piece.start { left.append(WatchInterval(piece.start, cut.start)) }
                    if cut.end < piece.end { left.append(WatchInterval(cut.end, piece.end)) }
                    return left
                }
            }
            result += pieces
        }
        return merge(result)
    }

    /// The first `seconds` of merged intervals, earliest first.
    public static func prefix(_ merged: [WatchInterval], seconds: Double) -> [WatchInterval] {
        var left = max(0, seconds)
        var result: [WatchInterval] = []
        for interval in merged where left > 0 {
            let length = min(interval.length, left)
            result.append(WatchInterval(interval.start, interval.start + length))
            left -= length
        }
        return result
    }

    /// The stored text form (see the type's documentation).
    public static func encode(_ merged: [WatchInterval]) -> String {
        merged.map { "\(decimal($0.start))-\(decimal($0.end))" }.joined(separator: ",")
    }

    /// The stored text read back; nil when it is not what `encode` writes.
    public static func decode(_ text: String) -> [WatchInterval]? {
        guard let ranges = try? parse(text) else { return nil }
        return merge(ranges)
    }

    /// At most three decimals, no trailing zeros, never exponent notation. Rounded down, so stored ends never pass
    /// the duration they were clipped to.
    static func decimal(_ value: Double) -> String {
        let thousandths = (value * 1000).rounded(.down)
        let whole = Int64(thousandths / 1000)
        let fraction = Int64(thousandths) - whole * 1000
        guard fraction > 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    // MARK: Reports

    /// The seconds a report may add after `elapsed` seconds since the person's previous report or page view
    /// (`nil`: none known).
    public static func allowance(elapsed: Double?) -> Double {
        allowanceRate * max(0, elapsed ?? 0) + allowanceSlack
    }

    /// Which recording a record refers to: the file, its size and its running time, so a replaced recording (or a
    /// re-cut one with the same name) starts afresh.
    public static func recordingIdentity(_ item: MediaItem) -> String {
        "\(item.file)|\(item.size)|\(decimal(item.duration))"
    }

    /// Applies one report of `ranges` (as the browser sent them) to the stored record of `item` (nil: none yet, or
    /// one of another recording), adding at most `allowance` seconds.
    public static func apply(stored: MediaWatchRecord?, ranges: [WatchInterval], item: MediaItem, seeking: ModuleMedia.Seeking,
                             allowance: Double, now: Double) -> WatchOutcome {
        let recording = recordingIdentity(item)
        let duration = item.duration
        let kept = stored.flatMap { $0.recording == recording ? $0 : nil }
        let before = merge(clip(kept?.intervals ?? [], to: duration))
        let reported = merge(clip(ranges, to: duration))
        var claimed = subtract(reported, before)
        let claimedSeconds = total(claimed)
        if seeking == .watchedOnly {
            // Only ranges that continue the part watched from the start count; each accepted range may move the
            // frontier past the start of the next.
            var accepted = before
            var pending = claimed
            var grew = true
            while grew {
                grew = false
                let limit = frontier(accepted) + frontierSlack
                let (now, later) = (pending.filter { $0.start <= limit }, pending.filter { $0.start > limit })
                if !now.isEmpty {
                    accepted = merge(accepted + now)
                    pending = later
                    grew = true
                }
            }
            claimed = subtract(accepted, before)
        }
        let added = prefix(claimed, seconds: allowance)
        let after = merge(before + added)
        let credited = total(added)
        let record = MediaWatchRecord(recording: recording, intervals: after, duration: duration,
                                      firstReportAt: kept?.firstReportAt ?? now, lastReportAt: now)
        return WatchOutcome(record: record, credited: credited, refused: max(0, claimedSeconds - credited))
    }

    /// Whether the watching of every recording of the module reaches the module's share: false without a watch
    /// rule or without recordings.
    public static func isComplete(_ media: ModuleMedia, records: [String: MediaWatchRecord]) -> Bool {
        guard let share = media.watchShare, !media.items.isEmpty else { return false }
        return media.items.allSatisfy { item in reaches(records[item.id], item: item, share: share) }
    }

    /// Whether a record of `item` (of this recording) reaches `share`. A tiny tolerance absorbs rounding to
    /// thousandths of a second.
    public static func reaches(_ record: MediaWatchRecord?, item: MediaItem, share: Double) -> Bool {
        guard let record, record.recording == recordingIdentity(item), item.duration > 0 else { return false }
        return record.watchedSeconds + 0.002 >= share * item.duration
    }
}

/// One watch report as the server takes it: who, which module and recording, the ranges the browser sent, and
/// what completing the module credits.
public struct WatchReport: Sendable {
    public var userID: UserID
    public var courseID: String
    public var module: Module
    public var media: ModuleMedia
    public var item: MediaItem
    public var ranges: [WatchInterval]
    public var now: Double
    /// The calendar year `now` falls in (server time zone), for the ledger.
    public var year: Int

    public init(userID: UserID, courseID: String, module: Module, media: ModuleMedia, item: MediaItem,
                ranges: [WatchInterval], now: Double, year: Int) {
        self.userID = userID
        self.courseID = courseID
        self.module = module
        self.media = media
        self.item = item
        self.ranges = ranges
        self.now = now
        self.year = year
    }
}

/// What a report did.
public struct WatchReportResult: Sendable, Hashable {
    public var outcome: WatchOutcome
    /// Whether the module is completed (by watching or page time, now or before).
    public var moduleCompleted: Bool
    /// Whether this report completed it (its hours were credited now).
    public var completedNow: Bool
    /// The allowance this report had.
    public var allowance: Double

    public var state: MediaWatchState { outcome.record.state }
}

/// One person's stored watching of one recording, for the distribution (no personal data beyond the id).
public struct WatchLine: Sendable, Hashable {
    public var userID: UserID
    public var mediaID: String
    public var recording: String
    public var watchedSeconds: Double

    public init(userID: UserID, mediaID: String, recording: String, watchedSeconds: Double) {
        self.userID = userID
        self.mediaID = mediaID
        self.recording = recording
        self.watchedSeconds = watchedSeconds
    }
}

/// Watched intervals, the rate cap's clock and completions by watching.
public protocol MediaWatchRepository: Sendable {
    /// Applies one report in one write transaction: reads the stored record, the person's previous report and
    /// page view (for the allowance), applies `MediaWatch.apply`, stores the record, and when every recording of
    /// the module reaches its share and the module is not completed yet, completes it and credits its hours.
    func report(_ report: WatchReport) throws -> WatchReportResult
    /// The person's records of a module's recordings, by media id.
    func records(userID: UserID, courseID: String, moduleID: String) throws -> [String: MediaWatchRecord]
    /// Every stored record of a module, limited to people in `scope`'s departments (nil: everybody), and the
    /// people in that scope whose module was completed by watching.
    func lines(courseID: String, moduleID: String, scope: AccessScope?) throws -> (lines: [WatchLine], completedByWatching: Int)
}

/// How many people watched how much of a module's recordings, in the item-statistics spirit.
///
/// Shares are grouped in five buckets by whole percent watched: 0–24, 25–49, 50–74, 75–89 and 90–100 (the last
/// holds the usual 90 % rule). A person "started" a recording when they watched any of it; records of an earlier
/// version of a recording (another file, size or duration) are left out. The module line counts each person who
/// started any recording, with their share of the module's total running time.
public struct WatchDistribution: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        /// The media id; nil for the module line (all recordings together).
        public var mediaID: String?
        public var started: Int
        /// People per bucket, in `WatchDistribution.buckets` order.
        public var buckets: [Int]
        /// People who reached the module's share (of this recording; for the module line, of every recording).
        public var reachedShare: Int
        /// The median share of those who started; nil when nobody did.
        public var medianShare: Double?
    }

    /// Lower bounds (whole percent) of the buckets.
    public static let buckets = [0, 25, 50, 75, 90]

    public var module: Line
    public var items: [Line]
    /// People whose module was completed by watching (not by page time).
    public var completedByWatching: Int

    /// The bucket of a share 0…1.
    public static func bucket(_ share: Double) -> Int {
        let percent = Int((min(1, max(0, share)) * 100).rounded(.down))
        return buckets.lastIndex { percent >= $0 } ?? 0
    }

    /// The median of `values` (the mean of the middle two for an even count); nil for none.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    public static func compute(media: ModuleMedia, lines: [WatchLine], completedByWatching: Int) -> WatchDistribution {
        let share = media.watchShare
        var perPerson: [UserID: Double] = [:]
        var reachedAll: [UserID: Int] = [:]
        var items: [Line] = []
        for item in media.items {
            let recording = MediaWatch.recordingIdentity(item)
            let shares = lines.filter { $0.mediaID == item.id && $0.recording == recording && $0.watchedSeconds > 0 }
                .map { line -> (UserID, Double) in
                    perPerson[line.userID, default: 0] += line.watchedSeconds
                    return (line.userID, item.duration > 0 ? min(1, line.watchedSeconds / item.duration) : 0)
                }
            var buckets = Array(repeating: 0, count: Self.buckets.count)
            for (_, value) in shares { buckets[bucket(value)] += 1 }
            let reached = share.map { required in shares.filter { $0.1 + 0.00001 >= required } } ?? []
            for (person, _) in reached { reachedAll[person, default: 0] += 1 }
            items.append(Line(mediaID: item.id, started: shares.count, buckets: buckets, reachedShare: reached.count,
                              medianShare: median(shares.map(\.1))))
        }
        let total = media.items.reduce(0) { $0 + $1.duration }
        let moduleShares = perPerson.values.map { total > 0 ? min(1, $0 / total) : 0 }
        var buckets = Array(repeating: 0, count: Self.buckets.count)
        for value in moduleShares { buckets[bucket(value)] += 1 }
        let module = Line(mediaID: nil, started: perPerson.count, buckets: buckets,
                          reachedShare: share == nil ? 0 : reachedAll.values.filter { $0 == media.items.count }.count,
                          medianShare: median(moduleShares))
        return WatchDistribution(module: module, items: items, completedByWatching: completedByWatching)
    }
}
