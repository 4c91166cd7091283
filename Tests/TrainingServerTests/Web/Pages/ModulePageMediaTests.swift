import Assessment
import Curriculum
import Foundation
import Testing
@testable import TrainingServer

/// The module page of a module with recorded lectures: players, captions, download links, transcripts, the watch
/// rule and the learner's watched share; and the page of a text module unchanged by them.
@Suite struct ModulePageMediaTests {
    let zh = PageContext(language: .zh, user: nil, csrfToken: "token", currentPath: "/x", strings: .shipped)
    let en = PageContext(language: .en, user: nil, csrfToken: "token", currentPath: "/x", strings: .shipped)

    static func transcript(_ body: String) -> MediaTranscript {
        MediaTranscript(body: body, source: SourceReference(file: "media/t.md", line: 1), contentHash: "t-\(body.hashValue)")
    }

    static func video(download: Bool = true, title: LocalizedText = LocalizedText(zh: "讲座：识别钓鱼邮件", en: "Lecture: spotting phishing"),
                      transcriptText: String = "讲座文字稿") -> MediaItem {
        MediaItem(id: "lecture", kind: .video, container: .mp4, file: "lecture.mp4", size: 1_572_864, duration: 125,
                  title: title, poster: "lecture.jpg", captions: [.zh: "lecture.zh.vtt", .en: "lecture.en.vtt"],
                  transcripts: [.zh: transcript(transcriptText), .en: transcript("Lecture transcript")], download: download)
    }

    static func audio(download: Bool = false) -> MediaItem {
        MediaItem(id: "briefing", kind: .audio, container: .mp3, file: "briefing.mp3", size: 48_000, duration: 6,
                  title: LocalizedText(zh: "简报", en: "Briefing"), poster: nil, captions: [.zh: "briefing.zh.vtt"],
                  transcripts: [.zh: transcript("简报文字稿")], download: download)
    }

    static func module(media: ModuleMedia?) -> Module {
        let zh = ModuleText(language: .zh, title: "识别钓鱼邮件", objectives: ["说出三个特征"], summary: "小结", body: "正文\n",
                            bodyLine: 1, source: SourceReference(file: "modules/01-lecture.zh.md", line: 1))
        let en = ModuleText(language: .en, title: "Spotting phishing", objectives: ["Name three signs"], summary: "Summary",
                            body: "Body\n", bodyLine: 1, source: SourceReference(file: "modules/01-lecture.en.md", line: 1))
        return Module(id: ModuleID("lecture"), number: 1, minutes: 3, hours: 0.5, zh: zh, en: en, media: media)
    }

    static func media(_ items: [MediaItem], watch: Double? = 0.9, seeking: ModuleMedia.Seeking = .free) -> ModuleMedia {
        ModuleMedia(items: items, watchShare: watch, seeking: seeking,
                    source: SourceReference(file: "modules/01-lecture.media.yaml", line: 1))
    }

    /// The page as the learner's route renders it, with the transcripts rendered by the catalogue's Markdown cache.
    func page(_ module: Module, context: PageContext, progress: ModuleProgress? = nil, preview: Bool = false,
              watched: [String: MediaWatchState] = [:]) -> String {
        let course = Course(id: CourseID("media-course"), version: 1, title: LocalizedText(both: "Media"),
                            summary: LocalizedText(both: "s"), audience: nil, studyHours: 1, modules: [module], quizzes: [],
                            completion: CompletionRule(quiz: nil), folder: "media-course", mediaFiles: [])
        let cache = MarkdownCache()
        var transcripts: [String: ModulePage.Transcript] = [:]
        for item in module.media?.items ?? [] {
            let language = item.transcripts[context.language] != nil ? context.language : (context.language == .zh ? .en : .zh)
            if let transcript = item.transcripts[language] {
                transcripts[item.id] = ModulePage.Transcript(language: language, html: cache.rendered(
                    markdown: transcript.body, contentHash: transcript.contentHash, mediaURLPrefix: "/media/media-course/").html)
            }
        }
        let text = module.text(in: context.language)!
        let model = ModulePage.Model(course: course, module: module, text: text, bodyHTML: "<p>\(text.body)</p>",
                                     progress: progress, practiceQuiz: nil, isPreview: preview,
                                     transcripts: transcripts, watched: watched)
        return ModulePage.render(model, context: context, stylesheet: "/assets/style.css", script: preview ? nil : "/assets/study.js",
                                 mediaScript: "/assets/media.js").rendered
    }

