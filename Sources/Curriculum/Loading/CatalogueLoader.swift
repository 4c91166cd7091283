import Foundation
import Synchronization

/// Loads a `Courses/` directory into a `Catalogue`, checking every file and collecting every problem.
///
/// Layout: one folder per course (with `course.yaml`), `programs/*.yaml` for certification programmes,
/// `plans/*.yaml` for training plans (which assign courses and programmes to people), Markdown files at the top (such as `README.md`) are ignored. The catalogue is returned only when there
/// is no error; warnings never block loading.
public enum CatalogueLoader {
    /// A catalogue (when there were no errors) and the full report.
    public struct LoadResult: Sendable {
        /// The catalogue, or nil when any file has an error.
        public let catalogue: Catalogue?
        /// Every diagnostic and the number of files read.
        public let report: LintReport
    }

    /// Settings for loading and linting.
    public struct Options: Sendable, Hashable {
        /// 200 MB (binary megabytes, 1 MB = 1,048,576 bytes).
        public static let defaultMediaWarnSize: Int64 = 200 * 1024 * 1024

        /// Recordings larger than this many bytes get a warning (learners on slow links wait for them).
        public var mediaWarnSize: Int64

        public init(mediaWarnSize: Int64 = Options.defaultMediaWarnSize) {
            self.mediaWarnSize = mediaWarnSize
        }

