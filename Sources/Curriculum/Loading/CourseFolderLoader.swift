import Foundation

/// Loads one course folder: reads every file, checks the files against each other, and builds the `Course`
/// when nothing is wrong.
struct CourseFolderLoader {
    struct Outcome: Sendable {
        let folder: String
        let manifest: CourseManifest?
        let course: Course?
        let diagnostics: [Diagnostic]
        let filesChecked: Int
    }

    let directory: CourseDirectory
    let folder: String
    let options: CatalogueLoader.Options
    private var diagnostics: [Diagnostic] = []
    private var filesChecked = 0

    init(directory: CourseDirectory, folder: String, options: CatalogueLoader.Options = .init()) {
        self.directory = directory
        self.folder = folder
        self.options = options
    }

    private func path(_ relative: String) -> String { folder + "/" + relative }

    private mutating func readText(_ relative: String) -> String? {
        filesChecked += 1
        switch directory.text(path(relative)) {
        case .success(let text): return text
        case .failure(let problem): diagnostics.append(problem.diagnostic); return nil
        }
    }

    mutating func load() -> Outcome {
        var manifest: CourseManifest?
        if let text = readText("course.yaml") {
            let (parsed, found) = CourseManifest.parse(text: text, fileName: path("course.yaml"))
            manifest = parsed
            diagnostics.append(contentsOf: found)
        }
        checkFolderEntries()
        let mediaFiles = Set(directory.filesRecursively(path("media")))
        let (moduleFiles, moduleMediaFiles) = readModuleFiles()
        let (quizFiles, quizNames, unusedGIFT) = readQuizFiles()

        var modules: [Module] = []
        var quizzes: [QuizDefinition] = []
        if let manifest {
            modules = assembleModules(manifest: manifest, files: moduleFiles, media: moduleMediaFiles,
                                      mediaFiles: mediaFiles)
            quizzes = assembleQuizzes(manifest: manifest, files: quizFiles, present: quizNames)
        }
        checkMedia(moduleFiles, mediaFiles: mediaFiles)
        checkQuestionIDs(manifest: manifest, quizFiles: quizFiles)
        if let manifest { checkModuleTags(manifest: manifest, quizFiles: quizFiles) }
        for name in unusedGIFT {
            diagnostics.append(.warning("this GIFT file is not used by any quiz pool (add a pool with 'gift: \(name)')",
                                        file: path("quizzes/" + name)))
        }

        var course: Course?
        if let manifest, let id = manifest.id, !diagnostics.contains(where: \.isError) {
            course = Course(
                id: id.value, version: manifest.version, title: manifest.title, summary: manifest.summary,
                audience: manifest.audience, studyHours: manifest.studyHours, modules: modules, quizzes: quizzes,
                completion: CompletionRule(quiz: manifest.completionQuiz?.value), folder: folder,
                mediaFiles: mediaFiles)
        }
        return Outcome(folder: folder, manifest: manifest, course: course, diagnostics: diagnostics,
                       filesChecked: filesChecked)
    }

    // MARK: Files

    private mutating func checkFolderEntries() {
        let known: Set<String> = ["course.yaml", "modules", "quizzes", "media", "README.md"]
        for entry in directory.entries(folder) ?? [] where !known.contains(entry.name) {
            var message = "'\(entry.name)' is not part of the course format and is ignored"
            if let suggestion = KeySuggestion.closest(to: entry.name, among: Array(known)) {
                message += "; did you mean '\(suggestion)'?"
            }
            diagnostics.append(.warning(message, file: path(entry.name)))
        }
    }

