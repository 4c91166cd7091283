import Assessment
import Foundation
import GRDB
import Synchronization

/// Quiz attempts in SQLite: a row per attempt (paper and cached summary) and append-only steps.
public struct SQLiteAttemptRepository: AttemptRepository {
    let store: Store
    /// Papers and steps already decoded, so a page of an attempt decodes only the steps stored since.
    let decoded = DecodedAttempts()
    /// Quiz versions known to be stored (versions are only ever added), so a start does not look each one up.
    let storedVersions = StoredVersions()

    public init(store: Store) { self.store = store }

    public func attempts(userID: UserID, courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        try store.read { db in
            try load(db, where: "user_id = ? AND course_id = ? AND quiz_id = ? ORDER BY number",
                          [userID.rawValue, courseID, quizID.rawValue])
        }
    }

    public func attempts(userID: UserID) throws -> [StoredAttempt] {
        try store.read { db in try load(db, where: "user_id = ? ORDER BY started_at DESC", [userID.rawValue]) }
    }

    public func attempt(id: AttemptID) throws -> StoredAttempt? {
        try store.read { db in try load(db, where: "id = ?", [id.rawValue]).first }
    }

    public func attempts(courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        try store.read { db in
            try load(db, where: "course_id = ? AND quiz_id = ? ORDER BY started_at", [courseID, quizID.rawValue])
        }
    }

    public func history(userID: UserID, courseID: String, quizID: QuizID,
                        limit: Int) throws -> (AttemptTally, [AttemptHeader]) {
        try store.read { db in
            let arguments: StatementArguments = [userID.rawValue, courseID, quizID.rawValue]
            return (try Self.tally(db, arguments), try Self.latest(db, arguments, limit: limit))
        }
    }

    public func overview(userID: UserID, courseID: String, quizID: QuizID, limit: Int,
                         startsSince: Double?) throws -> AttemptOverview {
        try store.read { db in
            let arguments: StatementArguments = [userID.rawValue, courseID, quizID.rawValue]
            let open = try load(db, where: Self.openAtQuiz, arguments)
            let tally = try Self.tally(db, arguments)
            let recent = limit > 0 ? try Self.latest(db, arguments, limit: limit) : []
            let starts = try startsSince.map { try Self.starts(db, arguments, since: $0) }
            return AttemptOverview(open: open, tally: tally, recent: recent, starts: starts)
        }
    }