    @Test func captionsComeOnePerLanguageWithThePagesLanguageOnByDefault() {
        let module = Self.module(media: Self.media([Self.video()]))
        let zhPage = page(module, context: zh)
        #expect(zhPage.contains("<track kind=\"captions\" srclang=\"zh\" label=\"中文\" src=\"/media/media-course/lecture.zh.vtt\" default>"))
        #expect(zhPage.contains("<track kind=\"captions\" srclang=\"en\" label=\"English\" src=\"/media/media-course/lecture.en.vtt\">"))
        let enPage = page(module, context: en)
        #expect(enPage.contains("srclang=\"zh\" label=\"中文\" src=\"/media/media-course/lecture.zh.vtt\">"))
        #expect(enPage.contains("srclang=\"en\" label=\"English\" src=\"/media/media-course/lecture.en.vtt\" default>"))
        #expect(enPage.components(separatedBy: " default>").count == 2, "exactly one default track")
    }

    @Test func thePlayerIsTheBrowsersOwnNamedByItsHeading() {
        let page = page(Self.module(media: Self.media([Self.video(), Self.audio()])), context: zh)
        #expect(page.contains("<h2 id=\"media-lecture-title\">讲座：识别钓鱼邮件</h2>"))
        #expect(page.contains("<video id=\"media-lecture-player\" controls preload=\"metadata\" playsinline "
            + "poster=\"/media/media-course/lecture.jpg\" aria-labelledby=\"media-lecture-title\">"))
        #expect(page.contains("<source src=\"/media/media-course/lecture.mp4\" type=\"video/mp4\">"))
        #expect(page.contains("<audio id=\"media-briefing-player\" controls preload=\"metadata\" aria-labelledby=\"media-briefing-title\">"))
        #expect(page.contains("<source src=\"/media/media-course/briefing.mp3\" type=\"audio/mpeg\">"))
        // Inside the element, for browsers that cannot play it: a link to the file.
        #expect(page.contains("<a href=\"/media/media-course/lecture.mp4\">打开文件：讲座：识别钓鱼邮件</a></p></video>"))
        #expect(page.contains("时长 02:05") && page.contains("时长 00:06"))
        // Before the module's text, in the order of the file.
        let video = page.range(of: "<video")!.lowerBound
        let audio = page.range(of: "<audio")!.lowerBound
        let body = page.range(of: "<div class=\"module-body\">")!.lowerBound
        #expect(video < audio && audio < body)
        #expect(page.contains("<script src=\"/assets/media.js\" defer></script>"))
    }

    @Test func theDownloadLinkIsOfferedOnlyWhereTheItemAllowsIt() {
        let module = Self.module(media: Self.media([Self.video(download: true), Self.audio(download: false)]))
        let zhPage = page(module, context: zh)
        #expect(zhPage.contains("<a href=\"/media/media-course/lecture.mp4?download=1\" download>下载：讲座：识别钓鱼邮件（MP4 视频，1.5 MB）</a>"))
        #expect(!zhPage.contains("briefing.mp3?download=1"))
        let enPage = page(module, context: en)
        #expect(enPage.contains(">Download: Lecture: spotting phishing (MP4 video, 1.5 MB)</a>"))
        let audioOnly = page(Self.module(media: Self.media([Self.audio(download: true)])), context: en)
        #expect(audioOnly.contains("(MP3 audio, 47 KB)</a>"))
        let none = page(Self.module(media: Self.media([Self.video(download: false)])), context: zh)
        #expect(!none.contains("download=1") && !none.contains(" download>"))
    }

    @Test func transcriptsAndTitlesAreEscaped() {
        let item = Self.video(title: LocalizedText(zh: "<img src=x onerror=alert(1)>讲座", en: "Lecture"),
                              transcriptText: "讲稿 <script>alert(1)</script> 与 <b onclick=\"x()\">粗体</b>\n\n**重点**")
        let page = page(Self.module(media: Self.media([item])), context: zh)
        #expect(!page.contains("<script>alert") && !page.contains("<img src=x") && !page.contains("<b onclick"))
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;讲座"))
        #expect(page.contains("<strong>重点</strong>"), "the transcript is rendered Markdown")
        #expect(page.contains("<h3 id=\"media-lecture-transcript\">文字稿：&lt;img src=x onerror=alert(1)&gt;讲座</h3>"))
    }

    @Test func aTranscriptMissingInThePagesLanguageComesInTheOtherMarkedWithItsLanguage() {
        let page = page(Self.module(media: Self.media([Self.audio()])), context: en)
        #expect(page.contains("<section class=\"media-transcript\" aria-labelledby=\"media-briefing-transcript\" lang=\"zh-CN\">"))
        #expect(page.contains("简报文字稿"))
        // The English page still has the Chinese captions, and no default track in a language the item lacks.
        #expect(page.contains("srclang=\"zh\" label=\"中文\" src=\"/media/media-course/briefing.zh.vtt\">"))
    }

    @Test func theWatchRuleAndTheWatchedShareAreShownInWords() {
        let module = Self.module(media: Self.media([Self.video(), Self.audio()], watch: 0.9, seeking: .watchedOnly))
        let watched = ["lecture": MediaWatchState(watchedSeconds: 56.9, duration: 125, frontier: 40)]
        let zhPage = page(module, context: zh, watched: watched)
        #expect(zhPage.contains("<p class=\"media-rule\">观看每个音视频的 90% 即完成本单元；不能跳过未观看的部分。</p>"))
        #expect(zhPage.contains("<p class=\"media-status\" id=\"media-lecture-status\" role=\"status\">已观看 45%（需 90%）</p>"))
        #expect(zhPage.contains("<p class=\"media-status\" id=\"media-briefing-status\" role=\"status\">已观看 0%（需 90%）</p>"))
        #expect(zhPage.contains("data-media=\"lecture\" data-watch-url=\"/courses/media-course/modules/lecture/watch\" "
            + "data-duration=\"125.0\" data-frontier=\"40.0\" data-seeking=\"watched-only\""))
        #expect(zhPage.contains("data-seek-message=\"不能跳过未观看的部分，已回到 {time}。\""))
        // The page-time beats give way to the player's reports.
        #expect(zhPage.contains("data-completed=\"0\" data-watch=\"1\">"))
        let enPage = page(Self.module(media: Self.media([Self.video()], watch: 0.8)), context: en)
        #expect(enPage.contains("<p class=\"media-rule\">Watch 80% of each video to complete this module.</p>"))
        #expect(enPage.contains(">Watched 0% (needs 80%)</p>"))
        #expect(!enPage.contains("data-seeking"))
    }

    @Test func withoutAWatchRuleThePageTimeRuleStaysAndNoRuleIsShown() {
        let page = page(Self.module(media: Self.media([Self.video()], watch: nil)), context: zh)
        #expect(!page.contains("data-watch=\"1\"") && !page.contains("media-rule"))
        #expect(page.contains(">已观看 0%</p>"))
        let seekingOnly = self.page(Self.module(media: Self.media([Self.video()], watch: nil, seeking: .watchedOnly)), context: en)
        #expect(seekingOnly.contains("<p class=\"media-rule\">You cannot skip ahead past parts you have not watched.</p>"))
    }

    @Test func aTrainersPreviewPlaysFreelyAndReportsNothing() {
        let module = Self.module(media: Self.media([Self.video()], seeking: .watchedOnly))
        let page = page(module, context: zh, preview: true)
        #expect(page.contains("<video") && page.contains("文字稿："))
        #expect(!page.contains("data-media=") && !page.contains("media.js") && !page.contains("data-seeking"))
    }

    @Test func aTextModulesPageIsUnchangedByMedia() {
        let text = Self.module(media: nil)
        let textPage = page(text, context: zh)
        #expect(!textPage.contains("class=\"media") && !textPage.contains("media.js") && !textPage.contains("data-watch"))
        // A module with recordings but no watch rule is the text module's page plus the recordings' block and
        // the script: everything else byte for byte the same.
        let withMedia = page(Self.module(media: Self.media([Self.video()], watch: nil)), context: zh)
        let start = withMedia.range(of: "<div class=\"media\">\n")!.lowerBound
        let end = withMedia.range(of: "</div>\n<div class=\"module-body\">")!.lowerBound
        var stripped = withMedia
        stripped.removeSubrange(start..<withMedia.index(end, offsetBy: "</div>\n".count))
        stripped = stripped.replacingOccurrences(of: "<script src=\"/assets/media.js\" defer></script>", with: "")
        #expect(stripped == textPage)
    }

    @Test func runningTimesAndSizesReadAsPeopleExpect() {
        #expect(ModulePage.runningTime(0) == "00:00")
        #expect(ModulePage.runningTime(5.6) == "00:06")
        #expect(ModulePage.runningTime(599) == "09:59")
        #expect(ModulePage.runningTime(3725) == "1:02:05")
        #expect(ModulePage.fileSize(100, context: zh) == "1 KB")
        #expect(ModulePage.fileSize(48_000, context: en) == "47 KB")
        #expect(ModulePage.fileSize(52_428_800, context: en) == "50 MB")
        #expect(ModulePage.fileSize(3 * 1024 * 1024 * 1024 / 2, context: zh) == "1.5 GB")
        let item = Self.video()
        #expect(ModulePage.watchedPercent(MediaWatchState(watchedSeconds: 112.4, duration: item.duration, frontier: 0)) == 89)
        #expect(ModulePage.watchedPercent(MediaWatchState(watchedSeconds: 500, duration: item.duration, frontier: 0)) == 100)
        #expect(ModulePage.watchedPercent(nil) == 0)
    }
}