    private mutating func readModuleFiles() -> (files: [ModuleFile], media: [ModuleMediaFile]) {
        var files: [ModuleFile] = []
        var media: [ModuleMediaFile] = []
        for entry in directory.entries(path("modules")) ?? [] {
            let relative = "modules/" + entry.name
            if !entry.isDirectory, ModuleMediaFile.isMediaFileName(entry.name) {
                guard let text = readText(relative) else { continue }
                let (file, found) = ModuleMediaFile.parse(text: text, fileName: path(relative))
                diagnostics.append(contentsOf: found)
                if let file { media.append(file) }
                continue
            }
            guard !entry.isDirectory, entry.name.hasSuffix(".md") else {
                diagnostics.append(.warning("only module files such as 01-module-id.zh.md (and "
                                            + "01-module-id.media.yaml) belong in modules/; this is ignored",
                                            file: path(relative)))
                continue
            }
            guard let text = readText(relative) else { continue }
            let (file, found) = ModuleFile.parse(text: text, fileName: path(relative))
            diagnostics.append(contentsOf: found)
            if let file { files.append(file) }
        }
        return (files, media)
    }

    private mutating func readQuizFiles() -> (files: [QuizFile], names: Set<String>, unusedGIFT: [String]) {
        var yamlNames: [String] = []
        var giftNames: Set<String> = []
        for entry in directory.entries(path("quizzes")) ?? [] {
            if !entry.isDirectory && entry.name.hasSuffix(".yaml") {
                yamlNames.append(entry.name)
            } else if !entry.isDirectory && entry.name.hasSuffix(".gift") {
                giftNames.insert(entry.name)
            } else {
                var message = "only quiz files (<quiz-id>.yaml) and GIFT files (.gift) belong in quizzes/; this is ignored"
                if entry.name.hasSuffix(".yml") { message = "quiz files end in .yaml, not .yml; this file is ignored" }
                diagnostics.append(.warning(message, file: path("quizzes/" + entry.name)))
            }
        }

        var imports: [String: GIFTImport] = [:]
        var reported: Set<String> = []
        var used: Set<String> = []
        var files: [QuizFile] = []
        for name in yamlNames {
            guard let text = readText("quizzes/" + name) else { continue }
            let (file, found) = QuizFile.parse(text: text, fileName: path("quizzes/" + name)) { giftName, language in
                guard giftNames.contains(giftName) else { return nil }
                used.insert(giftName)
                let key = giftName + "|" + language.rawValue
                let result: GIFTImport
                if let cached = imports[key] {
                    result = cached
                } else {
                    let relative = path("quizzes/" + giftName)
                    switch directory.bytes(relative) {
                    case .success(let bytes):
                        result = GIFTParser.parse(bytes: bytes, fileName: relative, language: language)
                    case .failure(let problem):
                        result = GIFTImport(categories: [], diagnostics: [problem.diagnostic])
                    }
                    imports[key] = result
                }
                // A GIFT file used by several pools is reported once.
                guard reported.insert(giftName).inserted else {
                    return GIFTImport(categories: result.categories, diagnostics: [])
                }
                return result
            }
            diagnostics.append(contentsOf: found)
            if let file { files.append(file) }
        }
        filesChecked += used.count
        let names = Set(yamlNames.map { $0.fileStem })
        return (files, names, giftNames.subtracting(used).sorted())
    }

    // MARK: Cross-file checks

    private mutating func assembleModules(manifest: CourseManifest, files: [ModuleFile], media: [ModuleMediaFile],
                                          mediaFiles: Set<String>) -> [Module] {
        var byID: [ModuleID: (zh: ModuleFile?, en: ModuleFile?)] = [:]
        for file in files {
            guard let id = file.fileID, let language = file.language else { continue }
            var entry = byID[id] ?? (nil, nil)
            let existing = language == .zh ? entry.zh : entry.en
            if let existing {
                diagnostics.append(.error("a second \(language.rawValue) file for module '\(id)'; the first is "
                                          + existing.fileName.lastPathPart, file: file.fileName))
                continue
            }
            if language == .zh { entry.zh = file } else { entry.en = file }
            byID[id] = entry
        }
        let listed = Set(manifest.modules.map(\.value))
        for (id, entry) in byID where !listed.contains(id) {
            for file in [entry.zh, entry.en].compactMap({ $0 }) {
                diagnostics.append(.warning("module '\(id)' is not listed in course.yaml 'modules', so learners "
                                            + "will not see it", file: file.fileName))
            }
        }

        let mediaByModule = matchMedia(media, modules: byID)

        var modules: [Module] = []
        for reference in manifest.modules {
            let entry = byID[reference.value] ?? (nil, nil)
            switch (entry.zh, entry.en) {
            case (nil, nil):
                diagnostics.append(reference.location.error(
                    "module '\(reference.value)' has no files: add modules/NN-\(reference.value).zh.md and "
                    + "modules/NN-\(reference.value).en.md"))
            case (let zh?, nil):
                diagnostics.append(.error("module '\(reference.value)' has no English file: add "
                                          + siblingName(zh, language: .en), file: zh.fileName))
            case (nil, let en?):
                diagnostics.append(.error("module '\(reference.value)' has no Chinese file: add "
                                          + siblingName(en, language: .zh), file: en.fileName))
            case (let zh?, let en?):
                compare(zh, en)
                let recordings = mediaByModule[reference.value].flatMap { moduleMedia($0, mediaFiles: mediaFiles) }
                if let module = module(reference.value, zh: zh, en: en, media: recordings) { modules.append(module) }
            }
        }
        return modules
    }

