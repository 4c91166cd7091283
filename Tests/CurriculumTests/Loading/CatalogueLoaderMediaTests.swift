import Foundation
import Testing
@testable import Curriculum

/// A course folder with one module and its `.media.yaml`, written to a temporary directory.
struct MediaCourse {
    let root: URL
    var course: URL { root.appendingPathComponent("demo") }

    static let mediaYAML = """
    watch: 80%
    seeking: watched-only
    items:
      - id: lecture
        video: media/lecture.mp4
        title: {zh: 讲座, en: Lecture}
        poster: media/lecture.jpg
        captions: {zh: media/lecture.zh.vtt, en: media/lecture.en.vtt}
        transcript: {zh: media/lecture.zh.md, en: media/lecture.en.md}
        download: true
      - id: briefing
        audio: media/briefing.mp3
        title: {zh: 简报, en: Briefing}
        captions: {zh: media/briefing.zh.vtt, en: media/briefing.en.vtt}
        transcript: {zh: media/briefing.zh.md, en: media/briefing.en.md}

    """

    static let captions = "WEBVTT\n\n00:00.000 --> 00:02.000\nOne\n\n00:02.000 --> 00:06.000\nTwo\n"

    init() throws {
        root = try MediaFixtures.temporaryDirectory()
        try write("course.yaml", """
        id: demo
        version: 1
        title: {zh: 演示, en: Demo}
        summary: {zh: 演示课程, en: A demo course}
        study_hours: 1
        modules: [lecture]
        completion:
          modules: all

        """)
        for language in ["zh", "en"] {
            try write("modules/01-lecture.\(language).md", """
            ---
            id: lecture
            title: \(language == "zh" ? "讲座" : "Lecture")
            minutes: 1
            hours: 1
            objectives: [\(language == "zh" ? "看讲座" : "Watch the lecture")]
            summary: \(language == "zh" ? "看讲座。" : "Watch it.")
            ---

            \(language == "zh" ? "## 情景案例：一次讲座" : "## Scenario: a lecture")

            Text.

            """)
            try write("media/lecture.\(language).vtt", Self.captions)
            try write("media/briefing.\(language).vtt", Self.captions)
            try write("media/lecture.\(language).md", "## Transcript\n\nWhat was said.\n")
            try write("media/briefing.\(language).md", "What was said.\n")
        }
        try write("modules/01-lecture.media.yaml", Self.mediaYAML)
        try write("media/lecture.mp4", MediaFixtures.mp4(timescale: 1000, duration: 6000))
        try write("media/lecture.jpg", [0xFF, 0xD8, 0xFF, 0xE0])
        try write("media/briefing.mp3", MediaFixtures.mp3(frames: 10, xingFrames: 230))
    }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Array(text.utf8))
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let url = course.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: course.appendingPathComponent(relative))
    }

    func edit(_ relative: String, _ change: (String) -> String) throws {
        let url = course.appendingPathComponent(relative)
        try write(relative, change(try String(contentsOf: url, encoding: .utf8)))
    }

    func lint(_ options: CatalogueLoader.Options = .init()) -> [String] {
        CatalogueLoader.lint(directory: root, options: options).diagnostics.map(\.description)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }
}

