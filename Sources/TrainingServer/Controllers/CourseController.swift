import Assessment
import Curriculum
import Foundation

/// The catalogue, course pages and course media.
struct CourseController {
    let context: ControllerContext
    /// The fixed parts of course pages and catalogue cards, by course and language, for the running catalogue.
    let courses = KeptParts<CoursePage.Key, CoursePage.Parts>()
    /// The catalogue's fixed words, by language.
    let words = KeptParts<Language, CataloguePage.Parts>()

    func register(in router: inout Router) {
        context.catalogue.onReload { [courses, words] _ in
            courses.invalidate()
            words.invalidate()
        }
        router.get("/courses") { [courses, words] request in
            // Taken before the catalogue is read, so that parts built from a catalogue a reload replaced are not kept.
            let (keptCourses, keptWords) = (courses.snapshot(), words.snapshot())
            let user = try context.requireUser(request)
            let records = try context.storage.dashboard.courseRecords(of: user.id)
            let page = context.page(request)
            let parts = words.value(page.language, from: keptWords) { CataloguePage.Parts(context: page) }
            return CataloguePage.response(
                context.courseLines(progress: records.progress, outcomes: records.outcomes), parts: parts,
                course: { CoursePage.parts($0, kept: courses, snapshot: keptCourses, context: page) },
                context: page, stylesheet: context.stylesheet)
        }
        router.get("/courses/:course") { [courses] request in
            let kept = courses.snapshot()
            let user = try context.requireUser(request)
            let course = try context.course(request)
            // Progress and outcomes from one read (one snapshot).
            let records = try context.storage.dashboard.courseRecords(of: user.id)
            let outcomes = records.outcomes.filter { $0.courseID == course.id.rawValue }
            let status = CourseStatus(course: course, progress: records.progress, outcomes: outcomes)
            let quizzes = course.quizzes.map { quiz in
                let mine = outcomes.first { $0.quizID == quiz.id }
                return CoursePage.QuizLine(quiz: quiz, passed: mine?.passed == true, taken: mine != nil,
                                           isCompletionQuiz: course.completion.quiz == quiz.id)
            }
            let page = context.page(request)
            return CoursePage.response(course: course, status: status, quizzes: quizzes,
                                       parts: CoursePage.parts(course, kept: courses, snapshot: kept, context: page),
                                       context: page, stylesheet: context.stylesheet)
        }
        // Course media: signed-in people only, only the files in the course's media/ folder (`Course.mediaFiles`),
        // answered from the open file (see `FileAnswer`: ETag, Last-Modified, conditional requests, one byte range).
        router.get("/media/:course/*file") { request in
            _ = try context.requireUser(request)
            let name: String = try request.parameter("file")
            guard let url = context.catalogue.catalogue.mediaFile(name, in: CourseID(try request.parameter("course"))),
                  let file = OpenFile(path: url.path) else { throw HTTPError.notFound }
            var response = FileAnswer.response(for: file, method: request.method, headers: request.headers,
                                               contentType: StaticAssets.contentType(for: name),
                                               cacheControl: "private, max-age=3600")
            // Media never runs as a document of this origin (an SVG with script stays inert).
            response.headers.add("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
            if request.query["download"] == "1", response.status != .rangeNotSatisfiable {
                let base = name.split(separator: "/").last.map(String.init) ?? name
                response.headers.add("Content-Disposition", "attachment; filename*=UTF-8''\(PercentDecoding.encode(base))")
            }
            return response
        }
    }
}
