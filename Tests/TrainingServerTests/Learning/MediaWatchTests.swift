import Assessment
import Curriculum
import Foundation
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The watch rules as pure functions: parsing, merging, clipping, the rate cap, watched-only seeking, completion
/// and the distribution.
@Suite struct MediaWatchTests {

    private func intervals(_ pairs: [(Double, Double)]) -> [WatchInterval] { pairs.map { WatchInterval($0.0, $0.1) } }

    // MARK: Parsing

    @Test func rangesParseWithDecimalsAndEmptyMeansNone() throws {
        #expect(try MediaWatch.parse("0-12.5,30-41.25") == intervals([(0, 12.5), (30, 41.25)]))
        #expect(try MediaWatch.parse("") == [])
        #expect(try MediaWatch.parse(" 3-3 ") == [], "an empty range is dropped")
        #expect(try MediaWatch.parse(".5-1") == intervals([(0.5, 1)]))
    }

    @Test(arguments: ["abc", "1-", "-1", "5-2", "1-2-3", "1-2,", ",1-2", "1e3-2e3", "nan-1", "inf-1", "-1-2", "1..2-3", "0x1-2",
                      "1-2;3-4", "+1-2"])
    func malformedRangesAreRefused(_ text: String) {
        #expect(throws: MediaWatch.Problem.malformedRanges) { try MediaWatch.parse(text) }
    }

    @Test func moreThanTwoHundredRangesAreRefused() throws {
        let many = (0..<201).map { "\($0 * 2)-\($0 * 2 + 1)" }.joined(separator: ",")
        #expect(throws: MediaWatch.Problem.tooManyRanges) { try MediaWatch.parse(many) }
        let enough = (0..<200).map { "\($0 * 2)-\($0 * 2 + 1)" }.joined(separator: ",")
        #expect(try MediaWatch.parse(enough).count == 200)
    }

    // MARK: Intervals

    @Test func mergingJoinsOverlappingAndTouchingIntervals() {
        #expect(MediaWatch.merge(intervals([(10, 20), (0, 5), (5, 8), (15, 30), (40, 41)])) == intervals([(0, 8), (10, 30), (40, 41)]))
    }

    @Test func clippingKeepsTheRecordingsRunningTime() {
        #expect(MediaWatch.clip(intervals([(-5, 3), (90, 150), (200, 300)]), to: 100) == intervals([(0, 3), (90, 100)]))
    }

    @Test func theFrontierIsTheEndOfTheWatchedStartAcrossHairlineGaps() {
        #expect(MediaWatch.frontier(intervals([(0, 10), (10.5, 20), (30, 40)])) == 20)
        #expect(MediaWatch.frontier(intervals([(0.8, 10)])) == 10, "a start within a second of 0 is the start")
        #expect(MediaWatch.frontier(intervals([(5, 10)])) == 0)
        #expect(MediaWatch.frontier([]) == 0)
    }

    @Test func subtractingAndTakingThePrefix() {
        #expect(MediaWatch.subtract(intervals([(0, 100)]), intervals([(10, 20), (50, 60)])) == intervals([(0, 10), (20, 50), (60, 100)]))
        #expect(MediaWatch.prefix(intervals([(0, 10), (20, 50)]), seconds: 15) == intervals([(0, 10), (20, 25)]))
    }

    @Test func theStoredTextRoundTrips() {
        let merged = intervals([(0, 12.5), (30, 41.125)])
        #expect(MediaWatch.encode(merged) == "0-12.5,30-41.125")
        #expect(MediaWatch.decode(MediaWatch.encode(merged)) == merged)
        #expect(MediaWatch.encode([]) == "")
        #expect(MediaWatch.decode("") == [])
        #expect(MediaWatch.decode("garbage") == nil)
        #expect(MediaWatch.decimal(1e-9) == "0" && MediaWatch.decimal(99.9999) == "99.999", "rounded down, no exponent")
    }

    // MARK: Reports

    @Test func aReportCountsClippedNewSecondsOnce() {
        let first = MediaWatch.apply(stored: nil, ranges: intervals([(0, 30)]), item: LearningFixtures.mediaItem(), seeking: .free,
                                     allowance: 1000, now: 10)
        #expect(first.credited == 30 && first.record.watchedSeconds == 30 && first.record.frontier == 30)
        let second = MediaWatch.apply(stored: first.record, ranges: intervals([(0, 30), (20, 140)]), item: LearningFixtures.mediaItem(),
                                      seeking: .free, allowance: 1000, now: 20)
        #expect(second.credited == 70, "the overlap counts once and the end is clipped to 100")
        #expect(second.record.intervals == intervals([(0, 100)]) && second.record.firstReportAt == 10 && second.record.lastReportAt == 20)
    }

