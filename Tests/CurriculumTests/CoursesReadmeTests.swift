import Foundation
import Testing
@testable import Curriculum

/// The examples in `Courses/README.md` are complete files that lint clean, so trainers can copy them.
struct CoursesReadmeTests {
    /// Every fenced block whose info string has `path=...`, by path.
    private func examples() throws -> [String: String] {
        let readme = try String(contentsOf: TestFiles.repository.appendingPathComponent("Courses/README.md"), encoding: .utf8)
        var files: [String: String] = [:]
        var current: (path: String, lines: [String])?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = current {
                if line == "```" {
                    files[open.path] = open.lines.joined(separator: "\n") + "\n"
                    current = nil
                } else {
                    current?.lines.append(String(line))
                }
            } else if line.hasPrefix("```"), let range = line.range(of: "path=") {
                current = (String(line[range.upperBound...]), [])
            }
        }
        return files
    }

    private func write(_ text: String, _ path: String, in directory: URL) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    @Test("the README's example files lint without a single diagnostic")
    func examplesLintClean() throws {
        let files = try examples()
        #expect(Set(files.keys) == [
            "records/course.yaml", "records/modules/01-filing.zh.md", "records/modules/01-filing.en.md",
            "records/quizzes/final-exam.yaml", "records/quizzes/practice-filing.yaml",
            "records/quizzes/practice-bank.yaml", "records/quizzes/bank.gift", "programs/records-competence.yaml",
            "plans/records-2027.yaml", "records/modules/01-filing.media.yaml",
            "records/media/filing-lecture.zh.vtt", "records/media/filing-lecture.en.md",
        ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (path, text) in files { try write(text, path, in: directory) }
        // What the README only describes: the second module, the image, and the programme's other courses.
        for language in ["zh", "en"] {
            let module = try #require(files["records/modules/01-filing.\(language).md"])
                .replacingAll("id: filing", with: "id: retention")
            try write(module, "records/modules/02-retention.\(language).md", in: directory)
        }
        try write("png", "records/media/filing-steps.png", in: directory)
        // The recordings and the caption and transcript files the media example names but does not show.
        let captions = try #require(files["records/media/filing-lecture.zh.vtt"])
        let transcript = try #require(files["records/media/filing-lecture.en.md"])
        for name in ["filing-lecture", "filing-briefing"] {
            for language in ["zh", "en"] {
                try write(captions, "records/media/\(name).\(language).vtt", in: directory)
                try write(transcript, "records/media/\(name).\(language).md", in: directory)
            }
        }
        let media = directory.appendingPathComponent("records/media")
        try Data(MediaFixtures.mp4(timescale: 1000, duration: 9000)).write(to: media.appendingPathComponent("filing-lecture.mp4"))
        try Data(MediaFixtures.mp3(frames: 3, xingFrames: 400)).write(to: media.appendingPathComponent("filing-briefing.mp3"))
        try Data([0xFF, 0xD8, 0xFF, 0xE0]).write(to: media.appendingPathComponent("filing-lecture.jpg"))
        for id in ["records-security", "records-refresher"] {
            let course = """
            id: \(id)
            version: 1
            title: {zh: 课程, en: Course}
            summary: {zh: 概要, en: Summary}
            study_hours: 1
            modules: [only]
            quizzes: [final-exam]
            completion: {modules: all, quiz: final-exam}

            """
            try write(course, "\(id)/course.yaml", in: directory)
            for language in ["zh", "en"] {
                try write("---\nid: only\ntitle: T\nminutes: 1\nhours: 1\nobjectives: [O]\nsummary: S\n---\n",
                          "\(id)/modules/01-only.\(language).md", in: directory)
            }
            let exam = """
            id: final-exam
            title: {zh: 考试, en: Exam}
            mode: exam
            pass_mark: 80
            pools:
              - id: all
                questions:
                  - {id: q, type: truefalse, text: {zh: 对吗, en: True?}, answer: true}

            """
            try write(exam, "\(id)/quizzes/final-exam.yaml", in: directory)
        }
        let report = CatalogueLoader.lint(directory: directory)
        #expect(report.diagnostics.map(\.description) == [])
        let catalogue = try #require(CatalogueLoader.load(directory: directory).catalogue)
        let course = try #require(catalogue.course(CourseID("records-management")))
        let practice = try #require(course.quiz(QuizID("practice-filing")))
        #expect(Set(practice.allQuestions.map(\.kind.name)) == ["single", "multiple", "truefalse", "short", "numeric", "matching"])
        #expect(course.quiz(QuizID("practice-bank"))?.allQuestions.map(\.id) == [QuestionID("bank-closed"), QuestionID("bank-classes")])
        #expect(catalogue.program(ProgramID("records-competence"))?.recertification?.choose == 1)
        let filing = try #require(course.modules.first)
        #expect(filing.media?.watchShare == 0.9)
        #expect(filing.media?.items.map(\.container) == [.mp4, .mp3])
    }
}