struct CatalogueLoaderMediaTests {
    @Test("a module with a media file gets its recordings, sizes and running times from the files")
    func loads() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        let result = CatalogueLoader.loadWithReport(directory: folder.root)
        #expect(result.report.diagnostics.isEmpty)
        let catalogue = try #require(result.catalogue)
        let module = try #require(catalogue.courses.first?.modules.first)
        let media = try #require(module.media)
        #expect(media.watchShare == 0.8)
        #expect(media.seeking == .watchedOnly)
        #expect(media.source == SourceReference(file: "modules/01-lecture.media.yaml", line: 1))
        let lecture = try #require(media.item("lecture"))
        #expect(lecture.kind == .video)
        #expect(lecture.container == .mp4)
        #expect(lecture.file == "lecture.mp4")
        #expect(lecture.size == Int64(MediaFixtures.mp4(timescale: 1000, duration: 6000).count))
        #expect(lecture.duration == 6)
        #expect(lecture.poster == "lecture.jpg")
        #expect(lecture.captions == [.zh: "lecture.zh.vtt", .en: "lecture.en.vtt"])
        #expect(lecture.transcripts[.en]?.body == "## Transcript\n\nWhat was said.\n")
        #expect(lecture.transcripts[.en]?.source == SourceReference(file: "media/lecture.en.md", line: 1))
        #expect(lecture.transcripts[.en]?.contentHash.isEmpty == false)
        #expect(lecture.download)
        let briefing = try #require(media.item("briefing"))
        #expect(briefing.container == .mp3)
        #expect(abs(briefing.duration - 230.0 * 1152 / 44100) < 0.001)
        #expect(!briefing.download)
        #expect(catalogue.courses.first?.mediaFiles.contains("lecture.mp4") == true)
    }

    @Test("a changed transcript changes the module's content hash")
    func hash() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        let before = try #require(CatalogueLoader.load(directory: folder.root).catalogue?.courses.first?.modules.first)
        try folder.write("media/briefing.en.md", "Something else was said.\n")
        let after = try #require(CatalogueLoader.load(directory: folder.root).catalogue?.courses.first?.modules.first)
        #expect(before.contentHash != after.contentHash)
    }

    @Test("a media file must belong to a module with the same number and id")
    func unmatched() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        try folder.write("modules/02-lecture.media.yaml", MediaCourse.mediaYAML)
        try folder.write("modules/01-other.media.yaml", MediaCourse.mediaYAML)
        #expect(folder.lint() == [
            "demo/modules/01-other.media.yaml:1:1: error: 01-other.media.yaml belongs to no module: there is no modules/NN-other.zh.md or .en.md; name it after the module's files",
            "demo/modules/02-lecture.media.yaml:1:1: error: 02-lecture.media.yaml is numbered 2 but the files of module 'lecture' are numbered 1; rename it 01-lecture.media.yaml",
        ])
    }

    @Test("missing files, a caption syntax error, a text file named .mp4 and a video listed as audio are errors")
    func fileMistakes() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        try folder.remove("media/lecture.en.vtt")
        try folder.remove("media/lecture.jpg")
        try folder.remove("media/briefing.zh.md")
        try folder.write("media/briefing.en.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nOne\n\n00:02.000 -> 00:03.000\nTwo\n")
        try folder.write("media/lecture.mp4", "This is not a video.\n")
        try folder.write("media/briefing.mp3", MediaFixtures.mp4())
        try folder.write("media/lecture.zh.md", "See <b>this</b> and [this](javascript:alert(1)).\n")
        #expect(folder.lint() == [
            "demo/media/briefing.en.vtt:6:11: error: expected ' --> ' with a space on each side after the start time",
            "demo/media/lecture.zh.md:1:5: warning: raw HTML is not shown to learners; write Markdown instead",
            "demo/media/lecture.zh.md:1:12: warning: raw HTML is not shown to learners; write Markdown instead",
            "demo/media/lecture.zh.md:1:21: error: links may only use http, https, mailto or tel, not 'javascript:'; the link is shown as plain text",
            "demo/modules/01-lecture.media.yaml:5:12: error: 'media/lecture.mp4' is not an MP4, WebM, MP3 or M4A file (its first bytes are 54 68 69 73 20 69 73 20 \"This is \")",
            "demo/modules/01-lecture.media.yaml:7:13: error: poster 'media/lecture.jpg' not found: add the file to demo/media/",
            "demo/modules/01-lecture.media.yaml:8:46: error: caption file 'media/lecture.en.vtt' not found: add the file to demo/media/",
            "demo/modules/01-lecture.media.yaml:12:12: error: 'media/briefing.mp3' is a video (it has a video track): list it as 'video:', or keep only its sound as M4A (ffmpeg -i in.mp4 -vn -c:a copy out.m4a)",
            "demo/modules/01-lecture.media.yaml:15:22: error: transcript 'media/briefing.zh.md' not found: add the file to demo/media/",
        ])
        #expect(CatalogueLoader.load(directory: folder.root).catalogue == nil)
    }

    @Test("a poster must be a JPEG, PNG or WebP image")
    func poster() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        for image in [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], Array("RIFF\0\0\0\0WEBPVP8 ".utf8)] {
            try folder.write("media/lecture.jpg", image)
            #expect(folder.lint() == [])
        }
        try folder.write("media/lecture.jpg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
        #expect(folder.lint() == [
            "demo/modules/01-lecture.media.yaml:7:13: error: poster 'media/lecture.jpg' is not a JPEG, PNG or WebP image",
        ])
    }

    @Test("a recording listed as video that has no picture is an error")
    func audioAsVideo() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        try folder.write("media/lecture.mp4", MediaFixtures.mp4(brand: "M4A ", handlers: ["soun"]))
        #expect(folder.lint() == [
            "demo/modules/01-lecture.media.yaml:5:12: error: 'media/lecture.mp4' has no video track (it is an M4A audio file): list it as 'audio:'",
        ])
    }

    @Test("cues after the end of the recording, an undecodable transcript and the size limit")
    func warnings() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        try folder.write("media/lecture.zh.vtt", "WEBVTT\n\n00:00.000 --> 00:06.900\nOne\n\n00:06.000 --> 00:07.500\nTwo\n")
        try folder.write("media/lecture.en.md", [0x48, 0x69, 0x0A, 0xC3, 0x28, 0x0A])
        let video = MediaFixtures.mp4(timescale: 1000, duration: 6000, mdat: 10_000)
        try folder.write("media/lecture.mp4", video)
        let size = Int64(video.count)
        #expect(size > 10_000)
        #expect(folder.lint(.init(mediaWarnSize: 8192)) == [
            "demo/media/lecture.en.md:2:1: error: the file is not UTF-8 text: the first bad byte is on line 2; save it as UTF-8",
            "demo/media/lecture.zh.vtt:6:1: warning: this cue ends at 00:00:07.500, after the recording ends (00:00:06.000)",
            "demo/modules/01-lecture.media.yaml:5:12: warning: 'media/lecture.mp4' is 10 KB, more than the 8 KB lint warns about: learners on slow connections wait long; re-encode it at a lower bit rate or split it into shorter recordings",
        ])
        #expect(CatalogueLoader.Options.defaultMediaWarnSize == 200 * 1_048_576)
        #expect(CourseFolderLoader.byteCount(250 * 1_048_576 + 300_000) == "250.3 MB")
        #expect(CourseFolderLoader.byteCount(1_610_612_736) == "1.5 GB")
        #expect(CourseFolderLoader.byteCount(512_000) == "500 KB")
        #expect(CourseFolderLoader.byteCount(900) == "900 bytes")
    }

    @Test("a file in modules/ that is neither a module file nor a media file is still a warning")
    func otherFiles() throws {
        let folder = try MediaCourse()
        defer { folder.cleanUp() }
        try folder.write("modules/01-lecture.media.yml", "items: []\n")
        #expect(folder.lint() == [
            "demo/modules/01-lecture.media.yml:1:1: warning: only module files such as 01-module-id.zh.md (and 01-module-id.media.yaml) belong in modules/; this is ignored",
        ])
    }

    @Test("sizes as people write them", arguments: [
        ("200MB", Int64(200 * 1_048_576)), ("200 mb", Int64(200 * 1_048_576)), ("1.5GB", Int64(1_610_612_736)),
        ("500KB", Int64(512_000)), ("300000B", Int64(300_000)), ("2GiB", Int64(2_147_483_648)),
    ])
    func sizes(text: String, bytes: Int64) {
        #expect(CatalogueLoader.Options.parseSize(text) == bytes)
    }

    @Test("sizes that are not", arguments: ["", "200", "MB", "0MB", "-5MB", "1.2.3MB", "5TB", "ten MB", ".5MB", "9999999999GB"])
    func badSizes(text: String) {
        #expect(CatalogueLoader.Options.parseSize(text) == nil)
    }
}
