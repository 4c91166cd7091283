import Foundation
import Logging
import PostgresStorage
import Testing

/// The PostgreSQL schema against the SQLite one. The SQLite side is built from the text of
/// `Sources/SQLiteStorage/Migrations.swift` (its SQL run in order by the `sqlite3` command on a new database),
/// so these tests need neither the server's module nor a copy of its schema: a SQLite migration without its
/// PostgreSQL counterpart fails them.
@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresSchemaTests {
    static let quiet = Logger(label: "schema-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func migrate(_ connection: PostgresConnection) throws {
        try PostgresSchema.migrator().migrate(connection, logger: quiet)
    }

    // MARK: - Names, tables, columns, indexes, triggers

    @Test func theMigrationNamesAreTheSQLiteListsInItsOrder() throws {
        let sqliteNames = try SQLiteReference.migrationNames()
        #expect(sqliteNames.count >= 32)
        #expect(PostgresSchema.migrations.map(\.name) == sqliteNames)
    }

    @Test func allMigrationsApplyToAnEmptySchemaAndASecondRunAppliesNothing() throws {
        try TestPostgres.withSchema("schema") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let migrator = PostgresSchema.migrator()
            #expect(try migrator.migrate(connection, logger: Self.quiet) == PostgresSchema.migrations.map(\.name))
            #expect(try migrator.migrate(connection, logger: Self.quiet) == [])
            #expect(try migrator.appliedNames(connection).count == PostgresSchema.migrations.count)
        }
    }

    @Test func everySQLiteTableColumnIndexViewAndTriggerHasItsPostgreSQLCounterpart() throws {
        let reference = try SQLiteReference.make()
        defer { reference.remove() }
        let sqliteColumns = try reference.rows("""
            SELECT m.name, p.name, upper(p.type), p."notnull", p.pk FROM sqlite_master m, pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            """)
        let sqliteIndexes = try reference.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .map { $0[0] }
        let sqliteIndexDetails = try reference.rows("""
            SELECT m.name, upper(m.sql) LIKE 'CREATE UNIQUE%', upper(m.sql) LIKE '% WHERE %',
                   (SELECT group_concat(CASE WHEN name IS NULL THEN '*' WHEN coll = 'NOCASE' AND upper(m.sql) LIKE '%NOCASE%'
                                             THEN 'lower((' || name || ' COLLATE "C"))'
                                             ELSE name END, ', ')
                    FROM (SELECT i.name, i.coll FROM pragma_index_xinfo(m.name) i WHERE i.key = 1 ORDER BY i.seqno))
            FROM sqlite_master m WHERE m.type = 'index' AND m.sql IS NOT NULL
            """).map { row in
                // An expression's column has no name ('*'): such an index is compared by name, unique and partial.
                // A column the index itself compares without case (COLLATE NOCASE) is lower(column COLLATE "C") on
                // PostgreSQL (ASCII letters folded only, as NOCASE does);
                // one that only inherits NOCASE from its table (login in users_name_key) stays the plain column.
                (name: row[0], unique: row[1] == "1", partial: row[2] == "1", columns: row[3].contains("*") ? nil : row[3])
            }
        // Primary keys and UNIQUE constraints (SQLite's automatic indexes), as table and columns; a column compared
        // without case is lower(column COLLATE "C") on PostgreSQL.
        let sqliteUniqueKeys = try reference.rows("""
            SELECT m.name, (SELECT group_concat(CASE WHEN coll = 'NOCASE' THEN 'lower((' || name || ' COLLATE C))' ELSE name END, ', ')
                            FROM (SELECT x.name, x.coll FROM pragma_index_xinfo(l.name) x WHERE x.key = 1
                                  ORDER BY x.seqno))
            FROM sqlite_master m, pragma_index_list(m.name) l
            WHERE m.type = 'table' AND l."unique" = 1 AND l.origin IN ('pk', 'u')
            """).map { "\($0[0]) (\($0[1]))" }
        #expect(sqliteUniqueKeys.count > 40, "\(sqliteUniqueKeys.count) keys")
        let sqliteForeignKeys = Set(try reference.rows("""
            SELECT m.name, f."from", f."table", f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f
            WHERE m.type = 'table'
            """).map { "\($0[0]).\($0[1]) -> \($0[2]) ON DELETE \($0[3])" })
        let sqliteTriggers = try reference.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'").map { $0[0] }
        let sqliteViews = try reference.rows("SELECT name FROM sqlite_master WHERE type = 'view'").map { $0[0] }
        // The extraction found the whole schema (not, say, only the first migration's).
        #expect(sqliteColumns.count > 300 && sqliteIndexes.count > 50 && sqliteTriggers.count > 25,
                "\(sqliteColumns.count) columns, \(sqliteIndexes.count) indexes, \(sqliteTriggers.count) triggers")

        try TestPostgres.withSchema("counterparts") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try Self.migrate(connection)
            try TestPostgres.readingCatalogue(connection) {
                let schema = configuration.schema ?? "public"
                var postgresColumns: [String: (type: String, nullable: Bool)] = [:]
                for row in try connection.query("""
                    SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
                    WHERE table_schema = $1
                    """, schema) {
                    postgresColumns["\(try row.decode(String.self, at: 0)).\(try row.decode(String.self, at: 1))"] =
                        (try row.decode(String.self, at: 2), try row.decode(String.self, at: 3) == "YES")
                }
                let typeFor = ["INTEGER": "bigint", "REAL": "double precision", "TEXT": "text", "BLOB": "bytea", "": "text"]
                for column in sqliteColumns {
                    let key = "\(column[0]).\(column[1])"
                    guard let postgres = postgresColumns[key] else {
                        Issue.record("PostgreSQL has no column \(key)")
                        continue
                    }
                    #expect(postgres.type == typeFor[column[2]], "\(key): SQLite \(column[2]), PostgreSQL \(postgres.type)")
                    // A SQLite primary key may hold NULL (its old rule); PostgreSQL's never does. Others must agree.
                    if column[4] == "0" {
                        #expect(postgres.nullable == (column[3] == "0"), "\(key): NOT NULL differs")
                    }
                }
                let sqliteTables = Set(sqliteColumns.map { $0[0] })
                let postgresTables = Set(postgresColumns.keys.map { String($0.split(separator: ".")[0]) })
                // The same tables, besides the migrator's own record (and the view, which lists its columns too).
                #expect(postgresTables.subtracting(sqliteViews).subtracting(["schema_migrations"]) == sqliteTables)
                for name in sqliteIndexes + sqliteViews {
                    let found = try connection.query("SELECT to_regclass($1) IS NOT NULL", name)[0].decode(Bool.self, at: 0)
                    #expect(found, "PostgreSQL has no index or view \(name)")
                }
                // Each index on the same columns in the same order, unique and partial where SQLite's is.
                for index in sqliteIndexDetails {
                    let rows = try connection.query("SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = $2",
                                                    schema, index.name)
                    guard let definition = try rows.first?.decode(String.self, at: 0) else { continue }  // reported above
                    #expect(definition.hasPrefix("CREATE UNIQUE INDEX") == index.unique, "\(index.name): unique differs")
                    #expect(definition.contains(" WHERE ") == index.partial, "\(index.name): partial differs")
                    if let columns = index.columns {
                        #expect(definition.contains("USING btree (\(columns))"), "\(index.name): \(definition) is not on (\(columns))")
                    }
                }
                let postgresUniqueKeys = Set(try connection.query(
                    "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE 'CREATE UNIQUE INDEX%'",
                    schema
                ).compactMap { row -> String? in
                    // PostgreSQL quotes a column named like a keyword ("character").
                    let definition = try row.decode(String.self, at: 1).replacingOccurrences(of: "\"", with: "")
                    guard let start = definition.range(of: "USING btree ("), definition.hasSuffix(")") else { return nil }
                    return "\(try row.decode(String.self, at: 0)) (\(definition[start.upperBound...].dropLast()))"
                })
                for key in sqliteUniqueKeys {
                    #expect(postgresUniqueKeys.contains(key), "PostgreSQL has no unique key \(key)")
                }
                // The same foreign keys with the same ON DELETE rules, and no others.
                let postgresForeignKeys = Set(try connection.query("""
                    SELECT k.table_name, k.column_name, c.table_name, r.delete_rule
                    FROM information_schema.referential_constraints r
                    JOIN information_schema.key_column_usage k
                        ON k.constraint_schema = r.constraint_schema AND k.constraint_name = r.constraint_name
                    JOIN information_schema.constraint_column_usage c
                        ON c.constraint_schema = r.constraint_schema AND c.constraint_name = r.constraint_name
                    WHERE r.constraint_schema = $1
                    """, schema).map { row in
                    "\(try row.decode(String.self, at: 0)).\(try row.decode(String.self, at: 1)) -> "
                        + "\(try row.decode(String.self, at: 2)) ON DELETE \(try row.decode(String.self, at: 3))"
                })
                #expect(sqliteForeignKeys.count > 40)
                #expect(postgresForeignKeys.subtracting(sqliteForeignKeys) == [], "only on PostgreSQL")
                #expect(sqliteForeignKeys.subtracting(postgresForeignKeys) == [], "missing on PostgreSQL")
                let postgresTriggers = Set(try connection.query(
                    "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = $1", schema
                ).map { try $0.decode(String.self, at: 0) })
                #expect(Set(sqliteTriggers).subtracting(postgresTriggers) == [], "triggers missing on PostgreSQL")
            }
        }
    }

    // MARK: - Append-only tables

    @Test func appendOnlyTablesRefuseUpdateDeleteAndTruncate() throws {
        try TestPostgres.withSchema("appendonly") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try Self.migrate(connection)
            try connection.executeScript(Scenario.people + """
                INSERT INTO audit_log (at, actor, action, subject, details, prev_hash, hash)
                    VALUES (1, 'admin', 'user.create', 'user:1', '{}', '', 'h1');
                INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at, max_mark)
                    VALUES ('a1', 1, 'c1', 'q1', 1, 'qh', '{}', 1, 10);
                INSERT INTO attempt_steps (attempt_id, sequence, at, step, idempotency_key) VALUES ('a1', 1, 2, '{}', 'k1');
                """)
            for (table, change) in [
                ("audit_log", "UPDATE audit_log SET details = 'changed'"),
                ("audit_log", "DELETE FROM audit_log"),
                ("audit_log", "TRUNCATE audit_log"),
                ("attempt_steps", "UPDATE attempt_steps SET step = 'changed'"),
                ("attempt_steps", "DELETE FROM attempt_steps WHERE attempt_id = 'a1'"),
                ("attempt_steps", "TRUNCATE attempt_steps"),
            ] {
                do {
                    try connection.execute(change)
                    Issue.record("PostgreSQL accepted: \(change)")
                } catch {
                    #expect((error as? PostgresError)?.sqlState == "23001" && "\(error)".contains("\(table) is append-only"), "\(error)")
                }
            }
            #expect(try connection.query("SELECT details FROM audit_log")[0].decode(String.self, at: 0) == "{}")
            #expect(try connection.query("SELECT step FROM attempt_steps")[0].decode(String.self, at: 0) == "{}")
            // Appending still works, and an idempotency key is used once per attempt.
            try connection.execute("INSERT INTO attempt_steps (attempt_id, sequence, at, step) VALUES ('a1', 2, 3, '{}')")
            #expect(throws: PostgresError.self) {
                try connection.execute(
                    "INSERT INTO attempt_steps (attempt_id, sequence, at, step, idempotency_key) VALUES ('a1', 3, 4, '{}', 'k1')")
            }
        }
    }

    // MARK: - Counters and copies kept by triggers, against SQLite's

    @Test func triggersKeepTheSameCountersAsOnSQLite() throws {
        let reference = try SQLiteReference.make()
        defer { reference.remove() }
        try reference.run(Scenario.people + Scenario.changes)
        try TestPostgres.withSchema("counters") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try Self.migrate(connection)
            try connection.executeScript(Scenario.people + Scenario.changes)
            for query in Scenario.checks {
                let sqlite = try reference.rows(query).map(Scenario.normalized).sorted(by: Scenario.precedes)
                let postgres = try connection.query(query).map { row in
                    try (0..<row.rows.columns.count).map { try row.decodeIfPresent(String.self, at: $0) ?? "NULL" }
                }.map(Scenario.normalized).sorted(by: Scenario.precedes)
                #expect(postgres == sqlite, "\(query)")
                #expect(!sqlite.isEmpty, "\(query) found nothing: the scenario does not exercise it")
            }
        }
    }

    @Test func unreadCountersFollowEveryInsertUpdateAndDelete() throws {
        try TestPostgres.withSchema("unread") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try Self.migrate(connection)
            try connection.executeScript(Scenario.people)
            func counts() throws -> [Int] {
                let row = try connection.query("SELECT unread_notices, unread_announcements FROM users WHERE id = 1")[0]
                return [try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1)]
            }
            try connection.executeScript("""
                INSERT INTO announcements (id, department_id, title, body, created_at) VALUES (1, 1, 'T', 'B', 0);
                INSERT INTO notices (id, user_id, kind, dedupe_key, announcement_id, created_at)
                    VALUES (1, 1, 'announcement', 'a1', 1, 0), (2, 1, 'assignment.assigned', 'x', NULL, 0);
                INSERT INTO notices (id, user_id, kind, dedupe_key, created_at, read_at)
                    VALUES (3, 1, 'assignment.overdue', 'y', 0, 5)
                """)
            #expect(try counts() == [2, 1])
            try connection.execute("UPDATE notices SET read_at = 9 WHERE id = 1")
            #expect(try counts() == [1, 0])
            try connection.execute("UPDATE notices SET read_at = NULL WHERE id IN (1, 3)")
            #expect(try counts() == [3, 1])
            try connection.execute("UPDATE notices SET announcement_id = 1 WHERE id = 2")
            #expect(try counts() == [3, 2])
            try connection.execute("UPDATE notices SET link = '/x' WHERE id = 2")  // neither column: no change
            #expect(try counts() == [3, 2])
            try connection.execute("DELETE FROM notices WHERE id = 3")
            #expect(try counts() == [2, 2])
            try connection.execute("DELETE FROM announcements WHERE id = 1")  // its notices go with it
            #expect(try counts() == [0, 0])
        }
    }

    @Test func nameKeysAreCopiedAndResetLikeOnSQLite() throws {
        try TestPostgres.withSchema("namekeys") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try Self.migrate(connection)
            try connection.executeScript(Scenario.people)
            try connection.execute("UPDATE users SET name_key = $1 WHERE id = 1", Data([1, 2, 3]))
            try connection.executeScript("""
                INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
                    VALUES (1, 'p1', 2, 'in_progress', 1);
                INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
                    VALUES (1, 2026, 'module', 'c1', 'm1', 2, 1)
                """)
            func keys() throws -> [Data?] {
                try ["certifications", "user_year_hours"].map { table in
                    try connection.query("SELECT name_key FROM \(table) WHERE user_id = 1")[0].decodeIfPresent(Data.self, at: 0)
                }
            }
            #expect(try keys() == [Data([1, 2, 3]), Data([1, 2, 3])])
            try connection.execute("UPDATE users SET name_key = $1 WHERE id = 1", Data([9]))
            #expect(try keys() == [Data([9]), Data([9])])
            // A new name voids the key (also one written with it), and the copies follow.
            try connection.execute("UPDATE users SET display_name = '王大明', name_key = $1 WHERE id = 1", Data([7]))
            #expect(try connection.query("SELECT name_key IS NULL FROM users WHERE id = 1")[0].decode(Bool.self, at: 0))
            #expect(try keys() == [nil, nil])
            // The same name written again keeps the key.
            try connection.execute("UPDATE users SET name_key = $1 WHERE id = 1", Data([5]))
            try connection.execute("UPDATE users SET display_name = '王大明' WHERE id = 1")
            #expect(try keys() == [Data([5]), Data([5])])
        }
    }

    // MARK: - Rules that reject

    @Test func foreignKeysUniqueAndCheckRulesRejectWhatSQLiteRejects() throws {
        let reference = try SQLiteReference.make()
        defer { reference.remove() }
        try reference.run(Scenario.people)
        try TestPostgres.withSchema("rules") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try Self.migrate(connection)
            try connection.executeScript(Scenario.people)
            let user = "INSERT INTO users (id, login, display_name, department_id, password_hash, created_at, updated_at)"
            let rejected = [
                "\(user) VALUES (10, 'WANG', 'x', 2, 'h', 0, 0)",  // logins are unique without regard to case
                "\(user) VALUES (10, 'new', 'x', 99, 'h', 0, 0)",  // no such department
                "UPDATE users SET disabled = 2 WHERE id = 1",
                "UPDATE users SET employee_number = 'E1' WHERE id = 2",  // employee numbers are unique
                "DELETE FROM departments WHERE id = 2",  // people are in it
                "INSERT INTO departments (id, parent_id, name, id_path, created_at) VALUES (9, 1, 'A', '/1/9/', 0)",
                "INSERT INTO departments (id, parent_id, name, id_path, created_at) VALUES (9, 1, 'a/b', '/1/9/', 0)",
                "INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at) VALUES (1, 2026, 'module', 'c', 'm', 1, 0), (1, 2026, 'module', 'c', 'm', 2, 0)",
                "INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at) VALUES (1, 2026, 'exam', 'c', 'm', 1, 0)",
                "INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, credential) VALUES ('c1', 1, 'p', 'bogus', 0, 1, 'x')",
                "INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, due_day, created_at) VALUES ('n', 'course', 'c', 1, 'department', 1, 'fixed', '2026/12/01', 0)",
                "INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, created_at) VALUES ('n', 'course', 'c', 1, 'department', 1, 'fixed', 0)",
                "INSERT INTO mail_digests (user_id, week, created_at) VALUES (1, '2026-50', 0)",
                "INSERT INTO yearly_requirements (department_id, hours, created_at, updated_at) VALUES (1, 10, 0, 0)",  // one plain rule per department
                "INSERT INTO yearly_requirements (department_id, hours, created_at, updated_at) VALUES (2, 0, 0, 0)",
                "INSERT INTO notices (user_id, kind, dedupe_key, created_at) VALUES (1, 'announcement', 'a1', 0), (1, 'announcement', 'a1', 0)",
                "INSERT INTO server_keys (name, secret, created_at) VALUES ('k', X'0102', 0)",
                "INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, idle_expires_at, absolute_expires_at, client_address, method) VALUES ('t', 1, 's', 0, 0, 0, 0, '::1', 'kerberos')",
            ]
            for statement in rejected {
                #expect(throws: (any Error).self, "SQLite accepts: \(statement)") { try reference.run(statement) }
                // PostgreSQL writes a bytea literal differently; the rule (at least 32 bytes) is the same.
                let postgresStatement = statement.replacingOccurrences(of: "X'0102'", with: "'\\x0102'::bytea")
                #expect(throws: PostgresError.self, "PostgreSQL accepts: \(statement)") {
                    try connection.executeScript(postgresStatement)
                }
            }
            // Nothing of the rejected statements stayed, and what both accept still goes in.
            #expect(try connection.query("SELECT count(*) FROM users")[0].decode(Int.self, at: 0) == 3)
            try connection.executeScript("""
                INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, idle_expires_at,
                                      absolute_expires_at, client_address) VALUES ('t', 1, 's', 0, 0, 0, 0, '::1');
                DELETE FROM users WHERE id = 1
                """)
            // ON DELETE CASCADE took the session with the person.
            #expect(try connection.query("SELECT count(*) FROM sessions")[0].decode(Int.self, at: 0) == 0)
        }
    }
}

