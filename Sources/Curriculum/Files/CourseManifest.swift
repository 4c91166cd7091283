
/// `course.yaml` as written, with where each reference sits, before it is checked against the other files.
struct CourseManifest: Sendable {
    let fileName: String
    let id: Located<CourseID>?
    let version: Int
    let title: LocalizedText
    let summary: LocalizedText
    let audience: LocalizedText?
    let studyHours: Double
    let modules: [Located<ModuleID>]
    let quizzes: [Located<QuizID>]
    let completionQuiz: Located<QuizID>?

    static let keys = ["id", "version", "title", "summary", "study_hours", "audience", "modules", "quizzes",
                       "completion"]
    static let requiredKeys = ["id", "version", "title", "summary", "study_hours", "modules", "completion"]

    /// Reads `course.yaml`; problems go to the returned diagnostics, and the manifest is nil only when the
    /// file is not a YAML mapping at all.
    static func parse(text: String, fileName: String) -> (CourseManifest?, [Diagnostic]) {
        let sink = DiagnosticSink(file: fileName)
        guard let root = YAMLDocument.compose(text, sink: sink) else {
            if !sink.hasErrors { sink.error("course.yaml is empty", line: 1, column: 1) }
            return (nil, sink.diagnostics)
        }
        let reader = YAMLReader(sink: sink)
        guard let mapping = reader.mapping(root, "course.yaml") else { return (nil, sink.diagnostics) }
        reader.checkKeys(mapping, in: "course.yaml", allowed: keys, required: requiredKeys)

        let id = mapping["id"].flatMap { node in
            reader.identifier(node, "course id").map { Located(value: CourseID($0), location: reader.location(of: node)) }
        }
        let version = mapping["version"].flatMap { reader.integer($0, "version", in: 1...Int.max) } ?? 1
        let title = mapping["title"].flatMap { reader.localized($0, "title") } ?? LocalizedText()
        let summary = mapping["summary"].flatMap { reader.localized($0, "summary") } ?? LocalizedText()
        let audience = mapping["audience"].flatMap { reader.localized($0, "audience") }
        let studyHours = mapping["study_hours"].flatMap {
            reader.number($0, "study_hours", exclusiveMinimum: 0)
        } ?? 0
        let modules = mapping["modules"].flatMap { reader.identifierList($0, "modules", itemName: "module id") } ?? []
        if let node = mapping["modules"], modules.isEmpty, case .sequence(let list) = node, list.isEmpty {
            reader.error("'modules' must list at least one module", at: node)
        }
        let quizzes = mapping["quizzes"].flatMap { reader.identifierList($0, "quizzes", itemName: "quiz id") } ?? []

        var completionQuiz: Located<QuizID>?
        if let node = mapping["completion"], let completion = reader.mapping(node, "completion") {
            reader.checkKeys(completion, in: "completion", allowed: ["modules", "quiz"], required: ["modules"])
            if let modulesNode = completion["modules"] {
                _ = reader.choice(modulesNode, "completion.modules", ["all"])
            }
            if let quizNode = completion["quiz"], let quiz = reader.identifier(quizNode, "quiz id") {
                completionQuiz = Located(value: QuizID(quiz), location: reader.location(of: quizNode))
                if !quizzes.contains(where: { $0.id == quiz }) {
                    reader.error("completion quiz '\(quiz)' is not listed in 'quizzes'", at: quizNode)
                }
            }
        }

        let manifest = CourseManifest(
            fileName: fileName, id: id, version: version, title: title, summary: summary, audience: audience,
            studyHours: studyHours,
            modules: modules.map { Located(value: ModuleID($0.id), location: reader.location(of: $0.node)) },
            quizzes: quizzes.map { Located(value: QuizID($0.id), location: reader.location(of: $0.node)) },
            completionQuiz: completionQuiz)
        return (manifest, sink.diagnostics)
    }
}
