import Foundation

/// Writes a large, valid catalogue of generated courses, for benchmarks and load tests.
///
/// Each course has `modules` modules in both languages (about 3 KB of Markdown each, with headings, a
/// table, lists, links and a media image), a practice quiz with one question per module (the six kinds in
/// turn), a final exam with one question per module of which it draws half, and the catalogue gets one
/// programme naming every course.
public enum SyntheticCatalogue {
    /// Writes `courses` courses of `modules` modules each into `directory` (created if needed) and returns
    /// the number of files written.
    @discardableResult
    public static func write(to directory: URL, courses: Int, modules: Int) throws -> Int {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        var written = 0
        func put(_ text: String, _ path: String) throws {
            let url = directory.appendingPathComponent(path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            written += 1
        }
        let courseIDs = (1...max(1, courses)).map { String(format: "course-%03d", $0) }
        for courseID in courseIDs {
            let moduleIDs = (1...max(1, modules)).map { String(format: "topic-%02d", $0) }
            try put(courseYAML(courseID, moduleIDs), "\(courseID)/course.yaml")
            try Data([0x89, 0x50, 0x4E, 0x47]).write(to: {
                let url = directory.appendingPathComponent("\(courseID)/media/diagram.png")
                try? fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                return url
            }())
            for (index, moduleID) in moduleIDs.enumerated() {
                let number = String(format: "%02d", index + 1)
                try put(moduleMarkdown(moduleID, number: index + 1, language: .zh),
                        "\(courseID)/modules/\(number)-\(moduleID).zh.md")
                try put(moduleMarkdown(moduleID, number: index + 1, language: .en),
                        "\(courseID)/modules/\(number)-\(moduleID).en.md")
            }
            try put(practiceQuiz(moduleIDs), "\(courseID)/quizzes/practice.yaml")
            try put(finalExam(moduleIDs), "\(courseID)/quizzes/final-exam.yaml")
        }
        try put(programYAML(courseIDs), "programs/synthetic-programme.yaml")
        return written
    }

    private static func courseYAML(_ id: String, _ modules: [String]) -> String {
        """
        id: \(id)
        version: 1
        title: {zh: "合成课程 \(id)", en: "Synthetic course \(id)"}
        summary: {zh: "用于性能测试的合成课程。", en: "A generated course for performance tests."}
        study_hours: \(modules.count)
        modules: [\(modules.joined(separator: ", "))]
        quizzes: [practice, final-exam]
        completion:
          modules: all
          quiz: final-exam

        """
    }

    private static func moduleMarkdown(_ id: String, number: Int, language: Language) -> String {
        let zh = language == .zh
        var body = """
        ---
        id: \(id)
        title: "\(zh ? "第\(number)单元：政务信息处理" : "Unit \(number): handling government information")"
        minutes: 30
        hours: 1
        objectives:
          - \(zh ? "说明本单元的三个要点" : "Explain the three key points of this unit")
          - \(zh ? "在工作中正确应用规则" : "Apply the rules correctly at work")
        summary: \(zh ? "本单元介绍政务信息处理的基本规则。" : "This unit introduces the basic rules for government information.")
        ---

        """
        for section in 1...4 {
            body += zh ? "## 第\(section)节：要点\n\n" : "## Section \(section): key points\n\n"
            body += String(repeating: zh
                ? "政务工作人员处理信息时要依法、安全、便民，记录来源并核对版本。**重要**：不确定时先请示。\n"
                : "Staff handle information lawfully, securely and for the public's convenience, and record its source. **Important**: ask when unsure.\n",
                count: 3) + "\n"
            body += "- \(zh ? "第一点" : "First point")\n- \(zh ? "第二点" : "Second point")\n- ~~\(zh ? "过时的做法" : "An outdated practice")~~\n\n"
        }
        body += "| \(zh ? "项目" : "Item") | \(zh ? "要求" : "Rule") |\n| --- | --- |\n"
        for row in 1...5 { body += "| \(row) | \(zh ? "按规定办理" : "Follow the rule") \(row) |\n" }
        body += "\n![\(zh ? "示意图" : "Diagram")](media/diagram.png)\n\n"
        body += zh ? "## 情景案例：窗口受理\n\n" : "## Scenario: the service counter\n\n"
        body += zh ? "一位群众来到窗口……详见 https://www.gov.cn 。\n" : "A citizen comes to the counter... See https://www.gov.cn.\n"
        return body
    }

    private static func practiceQuiz(_ modules: [String]) -> String {
        var yaml = """
        id: practice
        title: {zh: 练习, en: Practice}
        mode: practice
        pass_mark: 60
        pools:
          - id: all
            questions:

        """
        for (index, module) in modules.enumerated() {
            yaml += practiceQuestion(module, kind: index % 6)
        }
        return yaml
    }

    /// One question of module `module`, of the kind `kind` (0-5: single, multiple, true/false, short, numeric,
    /// matching), so every kind appears in every course.
    private static func practiceQuestion(_ module: String, kind: Int) -> String {
        switch kind {
        case 0:
            return """
                  - id: \(module)-single
                    type: single
                    text: {zh: "哪一项正确？", en: "Which is right?"}
                    options:
                      - {text: {zh: 甲, en: A}, correct: true, feedback: {zh: 对, en: Right}}
                      - {text: {zh: 乙, en: B}}
                      - {text: {zh: 丙, en: C}}
                    explanation: {zh: "见本单元。", en: "See this unit."}
                    tags: [module:\(module)]

            """
        case 1:
            return """
                  - id: \(module)-multiple
                    type: multiple
                    text: {zh: "哪些正确？", en: "Which are right?"}
                    options:
                      - {text: {zh: 甲, en: A}, weight: 50}
                      - {text: {zh: 乙, en: B}, weight: 50}
                      - {text: {zh: 丙, en: C}, weight: -50}
                    tags: [module:\(module)]

            """
        case 2:
            return """
                  - id: \(module)-tf
                    type: truefalse
                    text: {zh: "这是对的。", en: "This is true."}
                    answer: true
                    tags: [module:\(module)]

            """
        case 3:
            return """
                  - id: \(module)-short
                    type: short
                    text: {zh: "法律名称？", en: "Name of the law?"}
                    answers:
                      - {text: 网络安全法}
                      - {text: Cybersecurity Law}
                    tags: [module:\(module)]

            """
        case 4:
            return """
                  - id: \(module)-numeric
                    type: numeric
                    text: {zh: "几天？", en: "How many days?"}
                    answers:
                      - {value: 20, tolerance: 0}
                      - {min: 15, max: 15, weight: 0, feedback: {zh: 旧规定, en: Old rule}}
                    tags: [module:\(module)]

            """
        default:
            return """
                  - id: \(module)-matching
                    type: matching
                    text: {zh: "配对。", en: "Match."}
                    pairs:
                      - {prompt: {zh: 一, en: One}, answer: {zh: 1, en: "1"}}
                      - {prompt: {zh: 二, en: Two}, answer: {zh: 2, en: "2"}}
                    tags: [module:\(module)]

            """
        }
    }

    private static func finalExam(_ modules: [String]) -> String {
        var yaml = """
        id: final-exam
        title: {zh: 结业考试, en: Final exam}
        mode: exam
        pass_mark: 80
        time_limit_minutes: 30
        max_attempts: 3
        pools:
          - id: core
            draw: \(max(1, modules.count / 2))
            questions:

        """
        for module in modules {
            yaml += """
                  - id: \(module)-exam
                    type: single
                    text: {zh: "考试题：哪一项正确？", en: "Exam: which is right?"}
                    options:
                      - {text: {zh: 甲, en: A}, correct: true}
                      - {text: {zh: 乙, en: B}}
                    explanation: {zh: "见本单元。", en: "See this unit."}

            """
        }
        return yaml
    }

    private static func programYAML(_ courses: [String]) -> String {
        """
        id: synthetic-programme
        title: {zh: 合成认证, en: Synthetic programme}
        summary: {zh: 性能测试用。, en: For performance tests.}
        courses: [\(courses.joined(separator: ", "))]
        validity_days: 730
        renewal_window_days: 90
        expiry_base: previous_expiry

        """
    }
}