    private func siblingName(_ file: ModuleFile, language: Language) -> String {
        let name = file.fileName.lastPathPart
        return "modules/" + name.dropLast(".xx.md".count) + "." + language.rawValue + ".md"
    }

    /// Timing and numbering must agree between the two language files.
    private mutating func compare(_ zh: ModuleFile, _ en: ModuleFile) {
        let zhName = zh.fileName.lastPathPart
        if let a = zh.minutes, let b = en.minutes, a.value != b.value {
            diagnostics.append(b.location.error("'minutes' is \(b.value) here but \(a.value) in \(zhName); "
                                                + "both languages must agree"))
        }
        if let a = zh.hours, let b = en.hours, a.value != b.value {
            diagnostics.append(b.location.error("'hours' is \(NumberFormatting.plain(b.value)) here but "
                                                + "\(NumberFormatting.plain(a.value)) in \(zhName); both languages must agree"))
        }
        if let a = zh.number, let b = en.number, a != b {
            diagnostics.append(.warning("this file is numbered \(b) but \(zhName) is numbered \(a)", file: en.fileName))
        }
    }

    private func module(_ id: ModuleID, zh: ModuleFile, en: ModuleFile, media: ModuleMedia?) -> Module? {
        guard let minutes = zh.minutes?.value, let hours = zh.hours?.value else { return nil }
        func text(_ file: ModuleFile, _ language: Language) -> ModuleText {
            ModuleText(language: language, title: file.title, objectives: file.objectives, summary: file.summary,
                       body: file.body, bodyLine: file.bodyLine,
                       source: SourceReference(file: "modules/" + file.fileName.lastPathPart, line: 1))
        }
        return Module(id: id, number: zh.number ?? en.number ?? 0, minutes: minutes, hours: hours,
                      zh: text(zh, .zh), en: text(en, .en), media: media)
    }

    private mutating func assembleQuizzes(manifest: CourseManifest, files: [QuizFile],
                                          present: Set<String>) -> [QuizDefinition] {
        var byName: [String: QuizFile] = [:]
        for file in files {
            byName[file.fileName.fileStem] = file
        }
        let listed = Set(manifest.quizzes.map(\.value.rawValue))
        for file in files {
            let stem = file.fileName.fileStem
            if !listed.contains(stem) {
                diagnostics.append(.warning("quiz '\(stem)' is not listed in course.yaml 'quizzes', so learners "
                                            + "will not see it", file: file.fileName))
            }
        }
        var quizzes: [QuizDefinition] = []
        for reference in manifest.quizzes {
            guard let file = byName[reference.value.rawValue] else {
                if !present.contains(reference.value.rawValue) {
                    diagnostics.append(reference.location.error("quiz '\(reference.value)' has no file quizzes/\(reference.value).yaml"))
                }
                continue
            }
            if let definition = file.definition { quizzes.append(relativeToCourse(definition)) }
        }
        return quizzes
    }

