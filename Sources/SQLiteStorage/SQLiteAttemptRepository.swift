import Assessment
import Foundation
import GRDB
import Synchronization
import TrainingServer

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
        try db.cachedStatement(sql: """
            SELECT \(Self.headerColumns) FROM quiz_attempts WHERE user_id = ? AND course_id = ? AND quiz_id = ?
            ORDER BY number DESC LIMIT ?
            """).rows(arguments + [max(0, limit)], Self.header).reversed()
    }

    public func tally(userID: UserID, courseID: String, quizID: QuizID) throws -> AttemptTally {
        try store.read { db in try Self.tally(db, [userID.rawValue, courseID, quizID.rawValue]) }
    }

    public func headers(userID: UserID) throws -> [AttemptHeader] {
        try store.read { db in
            try db.cachedStatement(sql: """
                SELECT \(Self.headerColumns) FROM quiz_attempts WHERE user_id = ? ORDER BY started_at DESC
                """).rows([userID.rawValue], Self.header)
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
        // Walks the distinct quizzes through the (user, course, quiz, …) indexes, one seek each, so the cost
        // follows the number of quizzes taken, not the number of attempts. The next quiz is sought in the same
        // course first, then in the next course: SQLite seeks a row value's range, `(course_id, quiz_id) > (?, ?)`,
        // on its first column only, and stepped over every attempt at the quiz it had just found.
        let passed = "EXISTS (SELECT 1 FROM quiz_attempts p WHERE p.user_id = a.user_id AND p.course_id = a.course_id "
            + "AND p.quiz_id = a.quiz_id AND p.passed = 1)"
        let first = try db.cachedStatement(sql: """
            SELECT a.course_id, a.quiz_id, \(passed) FROM quiz_attempts a WHERE a.user_id = ?
            ORDER BY a.course_id, a.quiz_id LIMIT 1
            """)
        let nextInCourse = try db.cachedStatement(sql: """
            SELECT a.course_id, a.quiz_id, \(passed) FROM quiz_attempts a
            WHERE a.user_id = ? AND a.course_id = ? AND a.quiz_id > ?
            ORDER BY a.quiz_id LIMIT 1
            """)
        let nextCourse = try db.cachedStatement(sql: """
            SELECT a.course_id, a.quiz_id, \(passed) FROM quiz_attempts a
            WHERE a.user_id = ? AND a.course_id > ?
            ORDER BY a.course_id, a.quiz_id LIMIT 1
            """)
        let outcome = { (row: ColumnRow) in
            QuizOutcome(courseID: row.string(0), quizID: QuizID(row.string(1)), passed: row.bool(2))
        }
        var outcomes: [QuizOutcome] = []
        var found = try first.firstRow([userID.rawValue], outcome)
        while let last = found {
            outcomes.append(last)
            found = try nextInCourse.firstRow([userID.rawValue, last.courseID, last.quizID.rawValue], outcome)
            if found == nil { found = try nextCourse.firstRow([userID.rawValue, last.courseID], outcome) }
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
            return StoredAttempt(attempt, userID: userID, courseID: courseID, quizHash: quizHash,
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
                stored.summary = summary
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

    /// The figures of a person's attempts at one quiz: each part is one index seek, however many attempts there
    /// are. The count is the highest attempt number: `start` numbers a person's attempts at a quiz 1, 2, 3… (the
    /// count so far plus one, in the transaction that inserts it, under the unique (user, course, quiz, number)
    /// key) and no attempt is ever deleted, so the highest number is the count; counting the index's entries
    /// instead cost a step per earlier attempt (about 90 µs at 1,000).
    static func tally(_ db: Database, _ arguments: StatementArguments) throws -> AttemptTally {
        try db.cachedStatement(sql: """
            SELECT (SELECT COALESCE(MAX(number), 0) FROM quiz_attempts WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3),
                   (SELECT MAX(number) FROM quiz_attempts
                     WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3 AND passed = 1),
                   (SELECT MAX(closed_at) FROM quiz_attempts WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3)
            """).firstRow(arguments) { row in
            AttemptTally(count: row.int(0), lastPassNumber: row.optionalInt(1), lastClose: row.optionalDouble(2))
        } ?? AttemptTally(count: 0, lastPassNumber: nil, lastClose: nil)
    }

    static let headerColumns = """
        id, number, user_id, course_id, quiz_id, quiz_hash, started_at, deadline, closed_at, mark, max_mark, fraction, passed
        """

    static func header(_ row: ColumnRow) -> AttemptHeader {
        AttemptHeader(id: AttemptID(rawValue: row.string(0)), number: row.int(1), userID: UserID(rawValue: Int64(row.int(2))),
                      courseID: row.string(3), quizID: QuizID(row.string(4)), quizHash: row.string(5),
                      startedAt: row.double(6), deadline: row.optionalDouble(7),
                      summary: AttemptSummary(closedAt: row.optionalDouble(8), mark: row.optionalDouble(9),
                                              maxMark: row.double(10), fraction: row.optionalDouble(11),
                                              passed: row.optionalBool(12)))
    }

    /// The attempts the condition selects, with their papers and steps: decoded ones are taken from `decoded` when
    /// the database still holds the last step decoded (same sequence and time; steps are only ever appended),
    /// and only the steps stored after it are read and decoded. Columns are read by index (`ColumnRow`); a paper is
    /// read from its row only when it is not known already.
    func load(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [StoredAttempt] {
        struct Found {
            var id: AttemptID
            var number: Int
            var known: DecodedAttempts.Entry?
            /// Read only when the attempt is not known decoded.
            var paper: String?
            var userID: UserID
            var courseID: String
            var quizHash: String
            var summary: AttemptSummary
        }
        let found = try db.cachedStatement(sql: """
            SELECT id, number, user_id, course_id, quiz_hash, closed_at, mark, max_mark, fraction, passed, paper
            FROM quiz_attempts WHERE \(condition)
            """).rows(arguments) { row in
            let id = AttemptID(rawValue: row.string(0))
            let known = decoded.attempt(id)
            return Found(id: id, number: row.int(1), known: known, paper: known == nil ? row.string(10) : nil,
                         userID: UserID(rawValue: Int64(row.int(2))), courseID: row.string(3), quizHash: row.string(4),
                         summary: AttemptSummary(closedAt: row.optionalDouble(5), mark: row.optionalDouble(6),
                                                 maxMark: row.double(7), fraction: row.optionalDouble(8),
                                                 passed: row.optionalBool(9)))
        }
        if found.isEmpty { return [] }
        // Made only when something is to be decoded: most loads find the paper and every step decoded already.
        var madeDecoder: JSONDecoder?
        func decoder() -> JSONDecoder {
            if let madeDecoder { return madeDecoder }
            let made = JSONDecoder()
            madeDecoder = made
            return made
        }
        let stepsFrom = try db.cachedStatement(sql: """
            SELECT sequence, at, step FROM attempt_steps WHERE attempt_id = ? AND sequence >= ? ORDER BY sequence
            """)
        typealias StepRow = (sequence: Int, at: Double, step: String)
        let stepRow = { (row: ColumnRow) -> StepRow in (row.int(0), row.double(1), row.string(2)) }
        return try found.map { found in
            let id = found.id
            var known = found.known
            // Read from the last step known (to check it is still there), or from the start.
            let from = max(0, (known?.steps.count ?? 0) - 1)
            var rows = try stepsFrom.rows([id.rawValue, from], stepRow)
            var paperText = found.paper
            if let last = known?.steps.last {
                if let first = rows.first, first.sequence == last.sequence, first.at == last.time {
                    rows.removeFirst()
                } else {
                    known = nil
                    rows = try stepsFrom.rows([id.rawValue, 0], stepRow)
                    paperText = try String.fetchOne(db.cachedStatement(sql: "SELECT paper FROM quiz_attempts WHERE id = ?"),
                                                    arguments: [id.rawValue])
                }
            }
            let paper = try known?.paper ?? decoder().decode(Paper.self, from: Data((paperText ?? "").utf8))
            var steps = known?.steps ?? []
            steps.reserveCapacity(steps.count + rows.count)
            for stepRow in rows {
                steps.append(try decoder().decode(AttemptStep.self, from: Data(stepRow.step.utf8)))
            }
            let attempt = Attempt(id: id, number: found.number, paper: paper, steps: steps)
            if !rows.isEmpty || known == nil { decoded.keep(attempt) }
            let summary = found.summary
            return StoredAttempt(attempt, userID: found.userID, courseID: found.courseID,
                                 quizHash: found.quizHash, closedAt: summary.closedAt, mark: summary.mark,
                                 maxMark: summary.maxMark, fraction: summary.fraction, passed: summary.passed)
        }
    }
}

/// Decoded papers and steps of recently used attempts, shared by the copies of one repository. An entry is only a
/// shortcut: `SQLiteAttemptRepository.load` checks it against the database (the last step it holds must still be
/// stored) and reads what was appended since. The attempts used last, at most `2 × generationSize`
/// (`RecentEntries`).
final class DecodedAttempts: Sendable {
    struct Entry: Sendable {
        var paper: Paper
        var steps: [AttemptStep]
    }

    /// The open attempts of several hundred people at once, and the closed ones whose results were just shown.
    static let generationSize = 512
    private let entries = Mutex(RecentEntries<AttemptID, Entry>(generationSize: generationSize))

    func attempt(_ id: AttemptID) -> Entry? {
        entries.withLock { $0.value(id) }
    }

    func keep(_ attempt: Attempt) {
        entries.withLock { $0.keep(Entry(paper: attempt.paper, steps: attempt.steps), for: attempt.id) }
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
