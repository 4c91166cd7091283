import Foundation

/// Every course, programme and training plan loaded from a `Courses/` directory: immutable, safe to share between threads.
///
/// A new catalogue is built on reload and swapped in whole; a value never changes once loaded.
public struct Catalogue: Sendable {
    /// The directory the catalogue was loaded from.
    public let directory: URL
    /// Sorted by folder name.
    public let courses: [Course]
    /// Sorted by id.
    public let programs: [Program]
    /// Training plans from `plans/`, sorted by id.
    public let plans: [Plan]
    /// Changes whenever any course, programme or plan changes.
    public let revision: String

    private let courseIndex: [CourseID: Int]
    private let programIndex: [ProgramID: Int]

    /// A catalogue of already checked courses, programmes and plans (the loader builds one only when there is no
    /// error).
    public init(directory: URL, courses: [Course], programs: [Program], plans: [Plan] = []) {
        self.directory = directory
        self.courses = courses
        self.programs = programs
        self.plans = plans
        self.revision = ContentHashes.catalogue(courses: courses, programs: programs, plans: plans)
        var courseIndex: [CourseID: Int] = [:]
        for (index, course) in courses.enumerated() where courseIndex[course.id] == nil {
            courseIndex[course.id] = index
        }
        var programIndex: [ProgramID: Int] = [:]
        for (index, program) in programs.enumerated() where programIndex[program.id] == nil {
            programIndex[program.id] = index
        }
        self.courseIndex = courseIndex
        self.programIndex = programIndex
    }

    /// The course with `id`.
    public func course(_ id: CourseID) -> Course? {
        courseIndex[id].map { courses[$0] }
    }

    /// The programme with `id`.
    public func program(_ id: ProgramID) -> Program? {
        programIndex[id].map { programs[$0] }
    }

    /// The training plan with `id`.
    public func plan(_ id: PlanID) -> Plan? {
        plans.first { $0.id == id }
    }

    /// The module `module` of course `course`.
    public func module(_ module: ModuleID, in course: CourseID) -> Module? {
        self.course(course)?.module(module)
    }

    /// The quiz `quiz` of course `course`.
    public func quiz(_ quiz: QuizID, in course: CourseID) -> QuizDefinition? {
        self.course(course)?.quiz(quiz)
    }

    /// The question `question` of course `course`.
    public func question(_ question: QuestionID, in course: CourseID) -> Question? {
        self.course(course)?.question(question)?.question
    }

    /// The programmes that require `course`, directly or for recertification.
    public func programs(requiring course: CourseID) -> [Program] {
        programs.filter { program in
            program.courses.contains(course) || (program.recertification.map {
                $0.courses.contains(course) || $0.from.contains(course)
            } ?? false)
        }
    }

    /// The file behind `media/<name>` of `course`, or nil if the course has no such media file.
    ///
    /// Only names listed in `Course.mediaFiles` resolve, so a request can never reach outside `media/`.
    public func mediaFile(_ name: String, in course: CourseID) -> URL? {
        guard let course = self.course(course), course.mediaFiles.contains(name) else { return nil }
        return directory.appendingPathComponent(course.folder, isDirectory: true)
            .appendingPathComponent("media", isDirectory: true)
            .appendingPathComponent(name, isDirectory: false)
    }

    /// The absolute file a `SourceReference` of `course` points to (for showing sources to trainers).
    public func file(of source: SourceReference, in course: CourseID) -> URL? {
        guard let course = self.course(course) else { return nil }
        return directory.appendingPathComponent(course.folder, isDirectory: true)
            .appendingPathComponent(source.file, isDirectory: false)
    }
}
