import Foundation
import GRDB
import TrainingServer

/// Certifications, their history, certificates and the notification outbox in SQLite.
public struct SQLiteCertificationRepository: CertificationRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func passes(userID: UserID) throws -> [(courseID: String, quizID: String, at: Double)] {
        try store.read { db in try Self.passes(db, userID: userID) }
    }

    public func learnerRecords(userID: UserID) throws -> LearnerRecords {
        try store.read { db in try Self.learnerRecords(db, userID: userID) }
    }

    /// The person's records in the caller's read (the dashboard reads them with other things in one).
    static func learnerRecords(_ db: Database, userID: UserID) throws -> LearnerRecords {
        LearnerRecords(try SQLiteAttemptRepository.outcomes(db, userID: userID),
                       ledger: try SQLiteLearningRepository.ledger(db, userID: userID),
                       passes: try Self.passes(db, userID: userID),
                       certificates: try Self.certificates(db, where: "user_id = ?", [userID.rawValue]))
    }

    private static func passes(_ db: Database, userID: UserID) throws -> [(courseID: String, quizID: String, at: Double)] {
        try db.cachedStatement(sql: """
            SELECT course_id, quiz_id, closed_at FROM quiz_attempts
            WHERE user_id = ? AND passed = 1 AND closed_at IS NOT NULL ORDER BY closed_at
            """).rows([userID.rawValue]) { ($0.string(0), $0.string(1), $0.double(2)) }
    }

    public func stored(userID: UserID, programID: String) throws -> StoredCertification {
        try store.read { db in
            let history = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM certification_history WHERE user_id = ? AND program_id = ? ORDER BY at, id
                """), arguments: [userID.rawValue, programID]).compactMap { row -> CertificationTransition? in
                guard let from = CertificationState(rawValue: row["from_state"]),
                      let to = CertificationState(rawValue: row["to_state"]),
                      let event = CertificationTransition.Event(rawValue: row["event"]) else { return nil }
                return CertificationTransition(at: row["at"], from: from, to: to, event: event, cycle: row["cycle"],
                                               note: row["note"], by: row["by"])
            }
            let certificates = try Self.certificates(db, where: "user_id = ? AND program_id = ?", [userID.rawValue, programID])
            return StoredCertification(history, certificates: certificates)
        }
    }

    public func apply(_ update: CertificationUpdate, at now: Double, by actor: AuditActor) throws {
        try store.write { db in
            if let basis = update.basis {
                let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT (SELECT count(*) FROM certification_history WHERE user_id = ?1 AND program_id = ?2),
                           (SELECT count(*) FROM certificates WHERE user_id = ?1 AND program_id = ?2),
                           (SELECT count(revoked_at) FROM certificates WHERE user_id = ?1 AND program_id = ?2)
                    """), arguments: [update.userID.rawValue, update.programID])
                let found = CertificationBasis(historyRows: row?[0] ?? 0, certificates: row?[1] ?? 0, revoked: row?[2] ?? 0)
                guard found == basis else { throw CertificationUpdateStale(found: found) }
            }
            let record = update.record
            if record.state == .notStarted {
                try db.cachedStatement(sql: "DELETE FROM certifications WHERE user_id = ? AND program_id = ?")
                    .execute(arguments: [update.userID.rawValue, update.programID])
            } else {
                let current = record.currentCycle ?? record.latestCycle
                let certificateID = try current.flatMap { cycle in
                    try String.fetchOne(db.cachedStatement(sql: """
                        SELECT id FROM certificates WHERE user_id = ? AND program_id = ? AND kind = ? AND issued_at = ?
                            AND expires_at = ?
                        """), arguments: [update.userID.rawValue, update.programID, cycle.kind.rawValue, cycle.issuedAt,
                                         cycle.expiresAt])
                } ?? update.issue.last?.id.rawValue
                try db.cachedStatement(sql: """
                    INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at,
                                                window_opens_at, certificate_id, updated_at)
                    SELECT id, ?, department_id, ?, ?, ?, ?, ?, ? FROM users WHERE id = ?
                    ON CONFLICT (user_id, program_id) DO UPDATE SET state = excluded.state,
                        certified_at = excluded.certified_at, expires_at = excluded.expires_at,
                        window_opens_at = excluded.window_opens_at, certificate_id = excluded.certificate_id,
                        updated_at = excluded.updated_at
                    """).execute(arguments: [update.programID, record.state.rawValue, current?.issuedAt, current?.expiresAt,
                                     current?.windowOpensAt, certificateID, now, update.userID.rawValue])
            }
            for entry in update.newHistory {
                try db.cachedStatement(sql: """
                    INSERT INTO certification_history (user_id, program_id, at, from_state, to_state, event, cycle, note, by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [update.userID.rawValue, update.programID, entry.at, entry.from.rawValue,
                                     entry.to.rawValue, entry.event.rawValue, entry.cycle, entry.note, entry.by])
            }
            for certificate in update.issue {
                try db.cachedStatement(sql: """
                    INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, credential)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """).execute(arguments: [certificate.id.rawValue, certificate.userID.rawValue, certificate.programID,
                                     certificate.kind.rawValue, certificate.issuedAt, certificate.expiresAt,
                                     certificate.credential])
            }
            for (id, reason) in update.withdraw {
                try db.cachedStatement(sql: """
                    UPDATE certificates SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL
                    """).execute(arguments: [now, reason, actor.name, id.rawValue])
            }
            for notification in update.notifications {
                let payload = AuditChain.encode(notification.payload)
                try db.cachedStatement(sql: """
                    INSERT INTO notification_outbox (user_id, kind, program_id, payload, created_at) VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [update.userID.rawValue, notification.kind, update.programID, payload, now])
            }
            for event in update.audit { try AuditChain.append(event, by: actor, at: now, in: db) }
        }
    }

    public func certificate(_ id: CertificateID) throws -> StoredCertificate? {
        try store.read { db in try Self.certificates(db, where: "id = ?", [id.rawValue]).first }
    }

    public func certificates(userID: UserID) throws -> [StoredCertificate] {
        try store.read { db in try Self.certificates(db, where: "user_id = ?", [userID.rawValue]) }
    }

    public func revoke(_ id: CertificateID, reason: String, by actor: AuditActor, at now: Double) throws -> Bool {
        try store.write { db in
            try db.cachedStatement(sql: """
                UPDATE certificates SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL
                """).execute(arguments: [now, reason, actor.name, id.rawValue])
            guard db.changesCount == 1 else { return false }
            try AuditChain.append(AuditEvent(action: "certificate.revoke", subject: "certificate:\(id.rawValue)",
                                             details: ["reason": reason]), by: actor, at: now, in: db)
            return true
        }
    }

    public func reinstate(_ id: CertificateID, reason: String, by actor: AuditActor, at now: Double) throws -> Bool {
        try store.write { db in
            guard let revoked = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT revoked_reason, revoked_by FROM certificates
                WHERE id = ? AND revoked_at IS NOT NULL AND revoked_reason IS NOT ?
                """), arguments: [id.rawValue, CertificationRecord.CycleChanges.withdrawalReason]) else { return false }
            try db.cachedStatement(sql: """
                UPDATE certificates SET revoked_at = NULL, revoked_reason = NULL, revoked_by = NULL WHERE id = ?
                """).execute(arguments: [id.rawValue])
            let previous: String? = revoked["revoked_reason"]
            let revokedBy: String? = revoked["revoked_by"]
            try AuditChain.append(AuditEvent(action: "certificate.reinstate", subject: "certificate:\(id.rawValue)",
                                             details: ["reason": reason, "revoked_reason": previous ?? "",
                                                       "revoked_by": revokedBy ?? ""]), by: actor, at: now, in: db)
            return true
        }
    }

    public func dueForSweep(now: Double) throws -> [UserID] {
        try store.read { db in
            try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT DISTINCT user_id FROM certifications
                WHERE (state = 'certified' AND window_opens_at <= ?) OR (state IN ('certified', 'due_for_renewal') AND expires_at <= ?)
                """), arguments: [now, now]).map(UserID.init(rawValue:))
        }
    }

    public func everyoneWithEvidence() throws -> [UserID] {
        try store.read { db in
            try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT user_id FROM certifications UNION SELECT user_id FROM quiz_attempts WHERE passed = 1
                """)).map(UserID.init(rawValue:))
        }
    }

    static func certificates(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [StoredCertificate] {
        try db.cachedStatement(sql: """
            SELECT id, user_id, program_id, kind, issued_at, expires_at, revoked_at, revoked_reason, revoked_by, credential
            FROM certificates WHERE \(condition) ORDER BY issued_at
            """).rows(arguments) { row in
            StoredCertificate(CertificateID(rawValue: row.string(0)), userID: UserID(rawValue: Int64(row.int(1))),
                              programID: row.string(2),
                              kind: CertificationCycle.Kind(rawValue: row.string(3)) ?? .initial,
                              issuedAt: row.double(4), expiresAt: row.double(5), revokedAt: row.optionalDouble(6),
                              revokedReason: row.optionalString(7), revokedBy: row.optionalString(8),
                              credential: row.string(9))
        }
    }
}