        /// A size as people write it: `200MB`, `1.5 GB`, `500KB`, `300000B` (KB, MB and GB are 1024-based; KiB,
        /// MiB and GiB are accepted too; letters in any case). Nil for anything else, zero or more than 1 PB.
        public static func parseSize(_ text: String) -> Int64? {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces).uppercased()
            let factors: [String: Double] = ["B": 1, "KB": 1024, "KIB": 1024, "MB": 1_048_576, "MIB": 1_048_576,
                                             "GB": 1_073_741_824, "GIB": 1_073_741_824]
            guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != ".",
                  let value = Double(number), let factor = factors[unit] else { return nil }
            let bytes = (value * factor).rounded()
            guard bytes >= 1, bytes <= 1_125_899_906_842_624 else { return nil }
            return Int64(bytes)
        }
    }

    /// The catalogue in `directory` (nil if any file has an error) and every diagnostic, sorted.
    public static func load(directory: URL) -> (catalogue: Catalogue?, diagnostics: [Diagnostic]) {
        let result = loadWithReport(directory: directory)
        return (result.catalogue, result.report.diagnostics)
    }

    /// What `training-server lint` prints: every diagnostic and how many files were checked.
    public static func lint(directory: URL, options: Options = Options()) -> LintReport {
        loadWithReport(directory: directory, options: options).report
    }

    /// The catalogue and the report in one pass (for reloads that show errors to admins).
    public static func loadWithReport(directory: URL, options: Options = Options()) -> LoadResult {
        let files = CourseDirectory(root: directory)
        guard let entries = files.entries("") else {
            let report = LintReport(diagnostics: [.error("course directory not found: \(directory.path)", file: ".")],
                                    filesChecked: 0)
            return LoadResult(catalogue: nil, report: report)
        }
        var diagnostics: [Diagnostic] = []
        var courseFolders: [String] = []
        var hasPrograms = false
        var hasPlans = false
        for entry in entries {
            if entry.isDirectory {
                if entry.name == "programs" {
                    hasPrograms = true
                } else if entry.name == "plans" {
                    hasPlans = true
                } else if files.isFile(entry.name + "/course.yaml") {
                    courseFolders.append(entry.name)
                } else if looksLikeCourse(files, entry.name) {
                    diagnostics.append(.warning("folder '\(entry.name)' has modules or quizzes but no course.yaml, so "
                                                + "it is not loaded as a course", file: entry.name))
                }
            } else if entry.name == "course.yaml" {
                diagnostics.append(.warning("course.yaml belongs inside a course folder (Courses/<folder>/course.yaml); "
                                            + "this one is ignored", file: entry.name))
            }
        }

        let outcomes = concurrentMap(courseFolders) { folder in
            var loader = CourseFolderLoader(directory: files, folder: folder, options: options)
            return loader.load()
        }
        var filesChecked = 0
        var courses: [Course] = []
        var courseIDs: [CourseID: (folder: String, location: SourceLocation)] = [:]
        var completionQuizzes: [CourseID: Bool] = [:]
        for outcome in outcomes {
            diagnostics.append(contentsOf: outcome.diagnostics)
            filesChecked += outcome.filesChecked
            if let id = outcome.manifest?.id {
                if let earlier = courseIDs[id.value] {
                    diagnostics.append(id.location.error("course id '\(id.value)' is already used by folder "
                                                         + "'\(earlier.folder)'; course ids must be unique"))
                } else {
                    courseIDs[id.value] = (outcome.folder, id.location)
                    completionQuizzes[id.value] = outcome.manifest?.completionQuiz != nil
                }
            }
            if let course = outcome.course { courses.append(course) }
        }

        var programs: [Program] = []
        var programIDs: Set<ProgramID> = []
        if hasPrograms {
            for entry in files.entries("programs") ?? [] {
                let relative = "programs/" + entry.name
                guard !entry.isDirectory, entry.name.hasSuffix(".yaml") else {
                    diagnostics.append(.warning("only programme files (<programme-id>.yaml) belong in programs/; "
                                                + "this is ignored", file: relative))
                    continue
                }
                filesChecked += 1
                let text: String
                switch files.text(relative) {
                case .success(let read): text = read
                case .failure(let problem): diagnostics.append(problem.diagnostic); continue
                }
                let (file, found) = ProgramFile.parse(text: text, fileName: relative)
                diagnostics.append(contentsOf: found)
                guard let file else { continue }
                if let id = file.id { programIDs.insert(id.value) }
                var resolved = true
                let references = file.courses + (file.recertification.map { $0.courses + $0.from } ?? [])
                for reference in references where courseIDs[reference.value] == nil {
                    diagnostics.append(reference.location.error("course '\(reference.value)' does not exist in this catalogue"))
                    resolved = false
                }
                for reference in file.recertification?.from ?? [] where completionQuizzes[reference.value] == false {
                    diagnostics.append(reference.location.warning(
                        "course '\(reference.value)' has no completion quiz, so passing it cannot count for recertification"))
                }
                if resolved, !found.contains(where: \.isError), let program = file.program {
                    programs.append(program)
                }
            }
        }

        var plans: [Plan] = []
        if hasPlans {
            let found = loadPlans(files, courses: Set(courseIDs.keys), programs: programIDs)
            plans = found.plans
            diagnostics += found.diagnostics
            filesChecked += found.filesChecked
        }

        let report = LintReport(diagnostics: diagnostics, filesChecked: filesChecked)
        guard !report.hasErrors else { return LoadResult(catalogue: nil, report: report) }
        let catalogue = Catalogue(directory: directory, courses: courses,
                                  programs: programs.sorted { $0.id < $1.id }, plans: plans.sorted { $0.id < $1.id })
        return LoadResult(catalogue: catalogue, report: report)
    }

    /// The training plans in `plans/`, their references to courses and programmes checked.
    private static func loadPlans(_ files: CourseDirectory, courses: Set<CourseID>, programs: Set<ProgramID>)
        -> (plans: [Plan], diagnostics: [Diagnostic], filesChecked: Int) {
        var plans: [Plan] = []
        var diagnostics: [Diagnostic] = []
        var filesChecked = 0
        for entry in files.entries("plans") ?? [] {
            let relative = "plans/" + entry.name
            guard !entry.isDirectory, entry.name.hasSuffix(".yaml") else {
                diagnostics.append(.warning("only plan files (<plan-id>.yaml) belong in plans/; this is ignored",
                                            file: relative))
                continue
            }
            filesChecked += 1
            let text: String
            switch files.text(relative) {
            case .success(let read): text = read
            case .failure(let problem): diagnostics.append(problem.diagnostic); continue
            }
            let (file, found) = PlanFile.parse(text: text, fileName: relative)
            diagnostics.append(contentsOf: found)
            guard let file else { continue }
            var resolved = true
            for reference in file.references {
                switch reference.value {
                case .course(let id) where !courses.contains(id):
                    var message = "course '\(id.rawValue)' does not exist in this catalogue"
                    if let near = KeySuggestion.closest(to: id.rawValue, among: courses.map(\.rawValue).sorted()) {
                        message += "; did you mean '\(near)'?"
                    }
                    diagnostics.append(reference.location.error(message))
                    resolved = false
                case .program(let id) where !programs.contains(id):
                    var message = "programme '\(id.rawValue)' does not exist in this catalogue"
                    if let near = KeySuggestion.closest(to: id.rawValue, among: programs.map(\.rawValue).sorted()) {
                        message += "; did you mean '\(near)'?"
                    } else if courses.contains(CourseID(id.rawValue)) {
                        message += "; '\(id.rawValue)' is a course: write 'course: \(id.rawValue)'"
                    }
                    diagnostics.append(reference.location.error(message))
                    resolved = false
                default:
                    break
                }
            }
            if resolved, !found.contains(where: \.isError), let plan = file.plan {
                plans.append(plan)
            }
        }
        return (plans, diagnostics, filesChecked)
    }

    private static func looksLikeCourse(_ files: CourseDirectory, _ folder: String) -> Bool {
        guard let entries = files.entries(folder) else { return false }
        return entries.contains { ["modules", "quizzes", "course.yml", "Course.yaml", "course.yaml.txt"].contains($0.name) }
    }

    /// `transform` applied to every element on all cores, results in input order.
    static func concurrentMap<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @Sendable (Element) -> Result
    ) -> [Result] {
        guard elements.count > 1 else { return elements.map(transform) }
        let results = Mutex<[Result?]>(Array(repeating: nil, count: elements.count))
        DispatchQueue.concurrentPerform(iterations: elements.count) { index in
            let value = transform(elements[index])
            results.withLock { $0[index] = value }
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}