    /// Source references relative to the course folder, as `SourceReference` promises.
    private func relativeToCourse(_ quiz: QuizDefinition) -> QuizDefinition {
        let prefix = folder + "/"
        func strip(_ source: SourceReference?) -> SourceReference? {
            guard var source else { return nil }
            if source.file.hasPrefix(prefix) { source.file.removeFirst(prefix.count) }
            return source
        }
        var quiz = quiz
        quiz.source = strip(quiz.source)
        quiz.pools = quiz.pools.map { pool in
            var pool = pool
            pool.questions = pool.questions.map { question in
                var question = question
                question.source = strip(question.source)
                return question
            }
            return pool
        }
        return quiz
    }

    private mutating func checkMedia(_ files: [ModuleFile], mediaFiles: Set<String>) {
        for file in files {
            for image in file.media where !mediaFiles.contains(image.value)
                && !mediaFiles.contains(image.value.removingPercentEncoding ?? image.value) {
                diagnostics.append(image.location.error("image 'media/\(image.value)' not found: add the file to "
                                                        + "\(folder)/media/"))
            }
        }
    }

    private mutating func checkQuestionIDs(manifest: CourseManifest?, quizFiles: [QuizFile]) {
        var order = quizFiles
        if let manifest {
            let rank = Dictionary(manifest.quizzes.enumerated().map { ($1.value.rawValue, $0) },
                                  uniquingKeysWith: { first, _ in first })
            order.sort { a, b in
                let ra = rank[a.fileName.fileStem] ?? Int.max
                let rb = rank[b.fileName.fileStem] ?? Int.max
                return ra == rb ? a.fileName < b.fileName : ra < rb
            }
        }
        var first: [QuestionID: SourceLocation] = [:]
        for file in order {
            for question in file.questions {
                if let earlier = first[question.value] {
                    let shown = earlier.file.hasPrefix(folder + "/") ? String(earlier.file.dropFirst(folder.count + 1)) : earlier.file
                    diagnostics.append(question.location.error(
                        "question id '\(question.value)' is already used at \(shown):\(earlier.line); question ids "
                        + "must be unique within the course"))
                } else {
                    first[question.value] = question.location
                }
            }
        }
    }

    private mutating func checkModuleTags(manifest: CourseManifest, quizFiles: [QuizFile]) {
        let modules = Set(manifest.modules.map(\.value.rawValue))
        for file in quizFiles {
            for tag in file.moduleTags where !modules.contains(tag.value) {
                diagnostics.append(tag.location.warning("the tag 'module:\(tag.value)' names no module of this course"))
            }
        }
    }

    // MARK: Recorded lectures

    /// Each `.media.yaml` file matched to the module whose language files have the same number and id.
    private mutating func matchMedia(_ media: [ModuleMediaFile],
                                     modules: [ModuleID: (zh: ModuleFile?, en: ModuleFile?)]) -> [ModuleID: ModuleMediaFile] {
        var result: [ModuleID: ModuleMediaFile] = [:]
        for file in media {
            guard let id = file.fileID, let number = file.number else { continue }
            let name = file.fileName.lastPathPart
            guard let entry = modules[id], let text = entry.zh ?? entry.en else {
                diagnostics.append(.error("\(name) belongs to no module: there is no modules/NN-\(id).zh.md or "
                                          + ".en.md; name it after the module's files", file: file.fileName))
                continue
            }
            if let textNumber = text.number, textNumber != number {
                diagnostics.append(.error("\(name) is numbered \(number) but the files of module '\(id)' are numbered "
                                          + "\(textNumber); rename it " + text.fileName.lastPathPart
                                            .replacingOccurrences(of: ".\(text.language?.rawValue ?? "zh").md",
                                                                  with: ".media.yaml"),
                                          file: file.fileName))
                continue
            }
            result[id] = file
        }
        return result
    }