    @Test func theAllowanceCapsNewSecondsKeepingTheEarliest() {
        #expect(MediaWatch.allowance(elapsed: 15) == 32)
        #expect(MediaWatch.allowance(elapsed: nil) == 2)
        #expect(MediaWatch.allowance(elapsed: -5) == 2, "a clock that went back allows nothing but the slack")
        let outcome = MediaWatch.apply(stored: nil, ranges: intervals([(0, 20), (50, 90)]), item: LearningFixtures.mediaItem(), seeking: .free,
                                       allowance: 32, now: 1)
        #expect(outcome.credited == 32 && outcome.refused == 28)
        #expect(outcome.record.intervals == intervals([(0, 20), (50, 62)]))
    }

    @Test func watchedOnlyCreditsOnlyWhatContinuesTheFrontier() {
        let item = LearningFixtures.mediaItem()
        let skipped = MediaWatch.apply(stored: nil, ranges: intervals([(60, 90)]), item: item, seeking: .watchedOnly,
                                       allowance: 1000, now: 1)
        #expect(skipped.credited == 0 && skipped.refused == 30 && skipped.record.intervals.isEmpty)
        let chained = MediaWatch.apply(stored: nil, ranges: intervals([(0, 10), (10.8, 30), (30.5, 40), (60, 90)]), item: item,
                                       seeking: .watchedOnly, allowance: 1000, now: 2)
        #expect(chained.record.intervals == intervals([(0, 10), (10.8, 30), (30.5, 40)]), "each accepted range moves the frontier")
        #expect(chained.record.frontier == 40)
        let later = MediaWatch.apply(stored: chained.record, ranges: intervals([(0, 61), (60, 90)]), item: item,
                                     seeking: .watchedOnly, allowance: 1000, now: 3)
        #expect(later.record.intervals == intervals([(0, 90)]), "once the gap is watched the rest counts")
        let free = MediaWatch.apply(stored: nil, ranges: intervals([(60, 90)]), item: item, seeking: .free, allowance: 1000, now: 1)
        #expect(free.credited == 30)
    }

    @Test func aReplacedRecordingStartsAfresh() {
        let old = MediaWatch.apply(stored: nil, ranges: intervals([(0, 50)]), item: LearningFixtures.mediaItem(size: 1000), seeking: .free,
                                   allowance: 1000, now: 1).record
        let new = MediaWatch.apply(stored: old, ranges: intervals([(0, 10)]), item: LearningFixtures.mediaItem(size: 2000), seeking: .free,
                                   allowance: 1000, now: 5)
        #expect(new.record.intervals == intervals([(0, 10)]) && new.record.firstReportAt == 5)
    }