/// The same statements for both engines: plain SQL both accept, with explicit ids.
enum Scenario {
    static let people = """
        INSERT INTO settings (key, value) VALUES ('reports.required_hours', '40');
        INSERT INTO departments (id, parent_id, name, id_path, created_at)
            VALUES (1, NULL, 'Root', '/1/', 0), (2, 1, 'A', '/1/2/', 0), (3, 1, 'B', '/1/3/', 0);
        INSERT INTO yearly_requirements (id, department_id, job_category, hours, created_at, updated_at)
            VALUES (1, 1, NULL, 30, 0, 0), (2, 2, '领导干部', 60, 0, 0), (3, 3, '领导干部', 80, 0, 0);
        INSERT INTO users (id, login, display_name, employee_number, department_id, password_hash, created_at,
                           updated_at, job_category)
            VALUES (1, 'wang', '王小明', 'E1', 2, 'h', 10, 10, NULL), (2, 'li', '李四', NULL, 2, 'h', 11, 11, '领导干部'),
                   (3, 'smith', 'John Smith', NULL, 3, 'h', 12, 12, NULL);

        """

    static let changes = """
        INSERT INTO hours_ledger (id, user_id, year, source, course_id, item_id, hours, at)
            VALUES (1, 1, 2026, 'module', 'c1', 'm1', 10, 20), (2, 1, 2026, 'quiz', 'c1', 'q1', 5, 21),
                   (3, 2, 2026, 'module', 'c1', 'm1', 50, 22), (4, 3, 2025, 'module', 'c1', 'm1', 25, 23),
                   (5, 3, 2026, 'module', 'c2', 'm1', 2, 24);
        INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
            VALUES (1, 'p1', 2, 'in_progress', 30), (2, 'p1', 2, 'certified', 30), (3, 'p1', 3, 'certified', 30),
                   (3, 'p2', 3, 'expired', 30);
        UPDATE certifications SET state = 'certified' WHERE user_id = 1;
        UPDATE users SET department_id = 3, updated_at = 100 WHERE id = 1;
        UPDATE users SET disabled = 1, updated_at = 101 WHERE id = 2;
        INSERT INTO hours_ledger (id, user_id, year, source, course_id, item_id, hours, at)
            VALUES (6, 2, 2026, 'quiz', 'c1', 'q1', 5, 25), (7, 1, 2026, 'module', 'c2', 'm2', 14, 26);
        INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
            VALUES (2, 'p2', 2, 'in_progress', 31);
        UPDATE users SET job_category = '领导干部', updated_at = 102 WHERE id = 3;
        UPDATE users SET display_name = '史密斯', updated_at = 103 WHERE id = 3;
        UPDATE users SET disabled = 0, updated_at = 104 WHERE id = 2;
        UPDATE users SET department_id = 2, updated_at = 105 WHERE id = 3;
        UPDATE departments SET name = 'A2' WHERE id = 2;
        INSERT INTO announcements (id, department_id, title, body, created_at) VALUES (1, 1, 'T', 'B', 0);
        INSERT INTO notices (id, user_id, kind, dedupe_key, announcement_id, created_at)
            VALUES (1, 1, 'announcement', 'a1', 1, 40), (2, 1, 'assignment.assigned', 'x', NULL, 41),
                   (3, 2, 'announcement', 'a1', 1, 42), (4, 3, 'assignment.assigned', 'x', NULL, 43);
        UPDATE notices SET read_at = 50 WHERE id IN (2, 3);
        DELETE FROM notices WHERE id = 4;
        UPDATE settings SET value = '20' WHERE key = 'reports.required_hours';
        INSERT INTO hours_ledger (id, user_id, year, source, course_id, item_id, hours, at)
            VALUES (8, 3, 2026, 'quiz', 'c2', 'q1', 30, 27);
        DELETE FROM user_year_hours WHERE user_id = 1 AND year = 2026;
        INSERT INTO users (id, login, display_name, department_id, password_hash, created_at, updated_at, disabled)
            VALUES (4, 'zhao', '赵六', 3, 'h', 13, 13, 1);
        DELETE FROM users WHERE id = 4;
        UPDATE notices SET read_at = NULL WHERE id = 3;
        INSERT INTO users (id, login, display_name, department_id, password_hash, created_at, updated_at)
            VALUES (5, 'qian', '钱七', 3, 'h', 14, 14);
        INSERT INTO hours_ledger (id, user_id, year, source, course_id, item_id, hours, at)
            VALUES (9, 5, 2026, 'module', 'c1', 'm1', 12, 28);
        INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
            VALUES (5, 'p1', 3, 'certified', 32);
        DELETE FROM users WHERE id = 5;
        DELETE FROM certifications WHERE user_id = 1 AND program_id = 'p1';
        UPDATE certifications SET state = 'due_for_renewal' WHERE user_id = 3 AND program_id = 'p1';
        INSERT INTO departments (id, parent_id, name, id_path, created_at) VALUES (4, 1, 'C', '/1/4/', 0);
        DELETE FROM departments WHERE id = 4;
        """