    /// The module's recordings with their files checked: each recording exists and is what its key says (by its
    /// header), its captions exist and parse as WebVTT within its running time, and its transcripts are safe
    /// Markdown. Nil when anything is wrong (the errors are reported).
    private mutating func moduleMedia(_ file: ModuleMediaFile, mediaFiles: Set<String>) -> ModuleMedia? {
        let errorsBefore = diagnostics.filter(\.isError).count
        var items: [MediaItem] = []
        for item in file.items {
            let found = probeRecording(item, mediaFiles: mediaFiles)
            if let poster = item.poster { checkPoster(poster, mediaFiles: mediaFiles) }
            for language in Language.allCases {
                guard let captions = item.captions[language] else { continue }
                checkCaptions(captions, duration: found?.probe.duration, mediaFiles: mediaFiles)
            }
            var transcripts: [Language: MediaTranscript] = [:]
            for language in Language.allCases {
                guard let transcript = item.transcripts[language] else { continue }
                if let read = readTranscript(transcript, mediaFiles: mediaFiles) { transcripts[language] = read }
            }
            guard let found else { continue }
            items.append(MediaItem(
                id: item.id.value, kind: item.kind, container: found.probe.container, file: item.file.value,
                size: found.size, duration: found.probe.duration, title: item.title, poster: item.poster?.value,
                captions: item.captions.mapValues(\.value), transcripts: transcripts, download: item.download))
        }
        guard diagnostics.filter(\.isError).count == errorsBefore else { return nil }
        return ModuleMedia(items: items, watchShare: file.watchShare, seeking: file.seeking,
                           source: SourceReference(file: "modules/" + file.fileName.lastPathPart, line: 1))
    }

    /// The recording's header and size, after checking that it exists, is one of the allowed containers and
    /// matches its key; nil when it does not (the error is reported).
    private mutating func probeRecording(_ item: ModuleMediaFile.Item,
                                         mediaFiles: Set<String>) -> (probe: MediaProbe, size: Int64)? {
        filesChecked += 1
        let recording = "media/" + item.file.value
        guard mediaFiles.contains(item.file.value) else {
            diagnostics.append(item.file.location.error("recording '\(recording)' not found: add the file to "
                                                        + "\(folder)/media/"))
            return nil
        }
        guard let opened = MediaFile(path: directory.url(path(recording)).path) else {
            diagnostics.append(.error("cannot read the file", file: path(recording)))
            return nil
        }
        let probe: MediaProbe
        switch MediaProbe.probe(opened) {
        case .failure(let failure):
            diagnostics.append(item.file.location.error("'\(recording)' \(failure.message)"))
            return nil
        case .success(let found):
            probe = found
        }
        if let problem = kindProblem(item.kind, probe) {
            diagnostics.append(item.file.location.error("'\(recording)' \(problem)"))
            return nil
        }
        if opened.size > options.mediaWarnSize {
            diagnostics.append(item.file.location.warning(
                "'\(recording)' is \(Self.byteCount(opened.size)), more than the \(Self.byteCount(options.mediaWarnSize)) "
                + "lint warns about: learners on slow connections wait long; re-encode it at a lower bit rate "
                + "or split it into shorter recordings"))
        }
        return (probe, opened.size)
    }

    /// A poster exists and is a JPEG, PNG or WebP image (by its first bytes).
    private mutating func checkPoster(_ poster: Located<String>, mediaFiles: Set<String>) {
        guard mediaFiles.contains(poster.value) else {
            diagnostics.append(poster.location.error("poster 'media/\(poster.value)' not found: add the file to "
                                                     + "\(folder)/media/"))
            return
        }
        let head = MediaFile(path: directory.url(path("media/" + poster.value)).path)?.read(at: 0, count: 12) ?? []
        let jpeg = head.starts(with: [0xFF, 0xD8, 0xFF])
        let png = head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let webp = head.count == 12 && head.starts(with: Array("RIFF".utf8)) && Array(head[8..<12]) == Array("WEBP".utf8)
        if !(jpeg || png || webp) {
            diagnostics.append(poster.location.error("poster 'media/\(poster.value)' is not a JPEG, PNG or WebP image"))
        }
    }

