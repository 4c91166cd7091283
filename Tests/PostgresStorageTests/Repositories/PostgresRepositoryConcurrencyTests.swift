import Assessment
import Curriculum
import Foundation
import GRDB
@testable import PostgresStorage
import Testing
import SQLiteStorage
@testable import TrainingServer

/// What SQLite's single writer gave for free, held on PostgreSQL by locks and constraints when several servers
/// write at once: every test runs threads on two "servers" (two pools with their own connections and caches) on
/// one schema, started together.
@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresRepositoryConcurrencyTests {
    /// Runs `warmUp` on `count` threads (so each pool has its connections open), then starts `body` on `count`
    /// threads at once (each waits until all are ready) and waits for them.
    static func race(_ count: Int, warmUp: @escaping @Sendable (Int) throws -> Void,
                     _ body: @escaping @Sendable (Int) -> Void) {
        runThreads(count) { thread in
            do { try warmUp(thread) } catch { Issue.record("\(error)") }
        }
        let ready = DispatchGroup()
        for _ in 0..<count { ready.enter() }
        let go = DispatchSemaphore(value: 0)
        runThreads(count + 1) { index in
            if index == count {
                ready.wait()
                for _ in 0..<count { go.signal() }
                return
            }
            ready.leave()
            go.wait()
            body(index)
        }
    }

    @Test func serversAppendingAtOnceKeepOneUnbrokenChain() throws {
        try StorageFixture.with(.postgres) { storage in
            let logs: [any AuditLog] = [storage.audit, try storage.openNode().audit]
            let errors = LockedBox<[String]>([])
            Self.race(6, warmUp: { _ = try logs[$0 % 2].recent(limit: 1) }) { thread in
                for index in 0..<15 {
                    do {
                        try logs[thread % 2].append(AuditEvent(action: "test.race", subject: "thread:\(thread)",
                                                               details: ["index": String(index)]), by: .system)
                    } catch {
                        errors.update { $0.append("\(error)") }
                    }
                }
            }
            #expect(errors.current.isEmpty, "\(errors.current)")
            #expect(try storage.audit.verify() == .intact(rows: 90))
            // No fork: every row has a predecessor of its own.
            #expect(try storage.integer("SELECT count(DISTINCT prev_hash) FROM audit_log", []) == 90)
        }
    }

    @Test func serversCreatingTheSameLoginAtOnceMakeOneAccount() throws {
        try StorageFixture.with(.postgres) { storage in
            let department = try storage.department("处")
            let repositories: [any UserRepository] = [storage.users, try storage.openNode().users]
            let outcomes = LockedBox<[String]>([])
            Self.race(8, warmUp: { _ = try repositories[$0 % 2].find(login: "nobody") }) { thread in
                let login = thread.isMultiple(of: 2) ? "wang.fang" : "Wang.Fang"
                do {
                    _ = try repositories[thread % 2].create(NewUser(login: login, displayName: "王芳", departmentID: department.id,
                                                                    passwordHash: "h", roles: []), by: .system)
                    outcomes.update { $0.append("created") }
                } catch let error as StoreError {
                    outcomes.update { $0.append("\(error)") }
                } catch {
                    outcomes.update { $0.append("unexpected: \(error)") }
                }
            }
            let results = outcomes.current
            #expect(results.filter { $0 == "created" }.count == 1, "\(results)")
            #expect(results.filter { $0.hasPrefix("the login ") && $0.hasSuffix(" is taken") }.count == 7, "\(results)")
            #expect(try storage.count("users") == 1)
            #expect(try storage.integer("SELECT count(*) FROM audit_log WHERE action = 'user.create'", []) == 1)
            #expect(try storage.audit.verify() == .intact(rows: 2))
        }
    }

    @Test func attemptsJudgedAtOnceCountEachOtherUnderTheSameKey() throws {
        try StorageFixture.with(.postgres) { storage in
            let stores: [any LoginFailureStore & LoginFailureInspection] = [storage.loginFailures,
                                                                            try storage.openNode().loginFailures]
            let admitted = LockedBox<Int>(0)
            // The throttle allows three failures under an account; eight wrong passwords arrive at once, and each
            // decision takes a moment (as a real one reading the counts would).
            Self.race(8, warmUp: { _ = try stores[$0 % 2].failures(account: "login:li", pairSuffix: " li", since: 0) }) { thread in
                do {
                    let result = try stores[thread % 2].admit(keys: ["login:li", "address:\(thread)"], since: 0, usual: "-",
                                                              usualSince: 0, at: 100 + Double(thread)) { counts, _ in
                        Thread.sleep(forTimeInterval: 0.02)
                        return (counts["login:li"]?.count ?? 0) >= 3 ? 60 : nil
                    }
                    if result.wait == nil { admitted.update { $0 += 1 } }
                } catch {
                    Issue.record("\(error)")
                }
            }
            #expect(admitted.current == 3)
            #expect(try storage.integer("SELECT count(*) FROM login_failures WHERE key = 'login:li'", []) == 3)
        }
    }

    @Test func serversEnsuringTheSamePathAtOnceMakeEachDepartmentOnce() throws {
        try StorageFixture.with(.postgres) { storage in
            let repositories: [any DepartmentRepository] = [storage.departments, try storage.openNode().departments]
            let ids = LockedBox<[Int64]>([])
            Self.race(6, warmUp: { _ = try repositories[$0 % 2].all() }) { thread in
                do {
                    let office = try repositories[thread % 2].ensure(path: ["省政府", "数据局", "综合处"], by: .system)
                    ids.update { $0.append(office.id.rawValue) }
                } catch {
                    Issue.record("\(error)")
                }
            }
            #expect(ids.current.count == 6 && Set(ids.current).count == 1)
            #expect(try storage.count("departments") == 3)
            #expect(try storage.audit.verify() == .intact(rows: 3))
        }
    }

    @Test func beatsOfOnePersonAtTwoServersAtOnceLoseNoTime() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处")).id
            let learning: [any LearningRepository] = [storage.learning, try storage.openNode().learning]
            @Sendable func beat(_ node: Int, module: String, at now: Double) throws -> ModuleProgress {
                try learning[node].recordBeat(StudyBeat(user, sessionKey: "s", courseID: "c", moduleID: module,
                                                        contentHash: "h", requiredSeconds: 600, hours: 1, maximumGap: 120,
                                                        now: now, year: 2027))
            }
            // Each round: the focus is on a fresh module at t, then two beats of the same page reach the two servers
            // at once, stamped t + 30 and t + 31. In either order the module has 31 seconds (the later beat counts
            // from the earlier, or the earlier one counts nothing); two beats computed from the same old focus
            // would leave 30 when the earlier one writes last.
            for round in 0..<12 {
                let start = 1_800_000_000 + Double(round) * 1_000
                _ = try beat(0, module: "m\(round)", at: start)
                Self.race(2, warmUp: { _ = try learning[$0].progress(userID: user) }) { thread in
                    do {
                        _ = try beat(thread, module: "m\(round)", at: start + 30 + Double(thread))
                    } catch {
                        Issue.record("\(error)")
                    }
                }
                let seconds = try storage.learning.progress(userID: user).first { $0.moduleID == "m\(round)" }?.seconds
                #expect(seconds == 31, "round \(round)")
            }
        }
    }

    @Test func twoServersMovingDepartmentsUnderEachOtherMakeNoCycle() throws {
        try StorageFixture.with(.postgres) { storage in
            let other = try storage.openNode()
            let changes = [storage.departmentChanges, other.departmentChanges]
            let departments: [any DepartmentRepository] = [storage.departments, other.departments]
            for round in 0..<6 {
                let a = try storage.department("省", "甲\(round)")
                let b = try storage.department("省", "乙\(round)")
                let outcomes = LockedBox<[String]>([])
                // One server moves A under B while the other moves B under A.
                Self.race(2, warmUp: { _ = try departments[$0].all() }) { thread in
                    let (moving, target) = thread == 0 ? (a.id, b.id) : (b.id, a.id)
                    do {
                        _ = try changes[thread].move(moving, target, .system)
                        outcomes.update { $0.append("moved") }
                    } catch {
                        outcomes.update { $0.append("\(error)") }
                    }
                }
                #expect(outcomes.current.sorted() == ["intoOwnSubtree", "moved"], "round \(round)")
                // Every department's path still starts at the root and names its own id last.
                for department in try storage.departments.all() {
                    #expect(department.idPath.hasSuffix("/\(department.id)/") && department.namePath.first == "省")
                }
            }
            #expect(try storage.audit.verify() == .intact(rows: 13 + 6))
        }
    }

    @Test func serversMakingTheSameKeyAtOnceAllGetTheFirstOneWritten() throws {
        try StorageFixture.with(.postgres) { storage in
            let other = try storage.openNode()
            let makers = [storage.node.serverKey, other.serverKey]
            let keys = LockedBox<[[UInt8]]>([])
            Self.race(6, warmUp: { _ = try makers[$0 % 2]("warm-up", 0) { Array(repeating: 0, count: 32) } }) { thread in
                do {
                    let key = try makers[thread % 2]("csrf", 1) { Array(repeating: UInt8(thread), count: 32) }
                    keys.update { $0.append(key) }
                } catch {
                    Issue.record("\(error)")
                }
            }
            #expect(keys.current.count == 6 && Set(keys.current).count == 1)
        }
    }

    @Test func anOIDCRequestReachingServersAtOnceIsTakenOnce() throws {
        try StorageFixture.with(.postgres) { storage in
            let takers = [storage.node.oidcTake, try storage.openNode().oidcTake]
            try storage.node.oidcAdd("state", KeysAndIdentitiesConformanceTests.request("n", expiresAt: 2_000), 1)
            let taken = LockedBox<Int>(0)
            Self.race(6, warmUp: { _ = try takers[$0 % 2]("warm-up") }) { thread in
                do {
                    if try takers[thread % 2]("state") != nil { taken.update { $0 += 1 } }
                } catch {
                    Issue.record("\(error)")
                }
            }
            #expect(taken.current == 1)
        }
    }

    @Test func aTokenRevokedByTwoServersAtOnceIsAuditedOnce() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("api", in: try storage.department("处"))
            let id = try storage.tokens.create(tokenHash: "t", userID: user.id, name: "a", now: 1, expiresAt: 100, by: .system)
            let repositories: [any APITokenRepository] = [storage.tokens, try storage.openNode().tokens]
            Self.race(6, warmUp: { _ = try repositories[$0 % 2].find(id: id) }) { thread in
                do {
                    try repositories[thread % 2].revoke(id: id, now: 5 + Double(thread), by: .system)
                } catch {
                    Issue.record("\(error)")
                }
            }
            #expect(try storage.integer("SELECT count(*) FROM audit_log WHERE action = 'token.revoke'", []) == 1)
            #expect(try storage.tokens.find(id: id)?.revokedAt != nil)
        }
    }

    @Test func serversSlidingOneSessionAtOnceNeverMoveItsExpiryBack() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let start = storage.clock.current
            let sessions: [any SessionRepository] = [storage.sessions, try storage.openNode().sessions]
            // Eight requests of one session reach two servers at once, each with its own "now" (two minutes
            // apart): whichever writes last, the idle expiry is the latest request's.
            for round in 0..<8 {
                let token = "t\(round)"
                try SessionsConformanceTests.create(storage, user, token, at: start)
                Self.race(8, warmUp: { _ = try sessions[$0 % 2].resume(tokenHash: "warm-up", now: start, idleTimeout: 1) }) { thread in
                    do {
                        _ = try sessions[thread % 2].resume(tokenHash: token, now: start + 120 * Double(thread + 1),
                                                            idleTimeout: SessionsConformanceTests.idle)
                    } catch {
                        Issue.record("\(error)")
                    }
                }
                #expect(try storage.integer("SELECT count(*) FROM sessions WHERE token_hash = ? AND idle_expires_at = ?",
                                            [.text(token), .double(start + 960 + SessionsConformanceTests.idle)]) == 1,
                        "round \(round)")
            }
        }
    }

    @Test func serversStartingSessionsWithOneTokenAtOnceKeepOneAndOneSignIn() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let sessions: [any SessionRepository] = [storage.sessions, try storage.openNode().sessions]
            let created = LockedBox<Int>(0)
            let now = storage.clock.current
            Self.race(6, warmUp: { _ = try sessions[$0 % 2].signIns(userID: user.id, limit: 1) }) { thread in
                if (try? sessions[thread % 2].create(tokenHash: "same", userID: user.id, csrfSecret: "c\(thread)",
                                                     now: now, idleTimeout: 60, absoluteTimeout: 600,
                                                     clientAddress: "192.0.2.\(thread)")) != nil {
                    created.update { $0 += 1 }
                }
            }
            #expect(created.current == 1)
            #expect(try storage.sessionCount(of: user) == 1)
            #expect(try storage.count("sign_ins") == 1, "the refused sessions' sign-ins were rolled back with them")
        }
    }

    @Test func serversAppendingToOneAttemptAtOnceKeepEveryStepInOrder() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = AttemptsConformanceTests.course(AttemptsConformanceTests.exam(timeLimit: nil))
            let id = try AttemptsConformanceTests.service(storage).start(user: user, quiz: course.quizzes[0], course: course,
                                                                         seed: 1).attempt.id
            let repositories: [any AttemptRepository] = [storage.attempts, try storage.openNode().attempts]
            // Eight requests at a time on two servers, three rounds each: every one appends its step at the next
            // sequence, and a request repeated (its key already stored) appends nothing.
            Self.race(8, warmUp: { _ = try repositories[$0 % 2].attempt(id: id) }) { thread in
                for round in 0..<3 {
                    let key = "t\(thread)-\(round)"
                    for _ in 0..<2 {
                        do {
                            _ = try repositories[thread % 2].append(attemptID: id) { latest in
                                if latest.attempt.steps.contains(where: { $0.idempotencyKey == key }) { return ([], nil) }
                                return ([AttemptStep(sequence: latest.attempt.steps.count, time: 1_800_000_000,
                                                     actor: .learner(String(user.id.rawValue)),
                                                     action: .save(question: QuestionID("q1"), response: .choice("a")),
                                                     idempotencyKey: key)], nil)
                            }
                        } catch {
                            Issue.record("\(error)")
                        }
                    }
                }
            }
            let steps = try #require(try storage.attempts.attempt(id: id)).attempt.steps
            #expect(steps.map(\.sequence) == Array(0...24))
            #expect(Set(steps.compactMap(\.idempotencyKey)).count == 24)
        }
    }

    @Test func serversStartingOnePersonsLastAttemptAtOnceStartOne() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = AttemptsConformanceTests.course(AttemptsConformanceTests.exam(maxAttempts: 1))
            let quiz = course.quizzes[0]
            let other = try storage.openNode()
            let services = [AttemptsConformanceTests.service(storage),
                            AttemptsConformanceTests.service(storage, attempts: other.attempts)]
            let outcomes = LockedBox<[String]>([])
            Self.race(6, warmUp: { _ = try services[$0 % 2].attempts.headers(userID: user.id) }) { thread in
                do {
                    _ = try services[thread % 2].start(user: user, quiz: quiz, course: course, seed: UInt64(thread))
                    outcomes.update { $0.append("started") }
                } catch let failure as QuizService.Failure {
                    outcomes.update { $0.append("refused: \(failure)") }
                } catch {
                    outcomes.update { $0.append("unexpected: \(error)") }
                }
            }
            // Each later start saw the first one: refused by the rules, not by the database.
            #expect(outcomes.current.filter { $0 == "started" }.count == 1, "\(outcomes.current)")
            #expect(outcomes.current.filter { $0.hasPrefix("refused") }.count == 5, "\(outcomes.current)")
            #expect(try storage.count("quiz_attempts") == 1)
        }
    }

    @Test func serversStartingAtTheDailyCapsEdgeAtOnceStartOne() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = AttemptsConformanceTests.course(AttemptsConformanceTests.exam(perDay: 2))
            let quiz = course.quizzes[0]
            try AttemptsConformanceTests.take(storage, user, course, q1: "a", seed: 1)
            let other = try storage.openNode()
            let services = [AttemptsConformanceTests.service(storage),
                            AttemptsConformanceTests.service(storage, attempts: other.attempts)]
            func race() -> [String] {
                let outcomes = LockedBox<[String]>([])
                Self.race(6, warmUp: { _ = try services[$0 % 2].attempts.headers(userID: user.id) }) { thread in
                    do {
                        _ = try services[thread % 2].start(user: user, quiz: quiz, course: course,
                                                           seed: UInt64(10 + thread))
                        outcomes.update { $0.append("started") }
                    } catch QuizService.Failure.refused(.attemptInProgress) {
                        outcomes.update { $0.append("in progress") }
                    } catch QuizService.Failure.refused(.dailyLimitReached) {
                        outcomes.update { $0.append("daily cap") }
                    } catch {
                        outcomes.update { $0.append("unexpected: \(error)") }
                    }
                }
                return outcomes.current
            }
            // One start left today: one server starts it, every other start sees it open.
            let first = race()
            #expect(first.filter { $0 == "started" }.count == 1, "\(first)")
            #expect(first.filter { $0 == "in progress" }.count == 5, "\(first)")
            let open = try #require(try storage.attempts.openAttempts(userID: user.id, courseID: nil, quizID: nil).first)
            _ = try services[0].act(open, action: .submit, key: "s", user: user, quiz: quiz, course: course)
            // The cap reached and nothing open: every start is refused and none is stored.
            let second = race()
            #expect(second == Array(repeating: "daily cap", count: 6), "\(second)")
            #expect(try storage.count("quiz_attempts") == 2)
        }
    }

    @Test func aStartDecidedOnFiguresChangedMeanwhileIsDecidedAgain() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = AttemptsConformanceTests.course(AttemptsConformanceTests.exam(timeLimit: nil))
            let quiz = course.quizzes[0]
            let other = AttemptsConformanceTests.service(storage, attempts: try storage.openNode().attempts)
            var seen: [(count: Int, open: Int)] = []
            let now = storage.clock.current
            let stored = try storage.attempts.start(userID: user.id, courseID: "ethics", quizID: quiz.id,
                                                    quizHash: quiz.contentHash) { tally, open in
                seen.append((tally.count, open.count))
                // Between this read and its write, the other server starts and submits an attempt of its own.
                if seen.count == 1 {
                    let started = try other.start(user: user, quiz: quiz, course: course, seed: 1)
                    _ = try other.act(started, action: .submit, key: "s", user: user, quiz: quiz, course: course)
                }
                let previous = PreviousAttempts(count: tally.count, lastClose: tally.lastClose, openAttempt: open.first?.attempt.id)
                let attempt = try AttemptRules.start(id: AttemptID("mine"), quiz: quiz, previous: previous, seed: 2,
                                                     actor: .learner(String(user.id.rawValue)), now: now).get()
                return (attempt, AttemptSummary(try AttemptState(replaying: attempt, against: quiz, now: now)))
            }
            // The first decision (number 1) was not stored: the start was decided again on the other's attempt.
            #expect(seen.map(\.count) == [0, 1] && seen.map(\.open) == [0, 0])
            #expect(stored.attempt.number == 2)
            #expect(try storage.attempts.attempts(userID: user.id, courseID: "ethics", quizID: quiz.id)
                .map { "\($0.attempt.number) \($0.attempt.steps.count)" } == ["1 2", "2 1"])
        }
    }

    @Test func anAppendDecidedOnStepsChangedMeanwhileIsDecidedAgain() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = AttemptsConformanceTests.course(AttemptsConformanceTests.exam(timeLimit: nil))
            let id = try AttemptsConformanceTests.service(storage).start(user: user, quiz: course.quizzes[0],
                                                                         course: course, seed: 1).attempt.id
            let other = try storage.openNode().attempts
            func save(_ latest: StoredAttempt, key: String) -> AttemptStep {
                AttemptStep(sequence: latest.attempt.steps.count, time: 1_800_000_000,
                            actor: .learner(String(user.id.rawValue)),
                            action: .save(question: QuestionID("q1"), response: .choice("a")), idempotencyKey: key)
            }
            var seen: [Int] = []
            let updated = try storage.attempts.append(attemptID: id) { latest in
                seen.append(latest.attempt.steps.count)
                // Between this read and its write, the other server appends a step and closes the attempt's summary.
                if seen.count == 1 {
                    _ = try other.append(attemptID: id) { latest in
                        ([save(latest, key: "other")], AttemptSummary(closedAt: nil, mark: nil, maxMark: 2,
                                                                      fraction: nil, passed: nil))
                    }
                }
                return ([save(latest, key: "mine")], nil)
            }
            #expect(seen == [1, 2])
            #expect(updated.attempt.steps.map(\.sequence) == [0, 1, 2])
            let stored = try #require(try storage.attempts.attempt(id: id))
            #expect(stored.attempt.steps.compactMap(\.idempotencyKey) == ["other", "mine"])
            #expect(stored == updated)
        }
    }

    @Test func aCertificateRevokedByTwoServersAtOnceIsRevokedAndAuditedOnce() throws {
        try StorageFixture.with(.postgres) { storage in
            let user = try storage.user("holder", in: try storage.department("处"))
            try CertificationConformanceTests.refresh(storage, user, completedAt: 100, now: 150)
            let id = try #require(try storage.certifications.certificates(userID: user.id).first?.id)
            let repositories: [any CertificationRepository] = [storage.certifications, try storage.openNode().certifications]
            let revoked = LockedBox<Int>(0)
            Self.race(6, warmUp: { _ = try repositories[$0 % 2].certificate(id) }) { thread in
                do {
                    if try repositories[thread % 2].revoke(id, reason: "r\(thread)", by: .system, at: 200 + Double(thread)) {
                        revoked.update { $0 += 1 }
                    }
                } catch {
                    Issue.record("\(error)")
                }
            }
            #expect(revoked.current == 1)
            #expect(try storage.integer("SELECT count(*) FROM audit_log WHERE action = 'certificate.revoke'", []) == 1)
        }
    }

    @Test func twoReportsOfOnePersonAtTwoServersAtOnceSpendOneAllowance() throws {
        try StorageFixture.with(.postgres) { storage in
            let watches: [any MediaWatchRepository] = [storage.mediaWatch, try storage.openNode().mediaWatch]
            let (module, media) = MediaWatchConformanceTests.module()
            // Six people, each with two tabs reporting 40 s of two recordings 15 s after the page view: one report
            // has the 32 s allowance, the other (seeing the first as the latest report) 2 s.
            for round in 0..<6 {
                let user = try MediaWatchConformanceTests.learner(storage, "p\(round)")
                try MediaWatchConformanceTests.pageView(storage, user)
                storage.clock.advance(by: 15)
                let reports = [MediaWatchConformanceTests.lecture, MediaWatchConformanceTests.briefing].map { item in
                    WatchReport(userID: user, courseID: "media-course", module: module, media: media, item: item,
                                ranges: [WatchInterval(0, 40)], now: storage.clock.current, year: 2027)
                }
                Self.race(2, warmUp: { _ = try watches[$0].records(userID: user, courseID: "c", moduleID: "m") }) { thread in
                    do {
                        _ = try watches[thread].report(reports[thread])
                    } catch {
                        Issue.record("\(error)")
                    }
                }
                let records = try storage.mediaWatch.records(userID: user, courseID: "media-course", moduleID: "lecture")
                #expect(records.values.map(\.watchedSeconds).reduce(0, +) == 34, "round \(round)")
            }
        }
    }
}