    /// What the triggers keep, compared row for row (sorted: the engines order text differently).
    static let checks = [
        "SELECT department_id, people FROM department_people",
        "SELECT program_id, department_id, state, people FROM certification_counts",
        "SELECT department_id, year, bucket, people FROM department_hours",
        "SELECT user_id, year, hours FROM user_year_hours",
        "SELECT user_id, program_id, department_id, state FROM certifications",
        """
        SELECT id, department_id, disabled, unread_notices, unread_announcements, required_hours, department_joined_at
        FROM users
        """,
        "SELECT character, user_id FROM user_name_characters",
        "SELECT name, version FROM change_versions",
        "SELECT n FROM search_positions WHERE n IN (1, 300, 301)",
    ]

    static func precedes(_ a: [String], _ b: [String]) -> Bool {
        a.joined(separator: "\u{1F}") < b.joined(separator: "\u{1F}")
    }

    /// Numbers as numbers (SQLite prints 30.0 where PostgreSQL prints 30).
    static func normalized(_ row: [String]) -> [String] {
        row.map { value in
            guard let number = Double(value) else { return value }
            return number == number.rounded() ? String(Int(number)) : String(number)
        }
    }
}

/// A SQLite database made by the `sqlite3` command from the SQL in Migrations.swift.
struct SQLiteReference {
    let path: String