    /// Why a probed file does not fit the key that names it (`video:` or `audio:`), or nil.
    private func kindProblem(_ kind: MediaItem.Kind, _ probe: MediaProbe) -> String? {
        switch (kind, probe.container) {
        case (.video, .mp4), (.video, .webm):
            return probe.hasVideo ? nil : "has no video track (it is audio only): list it as 'audio:' in an MP3 or "
                + "M4A file, or add the picture"
        case (.video, .m4a):
            return "has no video track (it is an M4A audio file): list it as 'audio:'"
        case (.video, .mp3):
            return "is an MP3 audio file, not a video: list it as 'audio:'"
        case (.audio, .mp3), (.audio, .m4a):
            return nil
        case (.audio, .mp4):
            return "is a video (it has a video track): list it as 'video:', or keep only its sound as M4A "
                + "(ffmpeg -i in.mp4 -vn -c:a copy out.m4a)"
        case (.audio, .webm):
            return "is a WebM file; audio recordings are MP3 or M4A: convert it "
                + "(ffmpeg -i in.webm -vn -c:a aac out.m4a)" + (probe.hasVideo ? ", or list it as 'video:'" : "")
        }
    }

    /// `250.3 MB`, `1.5 GB`, `12 KB`, `900 bytes` (1024-based, as `--media-warn-size` reads them).
    static func byteCount(_ bytes: Int64) -> String {
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024)]
        for (name, size) in units where Double(bytes) >= size {
            return NumberFormatting.plain((Double(bytes) / size * 10).rounded() / 10) + " " + name
        }
        return "\(bytes) bytes"
    }

    /// A caption file: it exists, parses as WebVTT (each problem at its line) and ends within the recording.
    private mutating func checkCaptions(_ captions: Located<String>, duration: Double?, mediaFiles: Set<String>) {
        let relative = "media/" + captions.value
        guard mediaFiles.contains(captions.value) else {
            diagnostics.append(captions.location.error("caption file '\(relative)' not found: add the file to "
                                                       + "\(folder)/media/"))
            return
        }
        guard let text = readText(relative) else { return }
        let parsed = WebVTT(parsing: text)
        for problem in parsed.problems {
            diagnostics.append(Diagnostic(severity: problem.severity, file: path(relative), line: problem.line,
                                          column: problem.column, message: problem.message))
        }
        for cue in parsed.cues where duration.map({ cue.end > $0 + 1 }) ?? false {
            diagnostics.append(.warning("this cue ends at \(WebVTT.format(cue.end)), after the recording ends "
                                        + "(\(WebVTT.format(duration ?? 0)))", file: path(relative), line: cue.line))
        }
        if !parsed.hasErrors, parsed.cues.isEmpty {
            diagnostics.append(.warning("the caption file has no cues", file: path(relative)))
        }
    }

    /// A transcript: UTF-8 Markdown, checked like a module's text.
    private mutating func readTranscript(_ transcript: Located<String>, mediaFiles: Set<String>) -> MediaTranscript? {
        let relative = "media/" + transcript.value
        guard mediaFiles.contains(transcript.value) else {
            diagnostics.append(transcript.location.error("transcript '\(relative)' not found: add the file to "
                                                         + "\(folder)/media/"))
            return nil
        }
        guard let body = readText(relative) else { return nil }
        let inspection = MarkdownRenderer.inspect(body)
        for issue in inspection.issues {
            diagnostics.append(Diagnostic(severity: issue.severity, file: path(relative), line: issue.line,
                                          column: issue.column, message: issue.message))
        }
        for image in inspection.media where !mediaFiles.contains(image.path)
            && !mediaFiles.contains(image.path.removingPercentEncoding ?? image.path) {
            diagnostics.append(.error("image 'media/\(image.path)' not found: add the file to \(folder)/media/",
                                      file: path(relative), line: image.line, column: image.column))
        }
        if body.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            diagnostics.append(.error("the transcript is empty", file: path(relative)))
        }
        var hasher = ContentHasher(kind: "media-transcript")
        hasher.add(body)
        return MediaTranscript(body: body, source: SourceReference(file: relative, line: 1),
                               contentHash: hasher.hexDigest())
    }
}
