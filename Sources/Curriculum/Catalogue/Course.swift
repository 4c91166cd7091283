/// A course as authored in `Courses/<folder>/`: its settings, modules in study order and quizzes.
public struct Course: Sendable, Hashable, Identifiable {
    /// Stable forever; records refer to it.
    public let id: CourseID
    /// Bumped by the author when the content changes meaningfully.
    public let version: Int
    /// The course's name in both languages.
    public let title: LocalizedText
    /// What the course covers, in a sentence or two.
    public let summary: LocalizedText
    /// Who the course is for, if the author said.
    public let audience: LocalizedText?
    /// Study hours (学时) credited for the whole course.
    public let studyHours: Double
    /// In study order.
    public let modules: [Module]
    /// In the order `course.yaml` lists them.
    public let quizzes: [QuizDefinition]
    /// What "course passed" means.
    public let completion: CompletionRule
    /// The course's folder, relative to the catalogue directory.
    public let folder: String
    /// Files under the course's `media/` folder, relative to it (for example `diagram.png`).
    public let mediaFiles: Set<String>
    /// SHA-256 over the course's settings and the ids and hashes of its modules and quizzes.
    public let contentHash: String
    /// `course.yaml`, relative to the course folder.
    public let source: SourceReference

    /// A course from its parts; the content hash is computed unless given.
    public init(id: CourseID, version: Int, title: LocalizedText, summary: LocalizedText, audience: LocalizedText?,
                studyHours: Double, modules: [Module], quizzes: [QuizDefinition], completion: CompletionRule,
                folder: String, mediaFiles: Set<String>, contentHash: String? = nil,
                source: SourceReference = SourceReference(file: "course.yaml", line: 1)) {
        self.id = id
        self.version = version
        self.title = title
        self.summary = summary
        self.audience = audience
        self.studyHours = studyHours
        self.modules = modules
        self.quizzes = quizzes
        self.completion = completion
        self.folder = folder
        self.mediaFiles = mediaFiles
        self.source = source
        self.contentHash = contentHash ?? ContentHashes.course(
            id: id, version: version, title: title, summary: summary, audience: audience, studyHours: studyHours,
            modules: modules, quizzes: quizzes, completion: completion)
    }

    /// The module with `id`, if the course has it.
    public func module(_ id: ModuleID) -> Module? {
        modules.first { $0.id == id }
    }

    /// The quiz with `id`, if the course has it.
    public func quiz(_ id: QuizID) -> QuizDefinition? {
        quizzes.first { $0.id == id }
    }

    /// The quiz that must be passed to complete the course, if any.
    public var completionQuiz: QuizDefinition? {
        completion.quiz.flatMap(quiz)
    }

    /// The question with `id` and the quiz that holds it (question ids are unique within a course).
    public func question(_ id: QuestionID) -> (quiz: QuizDefinition, question: Question)? {
        for quiz in quizzes {
            for pool in quiz.pools {
                if let question = pool.questions.first(where: { $0.id == id }) {
                    return (quiz, question)
                }
            }
        }
        return nil
    }

    /// The position of `module` in study order (0-based), if the course has it.
    public func index(of module: ModuleID) -> Int? {
        modules.firstIndex { $0.id == module }
    }
}
