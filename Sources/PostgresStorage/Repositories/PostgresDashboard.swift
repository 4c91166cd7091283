import Assessment
import Foundation
import TrainingServer

/// What the dashboard shows of a person on PostgreSQL, as the SQLite engine's `SQLiteDashboard`: their module
/// progress, records (quiz outcomes, hours ledger, passes, certificates), assignment memberships (with certification
/// states when a programme is assigned to them) and unread announcements when asked for.
///
/// **One statement, one snapshot.** Everything is read by ONE statement (`SELECT … UNION ALL SELECT …`), which sees
/// one snapshot as a whole (a module completed meanwhile shows in both the progress and the ledger, or in neither),
/// so the page costs one round trip and no transaction (a repeatable-read transaction around separate reads was eight
/// statements: BEGIN, six reads, COMMIT). Each part of the union gives its columns first, as text in the positions its
/// row decoder reads (the decoders read the text PostgreSQL writes, the same for a column and its `::text`), padded
/// with NULLs to the widest part, then its rank in the order the separate read would give (`ordinal`) and its name
/// (`part`); rows are sorted by part and rank, and sorted out by part here.
public struct PostgresDashboard: DashboardRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func snapshot(of userID: UserID, announcementsOn today: ISODay?) throws -> DashboardSnapshot {
        let parts = try pool.withConnection { connection in
            try Self.read(Part.allCases, on: connection, userID: userID, today: today)
        }
        let memberships = try Self.memberships(parts)
        let states = memberships.contains { $0.assignment.item.kind == .program }
            ? try Self.certificationStates(parts) : [:]
        return DashboardSnapshot(
            try parts[.progress, default: []].map(PostgresLearningRepository.progress),
            records: LearnerRecords(try Self.outcomes(parts), ledger: try Self.ledger(parts),
                                    passes: try Self.passes(parts), certificates: try Self.certificates(parts)),
            memberships: memberships, certificationStates: states,
            announcements: try Self.announcements(parts))
    }

    public func courseRecords(of userID: UserID) throws -> (progress: [ModuleProgress], outcomes: [QuizOutcome]) {
        let parts = try pool.withConnection { connection in
            try Self.read([.progress, .outcome], on: connection, userID: userID, today: nil)
        }
        return (try parts[.progress, default: []].map(PostgresLearningRepository.progress), try Self.outcomes(parts))
    }

    // MARK: The statement

    /// The parts of the statement: what the separate reads were, each with its columns (as its decoder reads them),
    /// its source and its order. `$1` is the person, `$2` the day announcements are shown on (NULL: none); the CTEs
    /// `quiz` (the quizzes the person attempted, `PostgresAttemptRepository.quizzesTaken`), `member` (their
    /// memberships) and `unread` (their unread announcement notices shown on `$2`, the newest 20) are shared by the
    /// parts that follow from them.
    enum Part: String, CaseIterable {
        case progress, outcome, ledger, pass, certificate, member, state, assignment, person, notice, announcement

        var columns: [String] {
            switch self {
            case .progress: ["course_id", "module_id", "seconds", "started_at", "last_activity_at", "completed_at"]
            case .outcome: ["course_id", "quiz_id", PostgresAttemptRepository.quizPassed]
            case .ledger: ["year", "source", "course_id", "item_id", "hours", "at"]
            case .pass: ["course_id", "quiz_id", "closed_at"]
            case .certificate: ["id", "user_id", "program_id", "kind", "issued_at", "expires_at", "revoked_at",
                                "revoked_reason", "revoked_by", "credential"]
            case .member: ["assignment_id", "user_id", "assigned_at", "due_day", "extended_day", "exempt_at", "left_at"]
            case .state: ["program_id", "state"]
            case .assignment: PostgresAssignmentRows.columns.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            case .person: ["assignment_id", "user_id"]
            case .notice: ["id", "user_id", "kind", "parameters", "link", "dedupe_key", "announcement_id", "created_at",
                           "read_at"]
            case .announcement: PostgresAnnouncements.columns.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            }
        }

        /// FROM … [WHERE …] [GROUP BY …].
        var source: String {
            switch self {
            case .progress: "module_progress WHERE user_id = $1"
            case .outcome: "quiz"
            case .ledger: "hours_ledger WHERE user_id = $1"
            case .pass: "quiz_attempts WHERE user_id = $1 AND passed = 1 AND closed_at IS NOT NULL"
            case .certificate: "certificates WHERE user_id = $1"
            case .member: "member"
            case .state: "certifications WHERE user_id = $1"
            case .assignment: "assignments a WHERE a.id IN (SELECT assignment_id FROM member)"
            case .person: """
                assignment_people WHERE assignment_id IN (
                    SELECT a.id FROM assignments a WHERE a.id IN (SELECT assignment_id FROM member) AND a.audience = 'people')
                """
            case .notice: "unread"
            case .announcement: "announcements a WHERE a.id IN (SELECT announcement_id FROM unread)"
            }
        }

        /// The order of the separate read (SQLite's), as the window's ORDER BY.
        var order: String {
            switch self {
            case .progress: #"course_id COLLATE "C", module_id COLLATE "C""#
            case .outcome: #"course_id COLLATE "C", quiz_id COLLATE "C""#
            case .ledger: "at, id"
            case .pass: #"closed_at, id COLLATE "C""#
            case .certificate: #"issued_at, id COLLATE "C""#
            case .member: "assignment_id"
            case .state: #"program_id COLLATE "C""#
            case .assignment: "a.created_at DESC, a.id DESC"
            case .person: "assignment_id, user_id"
            case .notice: "id DESC"
            case .announcement: "a.id"
            }
        }
    }

    /// The rows of each part asked for, in one statement.
    static func read(_ parts: [Part], on connection: PostgresConnection, userID: UserID,
                     today: ISODay?) throws -> [Part: [PostgresRow]] {
        let width = parts.map(\.columns.count).max() ?? 0
        let selects = parts.map { part in
            let columns = part.columns.map { "(\($0))::text" }
                + Array(repeating: "NULL::text", count: width - part.columns.count)
            return """
                SELECT \(columns.joined(separator: ", ")), row_number() OVER (ORDER BY \(part.order)) AS ordinal, \
                '\(part.rawValue)' AS part FROM \(part.source)
                """
        }
        let rows = try connection.query("""
            WITH RECURSIVE \(PostgresAttemptRepository.quizzesTaken),
            member AS (
                SELECT \(PostgresAssignmentRepository.memberColumns) FROM assignment_members m WHERE m.user_id = $1),
            unread AS (
                SELECT n.id, n.user_id, n.kind, n.parameters, n.link, n.dedupe_key, n.announcement_id, n.created_at,
                       n.read_at
                FROM notices n JOIN announcements a ON a.id = n.announcement_id
                WHERE $2::text IS NOT NULL AND n.user_id = $1 AND n.read_at IS NULL AND n.announcement_id IS NOT NULL
                    AND a.withdrawn_at IS NULL AND (a.ends_on IS NULL OR a.ends_on COLLATE "C" >= $2::text)
                ORDER BY n.id DESC LIMIT 20)
            \(selects.joined(separator: "\nUNION ALL\n"))
            ORDER BY part, ordinal
            """, userID.rawValue, today?.description)
        var found: [Part: [PostgresRow]] = [:]
        for row in rows {
            guard let part = Part(rawValue: try row.decode(at: width + 1)) else { continue }
            found[part, default: []].append(row)
        }
        return found
    }

    // MARK: The parts, decoded as the separate reads decode them

    static func outcomes(_ parts: [Part: [PostgresRow]]) throws -> [QuizOutcome] {
        try parts[.outcome, default: []].map { row in
            QuizOutcome(courseID: try row.decode(at: 0), quizID: QuizID(try row.decode(String.self, at: 1)),
                        passed: try row.decode(at: 2))
        }
    }

    static func ledger(_ parts: [Part: [PostgresRow]]) throws -> [LedgerEntry] {
        try parts[.ledger, default: []].map { row in
            LedgerEntry(try row.decode(at: 0), source: HoursSource(rawValue: try row.decode(at: 1)) ?? .module,
                        courseID: try row.decode(at: 2), itemID: try row.decode(at: 3), hours: try row.decode(at: 4),
                        at: try row.decode(at: 5))
        }
    }

    static func passes(_ parts: [Part: [PostgresRow]]) throws -> [(courseID: String, quizID: String, at: Double)] {
        try parts[.pass, default: []].map { row in
            (courseID: try row.decode(at: 0), quizID: try row.decode(at: 1), at: try row.decode(at: 2))
        }
    }

    static func certificates(_ parts: [Part: [PostgresRow]]) throws -> [StoredCertificate] {
        try parts[.certificate, default: []].map(PostgresCertificationRepository.certificate)
    }

    static func certificationStates(_ parts: [Part: [PostgresRow]]) throws -> [String: CertificationStateName] {
        var states: [String: CertificationStateName] = [:]
        for row in parts[.state, default: []] {
            states[try row.decode(at: 0)] = CertificationStateName(rawValue: try row.decode(at: 1))
        }
        return states
    }

    /// As `PostgresAssignmentRepository.memberships`: members in assignment order, each with its assignment (a
    /// people audience with its named people in id order).
    static func memberships(_ parts: [Part: [PostgresRow]]) throws -> [PersonAssignment] {
        var people: [Int64: [UserID]] = [:]
        for row in parts[.person, default: []] {
            people[try row.decode(at: 0), default: []].append(UserID(rawValue: try row.decode(at: 1)))
        }
        var assignments: [AssignmentID: Assignment] = [:]
        for row in parts[.assignment, default: []] {
            guard let assignment = try PostgresAssignmentRows.assignment(
                row, people: people[try row.decode(Int64.self, at: 0)] ?? []) else { continue }
            assignments[assignment.id] = assignment
        }
        return try parts[.member, default: []].compactMap { row in
            let member = try PostgresAssignmentRepository.member(row)
            return assignments[member.assignmentID].map { PersonAssignment(assignment: $0, member: member) }
        }
    }

    /// As `PostgresNotices.unreadAnnouncements`: the notices newest first, each with its announcement.
    static func announcements(_ parts: [Part: [PostgresRow]]) throws -> [(notice: Notice, announcement: Announcement)] {
        var announcements: [Int64: Announcement] = [:]
        for row in parts[.announcement, default: []] {
            let announcement = try PostgresAnnouncements.announcement(row, counted: false)
            announcements[announcement.id] = announcement
        }
        return try parts[.notice, default: []].compactMap { row in
            let notice = try PostgresNotices.notice(row)
            return notice.announcementID.flatMap { announcements[$0] }.map { (notice, $0) }
        }
    }
}
