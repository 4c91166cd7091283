import ArgumentParser
import Assessment
import Curriculum
import Foundation
import TrainingServer

struct RegradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regrade",
        abstract: "Replay the attempts of a quiz against its corrected definition and show what changes.",
        discussion: """
            Attempts taken against an older version of the quiz are replayed with the current course files.
            Without --apply nothing is stored. With --apply the new marks are stored, each attempt gets a note \
            step, and one audit-log row records the regrade.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Folder of course files.") var courses = "Courses"
    @Option(help: "The quiz: COURSE/QUIZ (e.g. info-security/final-exam), or QUIZ with --course.") var quiz: String
    @Option(help: "The course, when --quiz names only the quiz.") var course: String?
    @Flag(help: "Store the new marks.") var apply = false
    @Option(help: "The issuer key for re-issued certificates (default: issuer-key.pem next to the database).")
    var issuerKey: String?
    @Option(help: "The platform's public address, for re-issued certificates.") var publicURL = "http://127.0.0.1:8080"

    func run() throws {
        let (courseID, quizID) = try parseQuiz()
        let (catalogue, diagnostics) = CatalogueLoader.load(directory: try courseFolder(courses, option: "--courses"))
        guard let catalogue else {
            diagnostics.filter(\.isError).forEach { print($0.description) }
            throw CommandFailure("the course files have errors; fix them first (training-server lint \(courses))")
        }
        guard let course = catalogue.course(CourseID(courseID)) else { throw ValidationError("no course \(courseID)") }
        guard let definition = course.quiz(QuizID(quizID)) else { throw ValidationError("no quiz \(quizID) in \(courseID)") }
        let store = try database.open()
        let users = SQLiteUserRepository(store: store, clock: now)
        let service = RegradeService(attempts: SQLiteAttemptRepository(store: store), clock: now)
        let report = try service.preview(course: course, quiz: definition)
        print("Regrade of \(courseID)/\(quizID) to version \(definition.contentHash.prefix(12))")
        var logins: [UserID: String] = [:]
        for line in report.affected {
            let login = try logins[line.stored.userID] ?? users.find(id: line.stored.userID)?.login ?? "?"
            logins[line.stored.userID] = login
            print("  \(login)\tattempt \(line.stored.attempt.number)\t\(describe(line.entry.before)) -> \(describe(line.entry.after))")
        }
        for (id, reason) in report.problems { print("  cannot replay attempt \(id.rawValue): \(reason)") }
        print("\(report.lines.count) attempts replayed, \(report.affected.count) change, "
              + "\(report.nowPassing.count) now pass, \(report.nowFailing.count) now fail")
        if apply {
            let changed = try service.apply(report, by: .commandLine)
            print("applied; results of \(changed.count) people changed")
            // A pass that became a fail (or the reverse) can change certifications: re-evaluate those people now.
            let holder = try CatalogueHolder(directory: URL(fileURLWithPath: courses), now: now())
            let keyPath = issuerKey ?? URL(fileURLWithPath: database.db).deletingLastPathComponent()
                .appendingPathComponent("issuer-key.pem").path
            let issuer = try CertificateIssuer(keyPath: keyPath, baseURL: publicURL, name: ApplicationConfiguration().issuerName,
                                               keyRecord: SQLiteIssuerKeyRepository(store: store), now: now())
            let certification = CertificationService(
                repository: SQLiteCertificationRepository(store: store), learning: SQLiteLearningRepository(store: store),
                users: users, catalogue: holder, issueCredential: issuer.sign, clock: now)
            for userID in changed.sorted(by: { $0.rawValue < $1.rawValue }) {
                try certification.refresh(userID: userID, by: .commandLine)
            }
            print("certifications re-evaluated for \(changed.count) people")
        } else if !report.lines.isEmpty {
            print("nothing stored; run again with --apply to store the new marks")
        }
    }

    private func parseQuiz() throws -> (String, String) {
        let parts = quiz.split(separator: "/").map(String.init)
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
