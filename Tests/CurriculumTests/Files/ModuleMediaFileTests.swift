import Foundation
import Testing
@testable import Curriculum

struct ModuleMediaFileTests {
    static let text = """
    watch: 90%
    seeking: watched-only
    items:
      - id: lecture
        video: media/phishing-lecture.mp4
        title: {zh: 讲座：识别钓鱼邮件, en: "Lecture: spotting phishing"}
        poster: media/phishing-lecture.jpg
        captions: {zh: media/phishing-lecture.zh.vtt, en: media/phishing-lecture.en.vtt}
        transcript: {zh: media/phishing-lecture.zh.md, en: media/phishing-lecture.en.md}
        download: true
      - id: briefing
        audio: media/audio/briefing.mp3
        title: {zh: 简报, en: Briefing}
        captions: {zh: media/briefing.zh.vtt, en: media/briefing.en.vtt}
        transcript: {zh: media/briefing.zh.md, en: media/briefing.en.md}
    """

    func messages(_ text: String, fileName: String = "c/modules/01-lecture.media.yaml") -> [String] {
        ModuleMediaFile.parse(text: text, fileName: fileName).1.map(\.description)
    }

    @Test("the documented example is read, paths relative to media/")
    func reads() throws {
        let (parsed, diagnostics) = ModuleMediaFile.parse(text: Self.text, fileName: "c/modules/04-phishing.media.yaml")
        #expect(diagnostics.isEmpty)
        let file = try #require(parsed)
        #expect(file.number == 4)
        #expect(file.fileID == ModuleID("phishing"))
        #expect(file.watchShare == 0.9)
        #expect(file.seeking == .watchedOnly)
        #expect(file.items.map(\.id.value) == ["lecture", "briefing"])
        let lecture = file.items[0]
        #expect(lecture.kind == .video)
        #expect(lecture.file.value == "phishing-lecture.mp4")
        #expect(lecture.file.location.line == 5)
        #expect(lecture.title == LocalizedText(zh: "讲座：识别钓鱼邮件", en: "Lecture: spotting phishing"))
        #expect(lecture.poster?.value == "phishing-lecture.jpg")
        #expect(lecture.captions.mapValues(\.value) == [.zh: "phishing-lecture.zh.vtt", .en: "phishing-lecture.en.vtt"])
        #expect(lecture.transcripts[.en]?.value == "phishing-lecture.en.md")
        #expect(lecture.download)
        let briefing = file.items[1]
        #expect(briefing.kind == .audio)
        #expect(briefing.file.value == "audio/briefing.mp3")
        #expect(briefing.poster == nil)
        #expect(!briefing.download)
    }

    @Test("watch as a percentage or a share in (0, 1]", arguments: [
        ("90%", 0.9), ("100%", 1.0), ("1%", 0.01), ("0.9", 0.9), ("1", 1.0), ("12.5%", 0.125),
    ])
    func watch(written: String, share: Double) throws {
        let text = Self.text.replacingOccurrences(of: "watch: 90%", with: "watch: \(written)")
        let (file, diagnostics) = ModuleMediaFile.parse(text: text, fileName: "c/modules/01-a.media.yaml")
        #expect(diagnostics.isEmpty)
        #expect(try #require(file).watchShare == share)
    }

    @Test("a watch share outside (0, 1] is refused", arguments: ["0%", "0", "101%", "1.5", "-5%", "most", "90 %%", "true"])
    func badWatch(written: String) {
        let text = Self.text.replacingOccurrences(of: "watch: 90%", with: "watch: \(written)")
        let found = messages(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("c/modules/01-lecture.media.yaml:1:8: error: 'watch' must be a share") == true)
    }

    @Test("without watch and seeking: no watch rule, free seeking")
    func defaults() throws {
        let text = Self.text.replacingOccurrences(of: "watch: 90%\nseeking: watched-only\n", with: "")
        let file = try #require(ModuleMediaFile.parse(text: text, fileName: "c/modules/01-a.media.yaml").0)
        #expect(file.watchShare == nil)
        #expect(file.seeking == .free)
    }

