import Testing
@testable import Curriculum

struct CourseManifestTests {
    static let valid = """
    id: info-security
    version: 2
    title: {zh: 政务信息安全, en: Information security}
    summary: {zh: 概要, en: Summary}
    study_hours: 1.5
    modules: [a, b]
    quizzes: [final-exam]
    completion:
      modules: all
      quiz: final-exam

    """

    @Test("a valid course.yaml reads without diagnostics")
    func valid() throws {
        let (manifest, diagnostics) = CourseManifest.parse(text: Self.valid, fileName: "c/course.yaml")
        #expect(diagnostics.isEmpty)
        let course = try #require(manifest)
        #expect(course.id?.value == CourseID("info-security"))
        #expect(course.version == 2)
        #expect(course.studyHours == 1.5)
        #expect(course.modules.map(\.value.rawValue) == ["a", "b"])
        #expect(course.modules.map(\.location.line) == [6, 6])
        #expect(course.modules.map(\.location.column) == [11, 14])
        #expect(course.completionQuiz?.value == QuizID("final-exam"))
        #expect(course.audience == nil)
    }

    @Test("every problem of a course.yaml is reported, not just the first")
    func everyProblem() {
        let text = """
        id: Info_Security
        version: 0
        title: {zh: 标题, fr: Titre}
        sumary: {zh: 概要, en: Summary}
        study_hours: -1
        modules: [a, a]
        completion:
          modules: some
          quiz: final

        """
        let (_, diagnostics) = CourseManifest.parse(text: text, fileName: "course.yaml")
        #expect(diagnostics.sorted().map(\.description) == [
            "course.yaml:1:1: error: course.yaml is missing the required key 'summary'",
            "course.yaml:1:5: error: 'Info_Security' is not a valid course id: use lowercase letters a-z, digits and hyphens, starting with a letter or digit",
            "course.yaml:2:10: error: 'version' must be at least 1, not 0",
            "course.yaml:3:8: warning: 'title' has no English (en) text",
            "course.yaml:3:17: error: unknown language 'fr' in 'title'; use zh and en",
            "course.yaml:4:1: error: unknown key 'sumary' in course.yaml; did you mean 'summary'?",
            "course.yaml:5:14: error: 'study_hours' must be greater than 0, not -1",
            "course.yaml:6:14: error: 'a' is listed twice in 'modules'",
            "course.yaml:8:12: error: 'completion.modules' must be one of all, not 'some'",
            "course.yaml:9:9: error: completion quiz 'final' is not listed in 'quizzes'",
        ])
    }

    @Test("a file that is not a mapping, or empty, is reported")
    func notAMapping() {
        #expect(CourseManifest.parse(text: "- a\n- b\n", fileName: "course.yaml").1.map(\.message)
                == ["course.yaml must be a mapping of keys to values, not a list"])
        #expect(CourseManifest.parse(text: "", fileName: "course.yaml").1.map(\.message) == ["course.yaml is empty"])
    }
}