    @Test func completionNeedsEveryRecordingAtTheShare() {
        let lecture = LearningFixtures.mediaItem("lecture", duration: 100), briefing = LearningFixtures.mediaItem("briefing", duration: 50, file: "b.mp3")
        let media = LearningFixtures.media([lecture, briefing], share: 0.9)
        let record = { (item: MediaItem, end: Double) in
            MediaWatch.apply(stored: nil, ranges: [WatchInterval(0, end)], item: item, seeking: .free, allowance: 1000, now: 1).record
        }
        #expect(!MediaWatch.isComplete(media, records: ["lecture": record(lecture, 100)]))
        #expect(!MediaWatch.isComplete(media, records: ["lecture": record(lecture, 100), "briefing": record(briefing, 44)]))
        #expect(MediaWatch.isComplete(media, records: ["lecture": record(lecture, 90), "briefing": record(briefing, 45)]))
        #expect(!MediaWatch.isComplete(LearningFixtures.media([lecture], share: nil), records: ["lecture": record(lecture, 100)]),
                "without a watch rule only page time completes")
    }

    // MARK: Properties

    /// Random reports against random stored states: merged intervals never overlap, watched time never passes the
    /// duration, a report never credits more than its allowance, and under watched-only nothing is stored beyond
    /// the frontier.
    @Test func randomReportsKeepTheInvariants() {
        var generator = SplitMix(seed: 20261210)
        for round in 0..<400 {
            let duration = Double(Int.random(in: 1...600, using: &generator))
            let item = LearningFixtures.mediaItem(duration: duration)
            let seeking: ModuleMedia.Seeking = round % 2 == 0 ? .free : .watchedOnly
            var record: MediaWatchRecord?
            for step in 0..<8 {
                let ranges = (0..<Int.random(in: 0...6, using: &generator)).map { _ -> WatchInterval in
                    let start = Double.random(in: -20...(duration + 20), using: &generator)
                    return WatchInterval(start, start + Double.random(in: 0...(duration / 2), using: &generator))
                }
                let allowance = Double.random(in: 0...(duration / 3), using: &generator)
                let before = record?.watchedSeconds ?? 0
                let outcome = MediaWatch.apply(stored: record, ranges: ranges, item: item, seeking: seeking,
                                               allowance: allowance, now: Double(step))
                let after = outcome.record
                for (a, b) in zip(after.intervals, after.intervals.dropFirst()) { #expect(a.end < b.start, "merged") }
                #expect(after.intervals.allSatisfy { $0.start >= 0 && $0.end <= duration && $0.start < $0.end })
                #expect(after.watchedSeconds <= duration + 1e-9)
                #expect(outcome.credited <= allowance + 1e-9)
                #expect(abs(after.watchedSeconds - before - outcome.credited) < 1e-6, "credited is exactly what was added")
                if seeking == .watchedOnly {
                    #expect((after.intervals.last?.end ?? 0) <= after.frontier + 1e-9, "nothing beyond the frontier")
                    if let previous = record {
                        let added = MediaWatch.subtract(after.intervals, previous.intervals)
                        var running = previous.intervals
                        for piece in added {
                            #expect(piece.start <= MediaWatch.frontier(running) + MediaWatch.frontierSlack + 1e-9,
                                    "credited only where it continues the frontier")
                            running = MediaWatch.merge(running + [piece])
                        }
                        #expect(after.frontier <= previous.frontier + outcome.credited
                                    + MediaWatch.frontierSlack * Double(added.count + 1) + 1e-9,
                                "the frontier grows by at most what was credited and a hairline gap per added range")
                    }
                }
                // The stored text keeps what it says (to the thousandth).
                let decoded = MediaWatch.decode(MediaWatch.encode(after.intervals)) ?? []
                #expect(abs(MediaWatch.total(decoded) - after.watchedSeconds) < 0.001 * Double(after.intervals.count * 2 + 1))
                record = after
            }
        }
    }

    // MARK: Distribution

    @Test func theDistributionBucketsSharesAndCountsTheModule() {
        let lecture = LearningFixtures.mediaItem("lecture", duration: 100), briefing = LearningFixtures.mediaItem("briefing", duration: 100, file: "b.mp3")
        let media = LearningFixtures.media([lecture, briefing], share: 0.9)
        let id = { UserID(rawValue: $0) }
        let lines = [
            WatchLine(userID: id(1), mediaID: "lecture", recording: MediaWatch.recordingIdentity(lecture), watchedSeconds: 100),
            WatchLine(userID: id(1), mediaID: "briefing", recording: MediaWatch.recordingIdentity(briefing), watchedSeconds: 95),
            WatchLine(userID: id(2), mediaID: "lecture", recording: MediaWatch.recordingIdentity(lecture), watchedSeconds: 24.9),
            WatchLine(userID: id(3), mediaID: "lecture", recording: MediaWatch.recordingIdentity(lecture), watchedSeconds: 50),
            WatchLine(userID: id(4), mediaID: "lecture", recording: "old.mp4|1|100", watchedSeconds: 100),
            WatchLine(userID: id(5), mediaID: "briefing", recording: MediaWatch.recordingIdentity(briefing), watchedSeconds: 0),
        ]
        let distribution = WatchDistribution.compute(media: media, lines: lines, completedByWatching: 1)
        let lectureLine = distribution.items[0]
        #expect(lectureLine.started == 3, "an earlier recording's record is left out")
        #expect(lectureLine.buckets == [1, 0, 1, 0, 1])
        #expect(lectureLine.reachedShare == 1 && lectureLine.medianShare == 0.5)
        #expect(distribution.items[1].started == 1, "nothing watched is not started")
        #expect(distribution.module.started == 3 && distribution.module.reachedShare == 1)
        #expect(distribution.module.buckets == [1, 1, 0, 0, 1], "shares of the 200 s together: 97.5 %, 12.45 %, 25 %")
        #expect(distribution.completedByWatching == 1)
        #expect(WatchDistribution.bucket(0.899) == 3 && WatchDistribution.bucket(0.9) == 4 && WatchDistribution.bucket(1) == 4)
        #expect(WatchDistribution.median([]) == nil && abs((WatchDistribution.median([0.2, 0.4]) ?? 0) - 0.3) < 1e-12)
    }
}

/// A small seeded generator, so a failing random case repeats.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