    @Test("watched-only seeking without a watch rule is pointed out")
    func seekingWithoutWatch() throws {
        let text = Self.text.replacingOccurrences(of: "watch: 90%\n", with: "")
        let found = messages(text)
        #expect(found == ["c/modules/01-lecture.media.yaml:1:10: warning: 'seeking: watched-only' has no effect "
                          + "without a watch rule: add 'watch: 90%' (or the share to watch), or remove 'seeking'"])
        #expect(messages(Self.text).isEmpty, "with a watch rule it is what the author meant")
    }

    @Test("file names look like NN-id.media.yaml", arguments: [
        ("01-lecture.media.yaml", true), ("1-a.media.yaml", true), ("lecture.media.yaml", false),
        ("01-Lecture.media.yaml", false), ("01-lecture.yaml", false), ("01-lecture.media.yml", false),
    ])
    func names(name: String, valid: Bool) {
        #expect((ModuleMediaFile.nameParts(name) != nil) == valid)
    }

    @Test("every mistake is reported at its line and column")
    func mistakes() {
        let text = """
        watch: 90%
        seeking: watched
        item: []
        items:
          - id: Lecture
            video: lecture.mp4
            title: {zh: 讲座}
            captions: {zh: media/a.zh.vtt, fr: media/a.fr.vtt}
            transcript: {zh: media/../a.zh.md, en: media/a.en.md}
            download: yes please
            poster: media/a.jpg
            captoins: {}
          - id: two
            video: media/b.mp4
            audio: media/b.mp3
            title: {zh: 二, en: Two}
            captions: {zh: media/b.zh.vtt, en: media/b.en.vtt}
            transcript: {zh: media/b.zh.md, en: media/b.en.md}
          - id: three
            audio: media/c.mp3
            poster: media/c.jpg
            title: {zh: 三, en: Three}
            captions: {zh: media/c.zh.vtt, en: media/c.en.vtt}
            transcript: {zh: media/c.zh.md, en: media/c.en.md}
          - id: three
            audio: media/d.mp3
            title: {zh: 四, en: Four}
            captions: {zh: media/d.zh.vtt, en: media/d.en.vtt}
            transcript: {zh: media/d.zh.md, en: media/d.en.md}
          - id: five
            title: {zh: 五, en: Five}
        """
        #expect(messages(text).sorted() == [
            "c/modules/01-lecture.media.yaml:10:15: error: 'download' must be true or false, not 'yes please'",
            "c/modules/01-lecture.media.yaml:12:5: error: unknown key 'captoins' in the item; did you mean 'captions'?",
            "c/modules/01-lecture.media.yaml:15:12: error: an item has one recording: keep 'video' or 'audio', not both",
            "c/modules/01-lecture.media.yaml:21:13: error: 'poster' is for video; an audio item has none",
            "c/modules/01-lecture.media.yaml:25:5: error: item id 'three' is already used on line 19; ids must be unique in the module",
            "c/modules/01-lecture.media.yaml:2:10: error: 'seeking' must be one of free, watched-only, not 'watched'",
            "c/modules/01-lecture.media.yaml:30:5: error: the item is missing the required key 'captions'",
            "c/modules/01-lecture.media.yaml:30:5: error: the item is missing the required key 'transcript'",
            "c/modules/01-lecture.media.yaml:30:5: error: the item needs its recording: 'video: media/<file>' or 'audio: media/<file>'",
            "c/modules/01-lecture.media.yaml:3:1: error: unknown key 'item' in the media file; did you mean 'items'?",
            "c/modules/01-lecture.media.yaml:5:9: error: 'Lecture' is not a valid item id: use lowercase letters a-z, digits and hyphens, starting with a letter or digit",
            "c/modules/01-lecture.media.yaml:6:12: error: 'video' must be a file in the course's media/ folder, written media/<file>, not 'lecture.mp4'",
            "c/modules/01-lecture.media.yaml:7:12: warning: 'title' has no English (en) text",
            "c/modules/01-lecture.media.yaml:8:15: error: 'captions' has no English (en) file: every recording needs captions in each language of the course",
            "c/modules/01-lecture.media.yaml:8:36: error: unknown language 'fr' in 'captions'; use zh and en",
            "c/modules/01-lecture.media.yaml:9:22: error: 'transcript.zh' must be a file in the course's media/ folder, written media/<file>, not 'media/../a.zh.md'",
        ])
    }

    @Test("a file that is not a mapping, an empty file and an empty list of items")
    func shapes() {
        #expect(messages("", fileName: "c/modules/01-a.media.yaml")
            == ["c/modules/01-a.media.yaml:1:1: error: the media file is empty: list the module's recordings under 'items'"])
        #expect(messages("- a\n", fileName: "c/modules/01-a.media.yaml")
            == ["c/modules/01-a.media.yaml:1:1: error: a media file must be a mapping of keys to values, not a list"])
        #expect(messages("items: []\n", fileName: "c/modules/01-a.media.yaml")
            == ["c/modules/01-a.media.yaml:1:8: error: 'items' must list at least one recording"])
        #expect(messages("items: []\n", fileName: "c/modules/a.media.yaml").first
            == "c/modules/a.media.yaml:1:1: error: media file names look like 04-module-id.media.yaml: the number and id of the module's language files")
    }
}
