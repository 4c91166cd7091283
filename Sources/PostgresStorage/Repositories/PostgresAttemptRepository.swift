import Assessment
import Foundation
import TrainingServer

/// Quiz attempts on PostgreSQL: a row per attempt (paper and cached summary) and append-only steps, with the
/// SQLite engine's orders, figures and JSON (the same sorted-key text for papers, steps and quiz versions).
///
/// **Concurrency.** SQLite's single writer runs `start` and `append` one at a time. Here:
/// - `start` takes a transaction-scoped advisory lock on (person, course, quiz) (`attempt-start` namespace), so two
///   servers starting the same person's quiz at once take turns: the second sees the first's attempt in its figures
///   and open attempts, and cannot pass the attempt limit or take the same number (`UNIQUE (user_id, course_id,
///   quiz_id, number)` is the backstop).
/// - `append` locks the attempt's row (`SELECT … FOR UPDATE`) before reading its steps: appends to one attempt at
///   two servers run one after the other, each deciding on every step committed before it (READ COMMITTED reads
///   them afresh after the wait), so steps keep their order and none is lost; a repeated request finds its
///   idempotency key among the steps (the unique index `attempt_steps_key` is the backstop).
/// - `applyRegrade` locks the attempts it changes in id order, so it cannot deadlock with another regrade.
/// - Reads that return several records (`history`, `overview`) use one REPEATABLE READ snapshot.
/// - Quiz versions are `INSERT … ON CONFLICT DO NOTHING`: the first server to store a version wins, the same hash
///   being the same content.
public struct PostgresAttemptRepository: AttemptRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func attempts(userID: UserID, courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        try pool.withConnection { connection in
            try Self.load(connection, where: "user_id = $1 AND course_id = $2 AND quiz_id = $3 ORDER BY number",
                          [userID.rawValue, courseID, quizID.rawValue])
        }
    }

    public func attempts(userID: UserID) throws -> [StoredAttempt] {
        try pool.withConnection { connection in
            try Self.load(connection, where: "user_id = $1 ORDER BY started_at DESC, number DESC", [userID.rawValue])
        }
    }

    public func attempt(id: AttemptID) throws -> StoredAttempt? {
        try pool.withConnection { connection in try Self.load(connection, where: "id = $1", [id.rawValue]).first }
    }

    public func attempts(courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        try pool.withConnection { connection in
            try Self.load(connection, where: "course_id = $1 AND quiz_id = $2 ORDER BY started_at, id COLLATE \"C\"",
                          [courseID, quizID.rawValue])
        }
    }

    public func starts(userID: UserID, courseID: String, quizID: QuizID, since: Double) throws -> AttemptStarts {
        try pool.withConnection { connection in
            try Self.starts(connection, [userID.rawValue, courseID, quizID.rawValue], since: since)
        }
    }

    public func history(userID: UserID, courseID: String, quizID: QuizID,
                        limit: Int) throws -> (AttemptTally, [AttemptHeader]) {
        try pool.transaction(.repeatableRead) { connection in
            let arguments: [(any PostgresBindable)?] = [userID.rawValue, courseID, quizID.rawValue]
            return (try Self.tally(connection, arguments), try Self.latest(connection, arguments, limit: limit))
        }
    }

    public func tally(userID: UserID, courseID: String, quizID: QuizID) throws -> AttemptTally {
        try pool.withConnection { connection in
            try Self.tally(connection, [userID.rawValue, courseID, quizID.rawValue])
        }
    }

    public func overview(userID: UserID, courseID: String, quizID: QuizID, limit: Int,
                         startsSince: Double?) throws -> AttemptOverview {
        try pool.transaction(.repeatableRead) { connection in
            let arguments: [(any PostgresBindable)?] = [userID.rawValue, courseID, quizID.rawValue]
            let open = try Self.load(connection, where: Self.openAtQuiz, arguments)
            let tally = try Self.tally(connection, arguments)
            let recent = limit > 0 ? try Self.latest(connection, arguments, limit: limit) : []
            let starts = try startsSince.map { try Self.starts(connection, arguments, since: $0) }
            return AttemptOverview(open: open, tally: tally, recent: recent, starts: starts)
        }
    }

    public func headers(userID: UserID) throws -> [AttemptHeader] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT \(Self.headerColumns) FROM quiz_attempts WHERE user_id = $1 ORDER BY started_at DESC, number DESC
                """, userID.rawValue).map(Self.header)
        }
    }

    public func openAttempts(userID: UserID, courseID: String?, quizID: QuizID?) throws -> [StoredAttempt] {
        try pool.withConnection { connection in
            if let courseID, let quizID {
                return try Self.load(connection, where: Self.openAtQuiz, [userID.rawValue, courseID, quizID.rawValue])
            }
            return try Self.load(connection, where: "user_id = $1 AND closed_at IS NULL ORDER BY started_at DESC, number DESC",
                                 [userID.rawValue])
        }
    }

    public func outcomes(userID: UserID) throws -> [QuizOutcome] {
        try pool.withConnection { connection in try Self.outcomes(connection, userID: userID) }
    }

    /// Every quiz the person attempted, in SQLite's (bytewise) order of course and quiz, and whether one passed.
    static func outcomes(_ connection: PostgresConnection, userID: UserID) throws -> [QuizOutcome] {
        try connection.query("""
            SELECT course_id, quiz_id, bool_or(passed = 1) IS TRUE FROM quiz_attempts WHERE user_id = $1
            GROUP BY course_id, quiz_id ORDER BY course_id COLLATE "C", quiz_id COLLATE "C"
            """, userID.rawValue).map { row in
            QuizOutcome(courseID: try row.decode(at: 0), quizID: QuizID(try row.decode(String.self, at: 1)),
                        passed: try row.decode(at: 2))
        }
    }

    public func start(userID: UserID, courseID: String, quizID: QuizID, quizHash: String,
                      decide: (AttemptTally, [StoredAttempt]) throws -> (Attempt, AttemptSummary)) throws -> StoredAttempt {
        try pool.transaction { connection in
            try PostgresLocks.lock(texts: ["\(userID.rawValue)\u{1F}\(courseID)\u{1F}\(quizID.rawValue)"],
                                   namespace: "attempt-start", on: connection)
            let arguments: [(any PostgresBindable)?] = [userID.rawValue, courseID, quizID.rawValue]
            let tally = try Self.tally(connection, arguments)
            let open = try Self.load(connection, where: Self.openAtQuiz, arguments)
            let (attempt, summary) = try decide(tally, open)
            let paper = String(decoding: try Self.encoder.encode(attempt.paper), as: UTF8.self)
            var deadline: Double?
            if case .start(_, let limit, _, _)? = attempt.steps.first?.action { deadline = limit }
            try connection.execute("""
                INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at, deadline,
                                           closed_at, mark, max_mark, fraction, passed)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                """, attempt.id.rawValue, userID.rawValue, courseID, quizID.rawValue, attempt.number, quizHash, paper,
                attempt.steps.first?.time ?? 0, deadline, summary.closedAt, summary.mark, summary.maxMark,
                summary.fraction, summary.passed.map { $0 ? 1 : 0 })
            for step in attempt.steps { try Self.insert(step, attemptID: attempt.id, on: connection) }
            return StoredAttempt(attempt, userID: userID, courseID: courseID, quizHash: quizHash,
                                 closedAt: summary.closedAt, mark: summary.mark, maxMark: summary.maxMark,
                                 fraction: summary.fraction, passed: summary.passed)
        }
    }

    public func append(attemptID: AttemptID,
                       decide: (StoredAttempt) throws -> ([AttemptStep], AttemptSummary?)) throws -> StoredAttempt {
        try pool.transaction { connection in
            // The row lock makes appenders to one attempt take turns; the steps are read after it is granted.
            guard try !connection.query("SELECT 1 FROM quiz_attempts WHERE id = $1 FOR UPDATE", attemptID.rawValue).isEmpty,
                  var stored = try Self.load(connection, where: "id = $1", [attemptID.rawValue]).first else {
                throw StoreError.notFound("attempt")
            }
            let (steps, summary) = try decide(stored)
            for step in steps {
                try Self.insert(step, attemptID: attemptID, on: connection)
                stored.attempt = stored.attempt.appending(step)
            }
            if let summary {
                try Self.update(summary, attemptID: attemptID, on: connection)
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
        try pool.withConnection { connection in
            _ = try connection.execute("""
                INSERT INTO quiz_versions (course_id, quiz_id, content_hash, definition, first_used_at)
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
                """, courseID, quiz.id.rawValue, quiz.contentHash, json, at)
        }
    }

    public func version(courseID: String, quizID: QuizID, contentHash: String) throws -> QuizDefinition? {
        let definition: String? = try pool.withConnection { connection in
            try connection.query("""
                SELECT definition FROM quiz_versions WHERE course_id = $1 AND quiz_id = $2 AND content_hash = $3
                """, courseID, quizID.rawValue, contentHash).first?.decode(at: 0)
        }
        return try definition.map { try JSONDecoder().decode(QuizDefinition.self, from: Data($0.utf8)) }
    }

    public func applyRegrade(_ changes: [(AttemptID, AttemptStep, AttemptSummary)], quizHash: String,
                             audit: AuditEvent, by actor: AuditActor, at: Double) throws {
        try pool.transaction { connection in
            for id in Set(changes.map(\.0.rawValue)).sorted() {
                try connection.execute("SELECT 1 FROM quiz_attempts WHERE id = $1 FOR UPDATE", id)
            }
            for (attemptID, note, summary) in changes {
                try Self.insert(note, attemptID: attemptID, on: connection)
                try Self.update(summary, attemptID: attemptID, on: connection)
                try connection.execute("UPDATE quiz_attempts SET quiz_hash = $1 WHERE id = $2", quizHash, attemptID.rawValue)
            }
            try PostgresAuditChain.append(audit, by: actor, at: at, on: connection)
        }
    }

    /// Sorted keys, as the SQLite engine writes papers, steps and quiz versions.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func insert(_ step: AttemptStep, attemptID: AttemptID, on connection: PostgresConnection) throws {
        let json = String(decoding: try encoder.encode(step), as: UTF8.self)
        try connection.execute("""
            INSERT INTO attempt_steps (attempt_id, sequence, at, step, idempotency_key) VALUES ($1, $2, $3, $4, $5)
            """, attemptID.rawValue, step.sequence, step.time, json, step.idempotencyKey)
    }

    static func update(_ summary: AttemptSummary, attemptID: AttemptID, on connection: PostgresConnection) throws {
        try connection.execute("""
            UPDATE quiz_attempts SET closed_at = $1, mark = $2, max_mark = $3, fraction = $4, passed = $5 WHERE id = $6
            """, summary.closedAt, summary.mark, summary.maxMark, summary.fraction, summary.passed.map { $0 ? 1 : 0 },
            attemptID.rawValue)
    }

    /// Open attempts of a person at one quiz (the partial index `quiz_attempts_open` finds them).
    static let openAtQuiz = "user_id = $1 AND course_id = $2 AND quiz_id = $3 AND closed_at IS NULL ORDER BY number"

    /// The figures of a person's attempts at one quiz; `arguments` are the person, course and quiz.
    static func tally(_ connection: PostgresConnection, _ arguments: [(any PostgresBindable)?]) throws -> AttemptTally {
        let row = try connection.query("""
            SELECT count(*), max(number) FILTER (WHERE passed = 1), max(closed_at)
            FROM quiz_attempts WHERE user_id = $1 AND course_id = $2 AND quiz_id = $3
            """, arguments)[0]
        return AttemptTally(count: try row.decode(at: 0), lastPassNumber: try row.decodeIfPresent(at: 1),
                            lastClose: try row.decodeIfPresent(at: 2))
    }

    /// How many attempts started at or after `since`, and whether one is open; `arguments` as for `tally`.
    static func starts(_ connection: PostgresConnection, _ arguments: [(any PostgresBindable)?],
                       since: Double) throws -> AttemptStarts {
        let row = try connection.query("""
            SELECT (SELECT count(*) FROM quiz_attempts
                    WHERE user_id = $1 AND course_id = $2 AND quiz_id = $3 AND started_at >= $4),
                   EXISTS (SELECT 1 FROM quiz_attempts
                           WHERE user_id = $1 AND course_id = $2 AND quiz_id = $3 AND closed_at IS NULL)
            """, arguments + [since])[0]
        return AttemptStarts(started: try row.decode(at: 0), hasOpen: try row.decode(at: 1))
    }

    /// The latest `limit` headers of a person's attempts at one quiz, oldest first.
    static func latest(_ connection: PostgresConnection, _ arguments: [(any PostgresBindable)?],
                       limit: Int) throws -> [AttemptHeader] {
        try connection.query("""
            SELECT \(headerColumns) FROM quiz_attempts WHERE user_id = $1 AND course_id = $2 AND quiz_id = $3
            ORDER BY number DESC LIMIT $4
            """, arguments + [max(0, limit)]).map(header).reversed()
    }

    static let headerColumns = """
        id, number, user_id, course_id, quiz_id, quiz_hash, started_at, deadline, closed_at, mark, max_mark, fraction, passed
        """

    static func header(_ row: PostgresRow) throws -> AttemptHeader {
        AttemptHeader(id: AttemptID(rawValue: try row.decode(at: 0)), number: try row.decode(at: 1),
                      userID: UserID(rawValue: try row.decode(at: 2)), courseID: try row.decode(at: 3),
                      quizID: QuizID(try row.decode(String.self, at: 4)), quizHash: try row.decode(at: 5),
                      startedAt: try row.decode(at: 6), deadline: try row.decodeIfPresent(at: 7),
                      summary: AttemptSummary(closedAt: try row.decodeIfPresent(at: 8), mark: try row.decodeIfPresent(at: 9),
                                              maxMark: try row.decode(at: 10), fraction: try row.decodeIfPresent(at: 11),
                                              passed: try row.decodeIfPresent(Int.self, at: 12).map { $0 == 1 }))
    }

    /// The attempts the condition selects (with `$n` placeholders for `arguments`), with their papers and steps, in one
    /// statement: each row carries its steps as one JSON array (the stored step texts joined in sequence order), so a
    /// person's 200 attempts are one round trip, not 201.
    static func load(_ connection: PostgresConnection, where condition: String,
                     _ arguments: [(any PostgresBindable)?]) throws -> [StoredAttempt] {
        let decoder = JSONDecoder()
        return try connection.query("""
            SELECT id, number, user_id, course_id, quiz_hash, paper, closed_at, mark, max_mark, fraction, passed,
                   (SELECT '[' || string_agg(s.step, ',' ORDER BY s.sequence) || ']' FROM attempt_steps s
                    WHERE s.attempt_id = quiz_attempts.id)
            FROM quiz_attempts WHERE \(condition)
            """, arguments).map { row in
            let id = AttemptID(rawValue: try row.decode(at: 0))
            let steps = try row.decodeIfPresent(String.self, at: 11).map { text in
                try decoder.decode([AttemptStep].self, from: Data(text.utf8))
            } ?? []
            let paper = try decoder.decode(Paper.self, from: Data(try row.decode(String.self, at: 5).utf8))
            return StoredAttempt(Attempt(id: id, number: try row.decode(at: 1), paper: paper, steps: steps),
                                 userID: UserID(rawValue: try row.decode(at: 2)), courseID: try row.decode(at: 3),
                                 quizHash: try row.decode(at: 4), closedAt: try row.decodeIfPresent(at: 6),
                                 mark: try row.decodeIfPresent(at: 7), maxMark: try row.decode(at: 8),
                                 fraction: try row.decodeIfPresent(at: 9),
                                 passed: try row.decodeIfPresent(Int.self, at: 10).map { $0 == 1 })
        }
    }
}
