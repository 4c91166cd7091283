import Foundation
import Testing
@testable import Curriculum

struct MediaProbeTests {
    typealias F = MediaFixtures

    func probe(_ bytes: [UInt8]) -> Result<MediaProbe, MediaProbe.Failure> {
        MediaProbe.probe(MediaBytes(bytes))
    }

    func failure(_ bytes: [UInt8]) -> String? {
        if case .failure(let failure) = probe(bytes) { return failure.message }
        return nil
    }

    // MARK: MP4 and M4A

    @Test("an MP4 with a video track is mp4, its running time from mvhd (version 0 and 1)")
    func mp4() throws {
        let found = try probe(F.mp4()).get()
        #expect(found == MediaProbe(container: .mp4, hasVideo: true, hasAudio: true, duration: 6))
        let long = try probe(F.mp4(timescale: 90000, duration: 90000 * 5400, version: 1)).get()
        #expect(long.duration == 5400)
    }

    @Test("the movie box may come after the media data")
    func moovAtTheEnd() throws {
        let found = try probe(F.mp4(timescale: 600, duration: 1500, moovLast: true, mdat: 100_000)).get()
        #expect(found.container == .mp4)
        #expect(found.duration == 2.5)
    }

    @Test("audio only: the M4A brand or a file whose only track is sound is m4a")
    func m4a() throws {
        #expect(try probe(F.mp4(brand: "M4A ", handlers: ["soun"])).get().container == .m4a)
        let soundOnly = try probe(F.mp4(brand: "isom", handlers: ["soun"])).get()
        #expect(soundOnly.container == .m4a)
        #expect(!soundOnly.hasVideo)
    }

    @Test("an MP4 without moov, tracks or a running time is refused")
    func mp4Incomplete() {
        let ftyp = F.box("ftyp", Array("isom".utf8) + F.be(0, 4))
        #expect(failure(ftyp + F.box("mdat", [1, 2, 3]))?.contains("without a 'moov' box") == true)
        #expect(failure(F.mp4(handlers: []))?.contains("neither a video nor an audio track") == true)
        #expect(failure(F.mp4(duration: 0))?.contains("gives no running time") == true)
        #expect(failure(F.mp4(timescale: 0))?.contains("gives no running time") == true)
    }