    /// The latest `limit` headers of a person's attempts at one quiz, oldest first.
    static func latest(_ db: Database, _ arguments: StatementArguments, limit: Int) throws -> [AttemptHeader] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.headerColumns) FROM quiz_attempts WHERE user_id = ? AND course_id = ? AND quiz_id = ?
            ORDER BY number DESC LIMIT ?
            """), arguments: arguments + [max(0, limit)]).reversed().map(Self.header)
    }

    public func tally(userID: UserID, courseID: String, quizID: QuizID) throws -> AttemptTally {
        try store.read { db in try Self.tally(db, [userID.rawValue, courseID, quizID.rawValue]) }
    }

    public func headers(userID: UserID) throws -> [AttemptHeader] {
        try store.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.headerColumns) FROM quiz_attempts WHERE user_id = ? ORDER BY started_at DESC
                """), arguments: [userID.rawValue]).map(Self.header)
        }
    }

    public func openAttempts(userID: UserID, courseID: String?, quizID: QuizID?) throws -> [StoredAttempt] {
        try store.read { db in
            if let courseID, let quizID {
                return try load(db, where: Self.openAtQuiz, [userID.rawValue, courseID, quizID.rawValue])
            }
            return try load(db, where: "user_id = ? AND closed_at IS NULL ORDER BY started_at DESC", [userID.rawValue])
        }
    }

    public func outcomes(userID: UserID) throws -> [QuizOutcome] {
        try store.read { db in try Self.outcomes(db, userID: userID) }
    }

    /// The outcomes inside a read the caller holds (pages that read several records in one snapshot).
    static func outcomes(_ db: Database, userID: UserID) throws -> [QuizOutcome] {
        // Walks the distinct quizzes through the (user, course, quiz, number) index, one seek each, so the cost
        // follows the number of quizzes taken, not the number of attempts.
        let passed = "EXISTS (SELECT 1 FROM quiz_attempts p WHERE p.user_id = a.user_id AND p.course_id = a.course_id "
            + "AND p.quiz_id = a.quiz_id AND p.passed = 1)"
        let first = try db.cachedStatement(sql: """
            SELECT a.course_id, a.quiz_id, \(passed) FROM quiz_attempts a WHERE a.user_id = ?
            ORDER BY a.course_id, a.quiz_id LIMIT 1
            """)
        let next = try db.cachedStatement(sql: """
            SELECT a.course_id, a.quiz_id, \(passed) FROM quiz_attempts a
            WHERE a.user_id = ? AND (a.course_id, a.quiz_id) > (?, ?)
            ORDER BY a.course_id, a.quiz_id LIMIT 1
            """)
        var outcomes: [QuizOutcome] = []
        var row = try Row.fetchOne(first, arguments: [userID.rawValue])
        while let found = row {
            let outcome = QuizOutcome(courseID: found[0], quizID: QuizID(found[1] as String), passed: found[2])
            outcomes.append(outcome)
            row = try Row.fetchOne(next, arguments: [userID.rawValue, outcome.courseID, outcome.quizID.rawValue])
        }
        return outcomes
    }

    public func start(userID: UserID, courseID: String, quizID: QuizID, quizHash: String,
                      decide: (AttemptTally, [StoredAttempt]) throws -> (Attempt, AttemptSummary)) throws -> StoredAttempt {
        let started = try store.write { db in
            let arguments: StatementArguments = [userID.rawValue, courseID, quizID.rawValue]
            let tally = try Self.tally(db, arguments)
            let open = try load(db, where: Self.openAtQuiz, arguments)
            let (attempt, summary) = try decide(tally, open)
            let paper = PaperJSON.text(attempt.paper)
            let startedAt = attempt.steps.first?.time ?? 0
            var deadline: Double?
            if case .start(_, let limit, _, _)? = attempt.steps.first?.action { deadline = limit }
            try db.cachedStatement(sql: """
                INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at, deadline,
                                           closed_at, mark, max_mark, fraction, passed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [attempt.id.rawValue, userID.rawValue, courseID, quizID.rawValue, attempt.number,
                                         quizHash, paper, startedAt, deadline, summary.closedAt, summary.mark,
                                         summary.maxMark, summary.fraction, summary.passed])
            for step in attempt.steps { try Self.insert(step, attemptID: attempt.id, in: db) }
            return StoredAttempt(attempt: attempt, userID: userID, courseID: courseID, quizHash: quizHash,
                                 closedAt: summary.closedAt, mark: summary.mark, maxMark: summary.maxMark,
                                 fraction: summary.fraction, passed: summary.passed)
        }
        // Committed: the pages that follow find the paper and steps decoded.
        decoded.keep(started.attempt)
        return started
    }

    public func append(attemptID: AttemptID,
                       decide: (StoredAttempt) throws -> ([AttemptStep], AttemptSummary?)) throws -> StoredAttempt {
        let updated = try store.write { db in
            guard var stored = try load(db, where: "id = ?", [attemptID.rawValue]).first else {
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
        decoded.keep(updated.attempt)
        return updated
    }

    public func saveVersion(courseID: String, quiz: QuizDefinition, at: Double) throws {
        // Versions are only ever added: once this one is stored, a start needs neither the JSON nor a write, and
        // once this repository has seen it stored, not even a read.
        let key = StoredVersions.Key(courseID: courseID, quizID: quiz.id.rawValue, contentHash: quiz.contentHash)
        if storedVersions.contains(key) { return }
        let stored = try store.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT 1 FROM quiz_versions WHERE course_id = ? AND quiz_id = ? AND content_hash = ?
                """), arguments: [courseID, quiz.id.rawValue, quiz.contentHash]) ?? false
        }
        if stored {
            storedVersions.insert(key)
            return
        }
        let json = String(decoding: try Self.encoder.encode(quiz), as: UTF8.self)
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO quiz_versions (course_id, quiz_id, content_hash, definition, first_used_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, arguments: [courseID, quiz.id.rawValue, quiz.contentHash, json, at])
        }
        storedVersions.insert(key)
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
        let json = StepJSON.text(step)
        try db.cachedStatement(sql: """
            INSERT INTO attempt_steps (attempt_id, sequence, at, step, idempotency_key) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [attemptID.rawValue, step.sequence, step.time, json, step.idempotencyKey])
    }

    static func update(_ summary: AttemptSummary, attemptID: AttemptID, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE quiz_attempts SET closed_at = ?, mark = ?, max_mark = ?, fraction = ?, passed = ? WHERE id = ?
            """).execute(arguments: [summary.closedAt, summary.mark, summary.maxMark, summary.fraction, summary.passed,
                                     attemptID.rawValue])
    }

    /// Open attempts of a person at one quiz (the partial index `quiz_attempts_open` finds them).
    static let openAtQuiz = "user_id = ? AND course_id = ? AND quiz_id = ? AND closed_at IS NULL ORDER BY number"

    /// The figures of a person's attempts at one quiz: each part is one index seek or an index-only count.
    static func tally(_ db: Database, _ arguments: StatementArguments) throws -> AttemptTally {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT COUNT(*) FROM quiz_attempts WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3),
                   (SELECT MAX(number) FROM quiz_attempts
                     WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3 AND passed = 1),
                   (SELECT MAX(closed_at) FROM quiz_attempts WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3)
            """), arguments: arguments)
        return AttemptTally(count: row?[0] ?? 0, lastPassNumber: row?[1], lastClose: row?[2])
    }

    static let headerColumns = """
        id, number, user_id, course_id, quiz_id, quiz_hash, started_at, deadline, closed_at, mark, max_mark, fraction, passed
        """

    static func header(_ row: Row) -> AttemptHeader {
        AttemptHeader(id: AttemptID(rawValue: row[0]), number: row[1], userID: UserID(rawValue: row[2]), courseID: row[3],
                      quizID: QuizID(row[4] as String), quizHash: row[5], startedAt: row[6], deadline: row[7],
                      summary: AttemptSummary(closedAt: row[8], mark: row[9], maxMark: row[10], fraction: row[11],
                                              passed: row[12]))
    }

    /// The attempts the condition selects, with their papers and steps: decoded ones are taken from `decoded` when
    /// the database still holds the last step decoded (same sequence and time; steps are only ever appended),
    /// and only the steps stored after it are read and decoded.
    func load(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [StoredAttempt] {
        let decoder = JSONDecoder()
        let stepsFrom = try db.cachedStatement(sql: """
            SELECT sequence, at, step FROM attempt_steps WHERE attempt_id = ? AND sequence >= ? ORDER BY sequence
            """)
        return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM quiz_attempts WHERE \(condition)"),
                                arguments: arguments).map { row in
            let id = AttemptID(rawValue: row["id"])
            var known = decoded.attempt(id)
            // Read from the last step known (to check it is still there), or from the start.
            let from = max(0, (known?.steps.count ?? 0) - 1)
            var rows = try Row.fetchAll(stepsFrom, arguments: [id.rawValue, from])
            if let last = known?.steps.last {
                let first = rows.first
                if first.map({ ($0[0] as Int) == last.sequence && ($0[1] as Double) == last.time }) == true {
                    rows.removeFirst()
                } else {
                    known = nil
                    rows = try Row.fetchAll(stepsFrom, arguments: [id.rawValue, 0])
                }
            }
            let paper = try known?.paper ?? decoder.decode(Paper.self, from: Data((row["paper"] as String).utf8))
            var steps = known?.steps ?? []
            steps.reserveCapacity(steps.count + rows.count)
            for stepRow in rows {
                steps.append(try decoder.decode(AttemptStep.self, from: Data((stepRow[2] as String).utf8)))
            }
            let attempt = Attempt(id: id, number: row["number"], paper: paper, steps: steps)
            if !rows.isEmpty || known == nil { decoded.keep(attempt) }
            return StoredAttempt(attempt: attempt,
                                 userID: UserID(rawValue: row["user_id"]), courseID: row["course_id"],
                                 quizHash: row["quiz_hash"], closedAt: row["closed_at"], mark: row["mark"],
                                 maxMark: row["max_mark"], fraction: row["fraction"], passed: row["passed"])
        }
    }
}

/// Decoded papers and steps of recently used attempts, shared by the copies of one repository. An entry is only a
/// shortcut: `SQLiteAttemptRepository.load` checks it against the database (the last step it holds must still be
/// stored) and reads what was appended since. At most `capacity` attempts; the whole cache is dropped when full.
final class DecodedAttempts: Sendable {
    struct Entry: Sendable {
        var paper: Paper
        var steps: [AttemptStep]
    }

    static let capacity = 4_096
    private let entries = Mutex<[AttemptID: Entry]>([:])

    func attempt(_ id: AttemptID) -> Entry? {
        entries.withLock { $0[id] }
    }

    func keep(_ attempt: Attempt) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, entries[attempt.id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[attempt.id] = Entry(paper: attempt.paper, steps: attempt.steps)
        }
    }
}

/// The quiz versions a repository has seen stored in `quiz_versions` (rows there are never changed or removed).
final class StoredVersions: Sendable {
    struct Key: Hashable, Sendable {
        var courseID: String
        var quizID: String
        var contentHash: String
    }

    private let keys = Mutex<Set<Key>>([])

    func contains(_ key: Key) -> Bool { keys.withLock { $0.contains(key) } }

    func insert(_ key: Key) { _ = keys.withLock { $0.insert(key) } }
}