/// A chain written on either engine is the same chain: the same events at the same times hash the same, and a
/// PostgreSQL chain copied row for row into SQLite verifies there (what `verify-audit` checks after a copy).
@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct AuditChainAcrossEnginesTests {
    @Test func bothEnginesHashTheSameEventsIdentically() throws {
        func chain(_ kind: StorageKind) throws -> [AuditEntry] {
            try StorageFixture.with(kind, clock: TestClock(1_800_000_000.1)) { storage in
                try AuditLogConformanceTests.append(9, to: storage)
                let department = try storage.department("省政府", "数据局")
                _ = try storage.user("li", in: department, roles: [.hr])
                try storage.tokens.create(tokenHash: "t", userID: UserID(rawValue: 1), name: "导出/API", now: 1_800_000_100.7,
                                          expiresAt: 1_900_000_000.9, by: .commandLine)
                return try storage.audit.recent(limit: 100).reversed()
            }
        }
        let sqlite = try chain(.sqlite)
        let postgres = try chain(.postgres)
        #expect(sqlite.count == 13)
        #expect(postgres == sqlite)
    }

    @Test func aPostgresChainCopiedIntoSQLiteVerifiesThere() throws {
        let rows: [AuditEntry] = try StorageFixture.with(.postgres, clock: TestClock(1_800_000_000.3)) { storage in
            try AuditLogConformanceTests.append(20, to: storage)
            return try storage.audit.recent(limit: 100).reversed()
        }
        try StorageFixture.with(.sqlite) { storage in
            for row in rows {
                try storage.execute("""
                    INSERT INTO audit_log (id, at, actor_user_id, actor, action, subject, details, prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.int(row.id), .double(row.at), row.actorUserID.map(SQLValue.int) ?? .null, .text(row.actor),
                          .text(row.action), .text(row.subject), .text(row.details), .text(row.prevHash), .text(row.hash)])
            }
            #expect(try storage.audit.verify() == .intact(rows: 20))
            // And the copy is checked, not waved through: a changed time breaks it.
            try storage.allowAuditTampering()
            try storage.execute("UPDATE audit_log SET at = at + 0.001 WHERE id = 7", [])
            #expect(try storage.audit.verify() == .broken(rowID: 7, reason: "its content does not match its hash"))
        }
    }
}
