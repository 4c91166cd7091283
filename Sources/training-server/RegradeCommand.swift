import ArgumentParser
import Assessment
import Curriculum
import Foundation
import SQLiteStorage
import TrainingServer

struct RegradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regrade",
        abstract: "Replay the attempts of a quiz against its corrected definition and show what changes.",
        discussion: """
            Attempts are replayed with the current course files and compared with the marks recorded for them: \
            those taken against an older version of the quiz, and those the current version now marks \
            differently (after an upgrade that reads typed answers differently). Each person who passes or \
            fails differently is listed. Without --apply nothing is stored. With --apply the new marks are \
            stored, each attempt gets a note step, one audit-log row per quiz records the regrade, and the \
            certifications of the people concerned are re-evaluated.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Folder of course files.") var courses = "Courses"
    @Option(help: "The quiz: COURSE/QUIZ (e.g. info-security/final-exam), or QUIZ with --course.") var quiz: String?
    @Option(help: "The course, when --quiz names only the quiz.") var course: String?
    @Flag(help: "Go over every quiz of every course.") var all = false
    @Flag(help: "Store the new marks.") var apply = false
    @Option(help: "The issuer key for re-issued certificates (default: issuer-key.pem next to the database).")
    var issuerKey: String?
    @Option(help: "The platform's public address, for re-issued certificates.") var publicURL = "http://127.0.0.1:8080"

    func validate() throws {
        if all && (quiz != nil || course != nil) { throw ValidationError("give either --all or --quiz, not both") }
        if !all && quiz == nil { throw ValidationError("name the quiz with --quiz COURSE/QUIZ, or give --all") }
    }

    func run() throws {
        let (catalogue, diagnostics) = CatalogueLoader.load(directory: try courseFolder(courses, option: "--courses"))
        guard let catalogue else {
            diagnostics.filter(\.isError).forEach { print($0.description) }
            throw CommandFailure("the course files have errors; fix them first (training-server lint \(courses))")
        }
        var targets: [(Course, QuizDefinition)] = []
        if all {
            for course in catalogue.courses { for quiz in course.quizzes { targets.append((course, quiz)) } }
        } else {
            let (courseID, quizID) = try parseQuiz()
            guard let course = catalogue.course(CourseID(courseID)) else { throw CommandFailure("no course \(courseID)") }
            guard let definition = course.quiz(QuizID(quizID)) else { throw CommandFailure("no quiz \(quizID) in \(courseID)") }
            targets.append((course, definition))
        }
        let storage = try database.open()
        let users = storage.users
        let service = RegradeService(attempts: storage.attempts, clock: now)
        var logins: [UserID: String] = [:]
        func login(_ id: UserID) throws -> String {
            if let known = logins[id] { return known }
            let found = try users.find(id: id)?.login ?? "?"
            logins[id] = found
            return found
        }
        var changed: Set<UserID> = []
        var totals = (lines: 0, affected: 0, passing: 0, failing: 0)
        for (course, definition) in targets {
            let report = try service.preview(course: course, quiz: definition)
            let name = "\(course.id.rawValue)/\(definition.id.rawValue)"
            if all && report.lines.isEmpty && report.problems.isEmpty {
                print("\(name): nothing to regrade")
                continue
            }
            print("Regrade of \(name) to version \(definition.contentHash.prefix(12))")
            for line in report.affected {
                var text = "  \(try login(line.stored.userID))\tattempt \(line.stored.attempt.number)\t"
                    + "\(describe(line.entry.before)) -> \(describe(line.entry.after))"
                if line.entry.before?.passed == false && line.entry.after?.passed == true { text += "\tNOW PASSES" }
                if line.entry.before?.passed == true && line.entry.after?.passed == false { text += "\tNOW FAILS" }
                print(text)
            }
            for (id, reason) in report.problems { print("  cannot replay attempt \(id.rawValue): \(reason)") }
            print("  \(report.lines.count) attempts replayed, \(report.affected.count) change, "
                  + "\(report.nowPassing.count) now pass, \(report.nowFailing.count) now fail")
            totals.lines += report.lines.count
            totals.affected += report.affected.count
            totals.passing += report.nowPassing.count
            totals.failing += report.nowFailing.count
            if apply && !report.lines.isEmpty {
                changed.formUnion(try service.apply(report, by: .commandLine))
            }
        }
        if all {
            print("All quizzes: \(totals.lines) attempts replayed, \(totals.affected) change, "
                  + "\(totals.passing) now pass, \(totals.failing) now fail")
        }
        if apply {
            print("applied; results of \(changed.count) people changed")
            guard !changed.isEmpty else { return }
            // A pass that became a fail (or the reverse) can change certifications: re-evaluate those people now.
            let holder = try CatalogueHolder(directory: URL(fileURLWithPath: courses), now: now())
            let keyPath = issuerKey ?? URL(fileURLWithPath: database.db).deletingLastPathComponent()
                .appendingPathComponent("issuer-key.pem").path
            let issuer = try CertificateIssuer(keyPath: keyPath, baseURL: publicURL, name: ApplicationConfiguration().issuerName,
                                               keyRecord: storage.issuerKeys, now: now())
                .named(bySettingsIn: storage)
            let certification = CertificationService(
                repository: storage.certifications, learning: storage.learning,
                users: users, catalogue: holder, issueCredential: issuer.sign, clock: now)
            for userID in changed.sorted(by: { $0.rawValue < $1.rawValue }) {
                try certification.refresh(userID: userID, by: .commandLine)
            }
            print("certifications re-evaluated for \(changed.count) people")
        } else if totals.lines > 0 {
            print("nothing stored; run again with --apply to store the new marks")
        }
    }

    private func parseQuiz() throws -> (String, String) {
        let parts = (quiz ?? "").split(separator: "/").map(String.init)
        if parts.count == 2 { return (parts[0], parts[1]) }
        guard parts.count == 1, let course else { throw ValidationError("name the quiz as COURSE/QUIZ or give --course") }
        return (course, parts[0])
    }

    private func describe(_ outcome: Regrade.Outcome?) -> String {
        guard let outcome else { return "open" }
        let percent = Int((outcome.fraction * 100).rounded())
        return "\(String(format: "%.2f", outcome.mark))/\(String(format: "%.2f", outcome.maxMark)) (\(percent)%) \(outcome.passed ? "pass" : "fail")"
    }
}