    static var migrationsFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/SQLiteStorage/Migrations.swift")
    }

    static func source() throws -> String { try String(contentsOf: migrationsFile, encoding: .utf8) }

    static func migrationNames() throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #"registerMigration\("([^"]+)"\)"#)
        let text = try source()
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    /// The SQL of every `db.execute(sql: …)` in the file, in order (the Swift-written steps fill data an empty
    /// database does not have).
    static func migrationSQL() throws -> String {
        let text = try source()
        let pattern = try NSRegularExpression(
            pattern: #"db\.execute\(sql:\s*(?:"""\n(.*?)\n\s*"""|"((?:[^"\\]|\\.)*)")\)"#, options: [.dotMatchesLineSeparators])
        let statements = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            let group = match.range(at: 1).location != NSNotFound ? 1 : 2
            return String(text[Range(match.range(at: group), in: text)!])
        }
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { $0.hasSuffix(";") ? $0 : $0 + ";" }.joined(separator: "\n")
    }

    static func make() throws -> SQLiteReference {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString).sqlite").path
        let reference = SQLiteReference(path: path)
        try reference.run(try migrationSQL())
        return reference
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `sql` with foreign keys on (as the server has them), stopping at the first error (which it throws).
    @discardableResult
    func run(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-batch", "-bail", "-noheader", "-nullvalue", "NULL", "-separator", "\u{1F}", path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "the sqlite3 command could not be started (install Debian's sqlite3): \(error)")
        }
        input.fileHandleForWriting.write(Data(("PRAGMA foreign_keys = ON;\n" + sql + "\n").utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "sqlite3: " + String(decoding: err, as: UTF8.self))
        }
        return String(decoding: out, as: UTF8.self)
    }

    func rows(_ query: String) throws -> [[String]] {
        try run(query.hasSuffix(";") ? query : query + ";").split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) }
    }
}