    @Test("damaged box sizes are reported, never followed outside the file")
    func mp4Damaged() {
        var tooLong = F.mp4()
        tooLong.replaceSubrange(0..<4, with: F.be(1 << 31, 4))
        #expect(failure(tooLong)?.contains("does not fit in the file") == true)
        var tooShort = F.mp4()
        tooShort.replaceSubrange(0..<4, with: F.be(3, 4))
        #expect(failure(tooShort)?.contains("does not fit") == true)
        // A box inside moov that claims more than moov holds.
        let ftyp = F.box("ftyp", Array("isom".utf8) + F.be(0, 4))
        let lying = F.be(9999, 4) + Array("trak".utf8) + F.be(0, 8)
        #expect(failure(ftyp + F.box("moov", F.mvhd(timescale: 1000, duration: 1000) + lying))?
            .contains("a box inside 'moov' does not fit") == true)
        // A 64-bit size beyond the file, and a moov cut short.
        let large = ftyp + F.be(1, 4) + Array("moov".utf8) + F.be(UInt64(Int64.max), 8)
        #expect(failure(large) != nil)
        let cut = Array(F.mp4().dropLast(80))
        #expect(failure(cut) != nil)
    }

    @Test("boxes nested without end and floods of empty boxes end in an error, not a hang")
    func mp4Hostile() {
        var nested = F.box("hdlr", F.be(0, 12))
        for _ in 0..<50 { nested = F.box("trak", nested) }
        let ftyp = F.box("ftyp", Array("isom".utf8) + F.be(0, 4))
        #expect(failure(ftyp + F.box("moov", F.mvhd(timescale: 1, duration: 1) + nested)) != nil)
        let flood = ftyp + [UInt8]((0..<250_000).flatMap { _ in F.box("free", []) })
        #expect(failure(flood)?.contains("too many MP4 boxes") == true)
    }

    // MARK: WebM

    @Test("a WebM file: DocType webm, Duration × TimecodeScale, video and audio tracks")
    func webm() throws {
        let found = try probe(F.webm()).get()
        #expect(found == MediaProbe(container: .webm, hasVideo: true, hasAudio: true, duration: 6))
        let scaled = try probe(F.webm(scale: 1_000, duration: 2_500_000)).get()
        #expect(scaled.duration == 2.5)
        #expect(try probe(F.webm(trackTypes: [2])).get().hasVideo == false)
    }

    @Test("Matroska, a missing duration and damaged elements are refused")
    func webmRefused() {
        #expect(failure(F.webm(docType: "matroska"))?.contains("Matroska") == true)
        #expect(failure(F.webm(duration: nil))?.contains("no running time") == true)
        #expect(failure(F.webm(trackTypes: []))?.contains("neither a video nor an audio track") == true)
        #expect(failure(Array(F.webm().prefix(6))) != nil)
        var lying = F.webm()
        lying.replaceSubrange(4..<12, with: [0x01] + F.be(1 << 40, 7))
        #expect(failure(lying)?.contains("EBML header does not fit") == true)
        #expect(failure([0x1A, 0x45, 0xDF, 0xA3, 0x00, 0x00]) != nil)
    }

    // MARK: MP3

    @Test("a constant-bit-rate MP3: duration from its size and bit rate")
    func mp3CBR() throws {
        let found = try probe(F.mp3(frames: 300)).get()
        #expect(found.container == .mp3)
        #expect(!found.hasVideo)
        #expect(abs(found.duration - Double(300 * 417 * 8) / 128_000) < 0.001)
    }

    @Test("an ID3v2 tag is skipped, and a Xing header's frame count gives the duration")
    func mp3Xing() throws {
        let found = try probe(F.mp3(frames: 10, id3: 1000, xingFrames: 383)).get()
        #expect(found.container == .mp3)
        #expect(abs(found.duration - 383.0 * 1152 / 44100) < 0.0001)
    }

    @Test("an ID3 tag with nothing after it, or a damaged tag size, is refused")
    func mp3Refused() {
        #expect(failure(Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 10] + Array("0123456789 some text".utf8)) != nil)
        #expect(failure(Array("ID3".utf8) + [4, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]) != nil)
    }

    // MARK: Not a recording

    @Test("text named .mp4 is not a recording, and the message shows its first bytes")
    func text() {
        let message = failure(Array("<html>hello world</html>".utf8))
        #expect(message == "is not an MP4, WebM, MP3 or M4A file (its first bytes are 3C 68 74 6D 6C 3E 68 65 \"<html>he\")")
        #expect(failure([]) == "is empty, not an MP4, WebM, MP3 or M4A file")
    }

    @Test("a path that is missing or a folder cannot be read")
    func unreadable() {
        for path in ["/nonexistent/lecture.mp4", FileManager.default.temporaryDirectory.path] {
            guard case .failure(let failure) = MediaProbe.probe(path: path) else {
                Issue.record("\(path) was probed")
                continue
            }
            #expect(failure.message == "cannot be read")
        }
    }

    @Test("random bytes never crash the probe", arguments: 0..<20)
    func random(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let prefixes: [[UInt8]] = [F.mp4(), F.webm(), F.mp3(frames: 3, id3: 20, xingFrames: 5)]
        var bytes = prefixes[seed % 3]
        for _ in 0..<8 {
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[index] = UInt8.random(in: 0...255, using: &generator)
        }
        _ = MediaProbe.probe(MediaBytes(bytes))
        _ = MediaProbe.probe(MediaBytes(Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))))
    }

    // MARK: Real files

    @Test("files made by ffmpeg: MP4, WebM, MP3 and M4A with their running times",
          .enabled(if: MediaFixtures.ffmpeg != nil, "ffmpeg is not installed"))
    func ffmpegFiles() throws {
        let directory = try F.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let video = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
                     "-t", "3"]
        let audio = ["-f", "lavfi", "-i", "sine=frequency=440", "-t", "3"]
        let cases: [(String, [String], MediaContainer, Bool)] = [
            ("a.mp4", video + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                               "-movflags", "+faststart"], .mp4, true),
            ("b.mp4", video + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"], .mp4, true),
            ("c.webm", video + ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libvorbis"], .webm, true),
            ("d.mp3", audio + ["-c:a", "libmp3lame", "-b:a", "64k"], .mp3, false),
            ("e.m4a", audio + ["-c:a", "aac", "-b:a", "64k"], .m4a, false),
        ]
        for (name, arguments, container, hasVideo) in cases {
            let url = directory.appendingPathComponent(name)
            try F.runFFmpeg(arguments, output: url)
            let found = try MediaProbe.probe(path: url.path).get()
            #expect(found.container == container, "\(name)")
            #expect(found.hasVideo == hasVideo, "\(name)")
            #expect(abs(found.duration - 3) < 0.1, "\(name): \(found.duration)")
        }
    }
}

/// A small deterministic generator (SplitMix64) so the random-bytes test is repeatable.
private struct SeededGenerator: RandomNumberGenerator {
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
