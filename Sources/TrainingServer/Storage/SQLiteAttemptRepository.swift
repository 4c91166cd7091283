import Assessment
import Foundation
import GRDB

/// Quiz attempts in SQLite: a row per attempt (paper and cached summary) and append-only steps.
public struct SQLiteAttemptRepository: AttemptRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func attempts(userID: UserID, courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        try store.read { db in
            try Self.load(db, where: "user_id = ? AND course_id = ? AND quiz_id = ? ORDER BY number",
                          [userID.rawValue, courseID, quizID.rawValue])
        }
    }

    public func attempts(userID: UserID) throws -> [StoredAttempt] {
        try store.read { db in try Self.load(db, where: "user_id = ? ORDER BY started_at DESC", [userID.rawValue]) }
    }

    public func attempt(id: AttemptID) throws -> StoredAttempt? {
        try store.read { db in try Self.load(db, where: "id = ?", [id.rawValue]).first }
    }

    public func attempts(courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        try store.read { db in
            try Self.load(db, where: "course_id = ? AND quiz_id = ? ORDER BY started_at", [courseID, quizID.rawValue])
        }
    }

    public func start(userID: UserID, courseID: String, quizID: QuizID, quizHash: String,
                      decide: ([StoredAttempt]) throws -> (Attempt, AttemptSummary)) throws -> StoredAttempt {
        try store.write { db in
            let previous = try Self.load(db, where: "user_id = ? AND course_id = ? AND quiz_id = ? ORDER BY number",
                                         [userID.rawValue, courseID, quizID.rawValue])
            let (attempt, summary) = try decide(previous)
            let paper = String(decoding: try Self.encoder.encode(attempt.paper), as: UTF8.self)
            let startedAt = attempt.steps.first?.time ?? 0
            var deadline: Double?
            if case .start(_, let limit, _, _)? = attempt.steps.first?.action { deadline = limit }
            try db.execute(sql: """
                INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at, deadline,
                                           closed_at, mark, max_mark, fraction, passed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [attempt.id.rawValue, userID.rawValue, courseID, quizID.rawValue, attempt.number, quizHash,
                                 paper, startedAt, deadline, summary.closedAt, summary.mark, summary.maxMark,
                                 summary.fraction, summary.passed])
            for step in attempt.steps { try Self.insert(step, attemptID: attempt.id, in: db) }
            return StoredAttempt(attempt: attempt, userID: userID, courseID: courseID, quizHash: quizHash,
                                 closedAt: summary.closedAt, mark: summary.mark, maxMark: summary.maxMark,
                                 fraction: summary.fraction, passed: summary.passed)
        }
    }

    public func append(attemptID: AttemptID,
                       decide: (StoredAttempt) throws -> ([AttemptStep], AttemptSummary?)) throws -> StoredAttempt {
        try store.write { db in
            guard var stored = try Self.load(db, where: "id = ?", [attemptID.rawValue]).first else {
                throw StoreError.notFound("attempt")
            }
            let (steps, summary) = try decide(stored)
            for step in steps {
                try Self.insert(step, attemptID: attemptID, in: db)
                stored.attempt = stored.attempt.appending(step)
            }
            if let summary {
                try Self.update(summary, attemptID: attemptID, in: db)
                stored.closedAt = summary.closedAt
                stored.mark = summary.mark
                stored.maxMark = summary.maxMark
                stored.fraction = summary.fraction
                stored.passed = summary.passed
            }
            return stored
        }
    }

    public func saveVersion(courseID: String, quiz: QuizDefinition, at: Double) throws {
        let json = String(decoding: try Self.encoder.encode(quiz), as: UTF8.self)
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO quiz_versions (course_id, quiz_id, content_hash, definition, first_used_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, arguments: [courseID, quiz.id.rawValue, quiz.contentHash, json, at])
        }
    }

    public func version(courseID: String, quizID: QuizID, contentHash: String) throws -> QuizDefinition? {
        try store.read { db in
            try String.fetchOne(db, sql: """
                SELECT definition FROM quiz_versions WHERE course_id = ? AND quiz_id = ? AND content_hash = ?
                """, arguments: [courseID, quizID.rawValue, contentHash])
        }.map { try JSONDecoder().decode(QuizDefinition.self, from: Data($0.utf8)) }
    }

    public func applyRegrade(_ changes: [(AttemptID, AttemptStep, AttemptSummary)], quizHash: String,
                             audit: AuditEvent, by actor: AuditActor, at: Double) throws {
        try store.write { db in
            for (attemptID, note, summary) in changes {
                try Self.insert(note, attemptID: attemptID, in: db)
                try Self.update(summary, attemptID: attemptID, in: db)
                try db.execute(sql: "UPDATE quiz_attempts SET quiz_hash = ? WHERE id = ?",
                               arguments: [quizHash, attemptID.rawValue])
            }
            try AuditChain.append(audit, by: actor, at: at, in: db)
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func insert(_ step: AttemptStep, attemptID: AttemptID, in db: Database) throws {
        let json = String(decoding: try encoder.encode(step), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO attempt_steps (attempt_id, sequence, at, step, idempotency_key) VALUES (?, ?, ?, ?, ?)
            """, arguments: [attemptID.rawValue, step.sequence, step.time, json, step.idempotencyKey])
    }

    static func update(_ summary: AttemptSummary, attemptID: AttemptID, in db: Database) throws {
        try db.execute(sql: """
            UPDATE quiz_attempts SET closed_at = ?, mark = ?, max_mark = ?, fraction = ?, passed = ? WHERE id = ?
            """, arguments: [summary.closedAt, summary.mark, summary.maxMark, summary.fraction, summary.passed,
                             attemptID.rawValue])
    }

    static func load(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [StoredAttempt] {
        let decoder = JSONDecoder()
        return try Row.fetchAll(db, sql: "SELECT * FROM quiz_attempts WHERE \(condition)", arguments: arguments).map { row in
            let id = AttemptID(rawValue: row["id"])
            let paper = try decoder.decode(Paper.self, from: Data((row["paper"] as String).utf8))
            let steps = try String.fetchAll(db, sql: "SELECT step FROM attempt_steps WHERE attempt_id = ? ORDER BY sequence",
                                            arguments: [id.rawValue])
                .map { try decoder.decode(AttemptStep.self, from: Data($0.utf8)) }
            return StoredAttempt(attempt: Attempt(id: id, number: row["number"], paper: paper, steps: steps),
                                 userID: UserID(rawValue: row["user_id"]), courseID: row["course_id"],
                                 quizHash: row["quiz_hash"], closedAt: row["closed_at"], mark: row["mark"],
                                 maxMark: row["max_mark"], fraction: row["fraction"], passed: row["passed"])
        }
    }
}
