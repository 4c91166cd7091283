import TrainingServer

/// Certifications, their history, certificates and the notification outbox on PostgreSQL, with the SQLite engine's
/// orders and rules (the history by time then order written, certificates in issue order, the same JSON payloads).
///
/// **Concurrency.** `apply` holds an advisory lock on (person, programme) (`certification` namespace) for its
/// transaction, so two servers applying updates of one person's programme at once (a sweep and a passed quiz) write
/// one after the other, never interleaved; a certificate is inserted `ON CONFLICT DO NOTHING` on its cycle's key
/// (`certificates_cycle`), so one cycle is issued once whoever writes it. Revoking and withdrawing are conditional
/// (`WHERE revoked_at IS NULL`): of two servers revoking one certificate one changes it and writes the audit row, the
/// other reports it already revoked. Reinstating locks the certificate's row before reading why it was revoked.
/// `learnerRecords` reads in one REPEATABLE READ snapshot.
public struct PostgresCertificationRepository: CertificationRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func passes(userID: UserID) throws -> [(courseID: String, quizID: String, at: Double)] {
        try pool.withConnection { connection in try Self.passes(connection, userID: userID) }
    }

    public func learnerRecords(userID: UserID) throws -> LearnerRecords {
        try pool.transaction(.repeatableRead) { connection in try Self.learnerRecords(connection, userID: userID) }
    }

    /// The person's outcomes, hours ledger, passes and certificates, on the caller's connection (inside a
    /// repeatable-read transaction, so they agree with each other).
    static func learnerRecords(_ connection: PostgresConnection, userID: UserID) throws -> LearnerRecords {
        LearnerRecords(try PostgresAttemptRepository.outcomes(connection, userID: userID),
                       ledger: try PostgresLearningRepository.ledger(connection, userID: userID),
                       passes: try Self.passes(connection, userID: userID),
                       certificates: try Self.certificates(connection, where: "user_id = $1", [userID.rawValue]))
    }

    static func passes(_ connection: PostgresConnection, userID: UserID) throws -> [(courseID: String, quizID: String, at: Double)] {
        try connection.query("""
            SELECT course_id, quiz_id, closed_at FROM quiz_attempts
            WHERE user_id = $1 AND passed = 1 AND closed_at IS NOT NULL ORDER BY closed_at, id COLLATE "C"
            """, userID.rawValue).map { row in
            (courseID: try row.decode(at: 0), quizID: try row.decode(at: 1), at: try row.decode(at: 2))
        }
    }

    public func stored(userID: UserID, programID: String) throws -> StoredCertification {
        try pool.transaction(.repeatableRead) { connection in
            let history = try connection.query("""
                SELECT at, from_state, to_state, event, cycle, note, "by" FROM certification_history
                WHERE user_id = $1 AND program_id = $2 ORDER BY at, id
                """, userID.rawValue, programID).compactMap { row -> CertificationTransition? in
                guard let from = CertificationState(rawValue: try row.decode(at: 1)),
                      let to = CertificationState(rawValue: try row.decode(at: 2)),
                      let event = CertificationTransition.Event(rawValue: try row.decode(at: 3)) else { return nil }
                return CertificationTransition(at: try row.decode(at: 0), from: from, to: to, event: event,
                                               cycle: try row.decodeIfPresent(at: 4), note: try row.decodeIfPresent(at: 5),
                                               by: try row.decodeIfPresent(at: 6))
            }
            let certificates = try Self.certificates(connection, where: "user_id = $1 AND program_id = $2",
                                                     [userID.rawValue, programID])
            return StoredCertification(history, certificates: certificates)
        }
    }

    public func apply(_ update: CertificationUpdate, at now: Double, by actor: AuditActor) throws {
        try pool.transaction { connection in
            try PostgresLocks.lock(texts: ["\(update.userID.rawValue)\u{1F}\(update.programID)"],
                                   namespace: "certification", on: connection)
            // Under the lock and (READ COMMITTED) reading what committed before it: the rows the update was decided
            // from must still be all there is.
            if let basis = update.basis {
                let row = try connection.query("""
                    SELECT (SELECT count(*) FROM certification_history WHERE user_id = $1 AND program_id = $2),
                           (SELECT count(*) FROM certificates WHERE user_id = $1 AND program_id = $2),
                           (SELECT count(revoked_at) FROM certificates WHERE user_id = $1 AND program_id = $2)
                    """, update.userID.rawValue, update.programID)[0]
                let found = CertificationBasis(historyRows: try row.decode(at: 0), certificates: try row.decode(at: 1),
                                               revoked: try row.decode(at: 2))
                guard found == basis else { throw CertificationUpdateStale(found: found) }
            }
            let record = update.record
            if record.state == .notStarted {
                try connection.execute("DELETE FROM certifications WHERE user_id = $1 AND program_id = $2",
                                       update.userID.rawValue, update.programID)
            } else {
                let current = record.currentCycle ?? record.latestCycle
                let stored: String? = try current.flatMap { cycle in
                    try connection.query("""
                        SELECT id FROM certificates WHERE user_id = $1 AND program_id = $2 AND kind = $3 AND issued_at = $4
                            AND expires_at = $5
                        """, update.userID.rawValue, update.programID, cycle.kind.rawValue, cycle.issuedAt,
                        cycle.expiresAt).first?.decode(at: 0)
                }
                try connection.execute("""
                    INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at,
                                                window_opens_at, certificate_id, updated_at)
                    SELECT id, $1, department_id, $2, $3, $4, $5, $6, $7 FROM users WHERE id = $8
                    ON CONFLICT (user_id, program_id) DO UPDATE SET state = excluded.state,
                        certified_at = excluded.certified_at, expires_at = excluded.expires_at,
                        window_opens_at = excluded.window_opens_at, certificate_id = excluded.certificate_id,
                        updated_at = excluded.updated_at
                    """, update.programID, record.state.rawValue, current?.issuedAt, current?.expiresAt,
                    current?.windowOpensAt, stored ?? update.issue.last?.id.rawValue, now, update.userID.rawValue)
            }
            for entry in update.newHistory {
                try connection.execute("""
                    INSERT INTO certification_history (user_id, program_id, at, from_state, to_state, event, cycle, note, "by")
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """, update.userID.rawValue, update.programID, entry.at, entry.from.rawValue, entry.to.rawValue,
                    entry.event.rawValue, entry.cycle, entry.note, entry.by)
            }
            for certificate in update.issue {
                try connection.execute("""
                    INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, credential)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
                    """, certificate.id.rawValue, certificate.userID.rawValue, certificate.programID,
                    certificate.kind.rawValue, certificate.issuedAt, certificate.expiresAt, certificate.credential)
            }
            for (id, reason) in update.withdraw {
                try connection.execute("""
                    UPDATE certificates SET revoked_at = $1, revoked_reason = $2, revoked_by = $3
                    WHERE id = $4 AND revoked_at IS NULL
                    """, now, reason, actor.name, id.rawValue)
            }
            for notification in update.notifications {
                try connection.execute("""
                    INSERT INTO notification_outbox (user_id, kind, program_id, payload, created_at) VALUES ($1, $2, $3, $4, $5)
                    """, update.userID.rawValue, notification.kind, update.programID,
                    AuditChain.encode(notification.payload), now)
            }
            for event in update.audit { try PostgresAuditChain.append(event, by: actor, at: now, on: connection) }
        }
    }

    public func certificate(_ id: CertificateID) throws -> StoredCertificate? {
        try pool.withConnection { connection in try Self.certificates(connection, where: "id = $1", [id.rawValue]).first }
    }

    public func certificates(userID: UserID) throws -> [StoredCertificate] {
        try pool.withConnection { connection in try Self.certificates(connection, where: "user_id = $1", [userID.rawValue]) }
    }

    public func revoke(_ id: CertificateID, reason: String, by actor: AuditActor, at now: Double) throws -> Bool {
        try pool.transaction { connection in
            guard try connection.execute("""
                UPDATE certificates SET revoked_at = $1, revoked_reason = $2, revoked_by = $3 WHERE id = $4 AND revoked_at IS NULL
                """, now, reason, actor.name, id.rawValue) == 1 else { return false }
            try PostgresAuditChain.append(AuditEvent(action: "certificate.revoke", subject: "certificate:\(id.rawValue)",
                                                     details: ["reason": reason]), by: actor, at: now, on: connection)
            return true
        }
    }

    public func reinstate(_ id: CertificateID, reason: String, by actor: AuditActor, at now: Double) throws -> Bool {
        try pool.transaction { connection in
            guard let revoked = try connection.query("""
                SELECT revoked_reason, revoked_by FROM certificates
                WHERE id = $1 AND revoked_at IS NOT NULL AND revoked_reason IS DISTINCT FROM $2 FOR UPDATE
                """, id.rawValue, CertificationRecord.CycleChanges.withdrawalReason).first else { return false }
            let previous: String? = try revoked.decodeIfPresent(at: 0)
            let revokedBy: String? = try revoked.decodeIfPresent(at: 1)
            try connection.execute("""
                UPDATE certificates SET revoked_at = NULL, revoked_reason = NULL, revoked_by = NULL WHERE id = $1
                """, id.rawValue)
            try PostgresAuditChain.append(AuditEvent(action: "certificate.reinstate", subject: "certificate:\(id.rawValue)",
                                                     details: ["reason": reason, "revoked_reason": previous ?? "",
                                                               "revoked_by": revokedBy ?? ""]),
                                          by: actor, at: now, on: connection)
            return true
        }
    }

    public func dueForSweep(now: Double) throws -> [UserID] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT DISTINCT user_id FROM certifications
                WHERE (state = 'certified' AND window_opens_at <= $1)
                   OR (state IN ('certified', 'due_for_renewal') AND expires_at <= $1)
                """, now).map { UserID(rawValue: try $0.decode(at: 0)) }
        }
    }

    public func everyoneWithEvidence() throws -> [UserID] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT user_id FROM certifications UNION SELECT user_id FROM quiz_attempts WHERE passed = 1
                """).map { UserID(rawValue: try $0.decode(at: 0)) }
        }
    }

    static func certificates(_ connection: PostgresConnection, where condition: String,
                             _ arguments: [(any PostgresBindable)?]) throws -> [StoredCertificate] {
        try connection.query("""
            SELECT id, user_id, program_id, kind, issued_at, expires_at, revoked_at, revoked_reason, revoked_by, credential
            FROM certificates WHERE \(condition) ORDER BY issued_at, id COLLATE "C"
            """, arguments).map(certificate)
    }

    /// The certificate in `row` (id, user, programme, kind, issued, expires, revoked at, reason, by, credential).
    static func certificate(_ row: PostgresRow) throws -> StoredCertificate {
        StoredCertificate(CertificateID(rawValue: try row.decode(at: 0)), userID: UserID(rawValue: try row.decode(at: 1)),
                          programID: try row.decode(at: 2),
                          kind: CertificationCycle.Kind(rawValue: try row.decode(at: 3)) ?? .initial,
                          issuedAt: try row.decode(at: 4), expiresAt: try row.decode(at: 5),
                          revokedAt: try row.decodeIfPresent(at: 6), revokedReason: try row.decodeIfPresent(at: 7),
                          revokedBy: try row.decodeIfPresent(at: 8), credential: try row.decode(at: 9))
    }
}
