import GRDB
import TrainingServer

/// The schema, as named, append-only migrations. A shipped migration is never edited: changes are new
/// migrations appended at the end.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29-foundation") { db in
            try db.execute(sql: """
                CREATE TABLE departments (
                    id INTEGER PRIMARY KEY,
                    parent_id INTEGER REFERENCES departments(id),
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND instr(name, '/') = 0),
                    -- ids from the root down, e.g. '/1/4/9/', for subtree queries by range
                    id_path TEXT NOT NULL UNIQUE,
                    created_at REAL NOT NULL
                );
                CREATE UNIQUE INDEX departments_parent_name ON departments(ifnull(parent_id, 0), name);

                CREATE TABLE users (
                    id INTEGER PRIMARY KEY,
                    login TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(login) BETWEEN 1 AND 100),
                    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
                    employee_number TEXT UNIQUE,
                    department_id INTEGER NOT NULL REFERENCES departments(id),
                    password_hash TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                    language TEXT CHECK (language IN ('zh', 'en')),
                    accommodation_factor REAL NOT NULL DEFAULT 1 CHECK (accommodation_factor BETWEEN 1 AND 4),
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX users_department ON users(department_id);

                -- A role granted on a department reaches its whole subtree.
                CREATE TABLE role_grants (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'hr', 'admin')),
                    department_id INTEGER NOT NULL REFERENCES departments(id),
                    PRIMARY KEY (user_id, role, department_id)
                ) WITHOUT ROWID;

                CREATE TABLE sessions (
                    id INTEGER PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    csrf_secret TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_seen_at REAL NOT NULL,
                    idle_expires_at REAL NOT NULL,
                    absolute_expires_at REAL NOT NULL,
                    client_address TEXT NOT NULL
                );
                CREATE INDEX sessions_user ON sessions(user_id);

                CREATE TABLE api_tokens (
                    id INTEGER PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_used_at REAL,
                    revoked_at REAL
                );

                CREATE TABLE login_failures (
                    key TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX login_failures_key_at ON login_failures(key, at);

                -- Append-only; each row carries the SHA-256 of the previous row's hash and its own content.
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    actor_user_id INTEGER,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    details TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE
                );
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

                CREATE TABLE settings (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-29-learning") { db in
            try db.execute(sql: """
                -- Verified study time per person and module, capped at the module's declared minutes.
                CREATE TABLE module_progress (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    course_id TEXT NOT NULL,
                    module_id TEXT NOT NULL,
                    seconds REAL NOT NULL DEFAULT 0 CHECK (seconds >= 0),
                    started_at REAL NOT NULL,
                    last_activity_at REAL NOT NULL,
                    completed_at REAL,
                    content_hash TEXT NOT NULL,
                    PRIMARY KEY (user_id, course_id, module_id)
                ) WITHOUT ROWID;

                -- Which session of a person is studying which module now: only that one accrues time.
                CREATE TABLE study_focus (
                    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    session_key TEXT NOT NULL,
                    course_id TEXT NOT NULL,
                    module_id TEXT NOT NULL,
                    last_beat_at REAL NOT NULL
                );

                -- Study hours (学时) credited, once per source, in the year they were earned.
                CREATE TABLE hours_ledger (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    year INTEGER NOT NULL,
                    source TEXT NOT NULL CHECK (source IN ('module', 'quiz')),
                    course_id TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    hours REAL NOT NULL CHECK (hours >= 0),
                    at REAL NOT NULL,
                    UNIQUE (user_id, source, course_id, item_id)
                );
                CREATE INDEX hours_ledger_user_year ON hours_ledger(user_id, year);

                CREATE TABLE quiz_attempts (
                    id TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    course_id TEXT NOT NULL,
                    quiz_id TEXT NOT NULL,
                    number INTEGER NOT NULL CHECK (number >= 1),
                    quiz_hash TEXT NOT NULL,
                    paper TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    deadline REAL,
                    -- Derived from the steps; kept to list and report without replaying.
                    closed_at REAL,
                    mark REAL,
                    max_mark REAL NOT NULL,
                    fraction REAL,
                    passed INTEGER CHECK (passed IN (0, 1)),
                    UNIQUE (user_id, course_id, quiz_id, number)
                );
                CREATE INDEX quiz_attempts_quiz ON quiz_attempts(course_id, quiz_id, closed_at);

                -- The learner's inputs, append-only; marks are derived from them.
                CREATE TABLE attempt_steps (
                    attempt_id TEXT NOT NULL REFERENCES quiz_attempts(id),
                    sequence INTEGER NOT NULL,
                    at REAL NOT NULL,
                    step TEXT NOT NULL,
                    idempotency_key TEXT,
                    PRIMARY KEY (attempt_id, sequence)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX attempt_steps_key ON attempt_steps(attempt_id, idempotency_key)
                    WHERE idempotency_key IS NOT NULL;
                CREATE TRIGGER attempt_steps_no_update BEFORE UPDATE ON attempt_steps
                    BEGIN SELECT RAISE(ABORT, 'attempt_steps is append-only'); END;
                CREATE TRIGGER attempt_steps_no_delete BEFORE DELETE ON attempt_steps
                    BEGIN SELECT RAISE(ABORT, 'attempt_steps is append-only'); END;
                """)
        }
        migrator.registerMigration("2026-11-29-quiz-versions") { db in
            try db.execute(sql: """
                -- Every version of a quiz that an attempt was started against, so attempts replay against the
                -- definition they were taken with, and a corrected key can be compared with the old one.
                CREATE TABLE quiz_versions (
                    course_id TEXT NOT NULL,
                    quiz_id TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    first_used_at REAL NOT NULL,
                    PRIMARY KEY (course_id, quiz_id, content_hash)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-29-certification") { db in
            try db.execute(sql: """
                -- A person's current standing in a programme (derived by the certification engine).
                CREATE TABLE certifications (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    program_id TEXT NOT NULL,
                    department_id INTEGER NOT NULL REFERENCES departments(id),
                    state TEXT NOT NULL CHECK (state IN ('not_started', 'in_progress', 'certified', 'due_for_renewal',
                                                         'expired', 'revoked')),
                    certified_at REAL,
                    expires_at REAL,
                    window_opens_at REAL,
                    certificate_id TEXT,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (user_id, program_id)
                ) WITHOUT ROWID;
                CREATE INDEX certifications_program_state ON certifications(program_id, state, expires_at);
                CREATE INDEX certifications_program_expiry ON certifications(program_id, expires_at);

                CREATE TABLE certification_history (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    program_id TEXT NOT NULL,
                    at REAL NOT NULL,
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX certification_history_person ON certification_history(user_id, program_id, at);

                -- One certificate per certification cycle; the id is random and public (verification URL).
                CREATE TABLE certificates (
                    id TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    program_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('initial', 'renewal')),
                    issued_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    revoked_at REAL,
                    revoked_reason TEXT,
                    revoked_by TEXT,
                    credential TEXT NOT NULL,
                    UNIQUE (user_id, program_id, issued_at)
                );
                CREATE INDEX certificates_person ON certificates(user_id, program_id);

                -- Messages to deliver (renewal reminders, state changes); a mail sender marks them sent.
                CREATE TABLE notification_outbox (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    program_id TEXT,
                    payload TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    sent_at REAL
                );
                CREATE INDEX notification_outbox_unsent ON notification_outbox(sent_at, id);

                -- Aggregates kept by triggers, so department summaries read a few thousand rows, not millions.
                CREATE TABLE department_people (
                    department_id INTEGER PRIMARY KEY REFERENCES departments(id),
                    people INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE certification_counts (
                    program_id TEXT NOT NULL,
                    department_id INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    people INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (program_id, department_id, state)
                ) WITHOUT ROWID;
                CREATE TABLE user_year_hours (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    year INTEGER NOT NULL,
                    hours REAL NOT NULL DEFAULT 0,
                    PRIMARY KEY (user_id, year)
                ) WITHOUT ROWID;

                INSERT INTO department_people (department_id, people)
                    SELECT department_id, count(*) FROM users WHERE disabled = 0 GROUP BY department_id;
                INSERT INTO user_year_hours (user_id, year, hours)
                    SELECT user_id, year, sum(hours) FROM hours_ledger GROUP BY user_id, year;

                CREATE TRIGGER users_count_insert AFTER INSERT ON users WHEN NEW.disabled = 0 BEGIN
                    INSERT INTO department_people (department_id, people) VALUES (NEW.department_id, 1)
                        ON CONFLICT (department_id) DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER users_count_update AFTER UPDATE OF department_id, disabled ON users BEGIN
                    UPDATE department_people SET people = people - 1
                        WHERE department_id = OLD.department_id AND OLD.disabled = 0;
                    INSERT INTO department_people (department_id, people)
                        SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
                        ON CONFLICT (department_id) DO UPDATE SET people = people + 1;
                    UPDATE certifications SET department_id = NEW.department_id
                        WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;
                END;
                CREATE TRIGGER users_count_delete AFTER DELETE ON users WHEN OLD.disabled = 0 BEGIN
                    UPDATE department_people SET people = people - 1 WHERE department_id = OLD.department_id;
                END;

                CREATE TRIGGER certifications_count_insert AFTER INSERT ON certifications BEGIN
                    INSERT INTO certification_counts (program_id, department_id, state, people)
                        VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER certifications_count_update AFTER UPDATE OF state, department_id ON certifications BEGIN
                    UPDATE certification_counts SET people = people - 1
                        WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
                    INSERT INTO certification_counts (program_id, department_id, state, people)
                        VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER certifications_count_delete AFTER DELETE ON certifications BEGIN
                    UPDATE certification_counts SET people = people - 1
                        WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
                END;

                CREATE TRIGGER hours_ledger_sum AFTER INSERT ON hours_ledger BEGIN
                    INSERT INTO user_year_hours (user_id, year, hours) VALUES (NEW.user_id, NEW.year, NEW.hours)
                        ON CONFLICT DO UPDATE SET hours = hours + NEW.hours;
                END;
                """)
        }
        migrator.registerMigration("2026-11-29-certificate-cycles") { db in
            // The engine knows three kinds of cycle and a richer history entry than the first schema had; both
            // tables are rebuilt (copying any rows) rather than edited.
            try db.execute(sql: """
                CREATE TABLE certificates_new (
                    id TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    program_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('initial', 'renewal', 'recertification')),
                    issued_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    revoked_at REAL,
                    revoked_reason TEXT,
                    revoked_by TEXT,
                    credential TEXT NOT NULL,
                    UNIQUE (user_id, program_id, kind, issued_at, expires_at)
                );
                INSERT INTO certificates_new SELECT * FROM certificates;
                DROP TABLE certificates;
                ALTER TABLE certificates_new RENAME TO certificates;
                CREATE INDEX certificates_person ON certificates(user_id, program_id);

                CREATE TABLE certification_history_new (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    program_id TEXT NOT NULL,
                    at REAL NOT NULL,
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    event TEXT NOT NULL,
                    cycle INTEGER,
                    note TEXT,
                    by TEXT
                );
                INSERT INTO certification_history_new (id, user_id, program_id, at, from_state, to_state, event)
                    SELECT id, user_id, program_id, at, from_state, to_state, reason FROM certification_history;
                DROP TABLE certification_history;
                ALTER TABLE certification_history_new RENAME TO certification_history;
                CREATE INDEX certification_history_person ON certification_history(user_id, program_id, at);
                """)
        }
        migrator.registerMigration("2026-11-29-counts-skip-disabled") { db in
            // People who left (disabled accounts) are not in department_people; their certifications must not
            // be in certification_counts either, or summaries would count people the lists leave out.
            try db.execute(sql: """
                DROP TRIGGER certifications_count_insert;
                DROP TRIGGER certifications_count_update;
                DROP TRIGGER certifications_count_delete;
                DROP TRIGGER users_count_update;

                DELETE FROM certification_counts;
                INSERT INTO certification_counts (program_id, department_id, state, people)
                    SELECT c.program_id, c.department_id, c.state, count(*) FROM certifications c
                    JOIN users u ON u.id = c.user_id WHERE u.disabled = 0
                    GROUP BY c.program_id, c.department_id, c.state;

                CREATE TRIGGER certifications_count_insert AFTER INSERT ON certifications
                WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
                    INSERT INTO certification_counts (program_id, department_id, state, people)
                        VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER certifications_count_update AFTER UPDATE OF state ON certifications
                WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
                    UPDATE certification_counts SET people = people - 1
                        WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
                    INSERT INTO certification_counts (program_id, department_id, state, people)
                        VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER certifications_count_delete AFTER DELETE ON certifications
                WHEN (SELECT disabled FROM users WHERE id = OLD.user_id) = 0 BEGIN
                    UPDATE certification_counts SET people = people - 1
                        WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
                END;
                CREATE TRIGGER users_count_update AFTER UPDATE OF department_id, disabled ON users BEGIN
                    UPDATE department_people SET people = people - 1
                        WHERE department_id = OLD.department_id AND OLD.disabled = 0;
                    INSERT INTO department_people (department_id, people)
                        SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
                        ON CONFLICT (department_id) DO UPDATE SET people = people + 1;
                    -- Take the person's certifications out of the counts as they were, move them, put them back.
                    UPDATE certification_counts SET people = people - 1
                        WHERE OLD.disabled = 0 AND (program_id, department_id, state) IN
                            (SELECT program_id, department_id, state FROM certifications WHERE user_id = OLD.id);
                    UPDATE certifications SET department_id = NEW.department_id
                        WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;
                    INSERT INTO certification_counts (program_id, department_id, state, people)
                        SELECT program_id, department_id, state, 1 FROM certifications
                        WHERE user_id = NEW.id AND NEW.disabled = 0
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                """)
        }
        migrator.registerMigration("2026-11-29-report-aggregates") { db in
            // What HR pages need to answer at the top of a large organisation without reading every person:
            // people in name order (a page walks the index and stops), people per department, year and
            // study-hours bucket (the summary's hours chart and the "below the requirement" total), and a
            // version of the department tree that changes with every change to it (servers cache the tree).
            // The buckets depend on the yearly requirement, kept in settings under 'reports.required_hours';
            // with no such setting the table stays empty and reports count from the people themselves.
            try db.execute(sql: """
                -- Covering every users column a people list filters on, so a walk in name order (with a search,
                -- a department range or a state to check) reads the table only for the rows it keeps.
                CREATE INDEX users_name ON users(display_name, login, employee_number, department_id, disabled);
                -- Departments in name order, then each one's people by id: a list sorted by department.
                CREATE INDEX departments_name ON departments(name);
                -- A programme's people in one state, by person (the key's user_id follows): a list sorted by state.
                CREATE INDEX certifications_program_people ON certifications(program_id, state);
                -- A year's study hours in order, then by person: a list sorted by hours.
                CREATE INDEX user_year_hours_value ON user_year_hours(year, hours);

                CREATE TABLE department_hours (
                    department_id INTEGER NOT NULL,
                    year INTEGER NOT NULL,
                    -- 1..5: below a quarter, a half, three quarters, all of the requirement, then at or above it;
                    -- people with no hours (no row, or 0) are the department's people minus its rows
                    bucket INTEGER NOT NULL CHECK (bucket BETWEEN 1 AND 5),
                    people INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (department_id, year, bucket)
                ) WITHOUT ROWID;

                CREATE VIEW user_year_hours_bucket AS
                    SELECT h.user_id, h.year, h.hours,
                           CASE WHEN h.hours <= 0 THEN 0
                                WHEN h.hours < r.required * 0.25 THEN 1 WHEN h.hours < r.required * 0.5 THEN 2
                                WHEN h.hours < r.required * 0.75 THEN 3 WHEN h.hours < r.required THEN 4
                                ELSE 5 END AS bucket
                    FROM user_year_hours h,
                         (SELECT CAST(value AS REAL) AS required FROM settings WHERE key = 'reports.required_hours') r;

                CREATE TRIGGER user_year_hours_bucket_insert AFTER INSERT ON user_year_hours
                WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
                    INSERT INTO department_hours (department_id, year, bucket, people)
                        SELECT u.department_id, b.year, b.bucket, 1 FROM user_year_hours_bucket b
                        JOIN users u ON u.id = b.user_id
                        WHERE b.user_id = NEW.user_id AND b.year = NEW.year AND b.bucket > 0
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER user_year_hours_bucket_update BEFORE UPDATE OF hours ON user_year_hours
                WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
                    UPDATE department_hours SET people = people - 1
                        WHERE (department_id, year, bucket) IN
                              (SELECT u.department_id, b.year, b.bucket FROM user_year_hours_bucket b
                               JOIN users u ON u.id = b.user_id WHERE b.user_id = OLD.user_id AND b.year = OLD.year);
                END;
                CREATE TRIGGER user_year_hours_bucket_updated AFTER UPDATE OF hours ON user_year_hours
                WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
                    INSERT INTO department_hours (department_id, year, bucket, people)
                        SELECT u.department_id, b.year, b.bucket, 1 FROM user_year_hours_bucket b
                        JOIN users u ON u.id = b.user_id
                        WHERE b.user_id = NEW.user_id AND b.year = NEW.year AND b.bucket > 0
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER user_year_hours_bucket_delete BEFORE DELETE ON user_year_hours
                WHEN (SELECT disabled FROM users WHERE id = OLD.user_id) = 0 BEGIN
                    UPDATE department_hours SET people = people - 1
                        WHERE (department_id, year, bucket) IN
                              (SELECT u.department_id, b.year, b.bucket FROM user_year_hours_bucket b
                               JOIN users u ON u.id = b.user_id WHERE b.user_id = OLD.user_id AND b.year = OLD.year);
                END;

                -- Moves and enabling/disabling: take the person out of every aggregate as they were, put them
                -- back as they are.
                DROP TRIGGER users_count_update;
                CREATE TRIGGER users_count_update AFTER UPDATE OF department_id, disabled ON users BEGIN
                    UPDATE department_people SET people = people - 1
                        WHERE department_id = OLD.department_id AND OLD.disabled = 0;
                    INSERT INTO department_people (department_id, people)
                        SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
                        ON CONFLICT (department_id) DO UPDATE SET people = people + 1;

                    UPDATE certification_counts SET people = people - 1
                        WHERE OLD.disabled = 0 AND (program_id, department_id, state) IN
                            (SELECT program_id, department_id, state FROM certifications WHERE user_id = OLD.id);
                    UPDATE department_hours SET people = people - 1
                        WHERE OLD.disabled = 0 AND (department_id, year, bucket) IN
                            (SELECT OLD.department_id, year, bucket FROM user_year_hours_bucket
                             WHERE user_id = OLD.id AND bucket > 0);

                    UPDATE certifications SET department_id = NEW.department_id
                        WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;

                    INSERT INTO certification_counts (program_id, department_id, state, people)
                        SELECT program_id, department_id, state, 1 FROM certifications
                        WHERE user_id = NEW.id AND NEW.disabled = 0
                        ON CONFLICT DO UPDATE SET people = people + 1;
                    INSERT INTO department_hours (department_id, year, bucket, people)
                        SELECT NEW.department_id, year, bucket, 1 FROM user_year_hours_bucket
                        WHERE user_id = NEW.id AND bucket > 0 AND NEW.disabled = 0
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;

                CREATE TABLE change_versions (
                    name TEXT PRIMARY KEY,
                    version INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO change_versions (name, version) VALUES ('departments', 1);
                CREATE TRIGGER departments_version_insert AFTER INSERT ON departments BEGIN
                    UPDATE change_versions SET version = version + 1 WHERE name = 'departments';
                END;
                CREATE TRIGGER departments_version_update AFTER UPDATE ON departments BEGIN
                    UPDATE change_versions SET version = version + 1 WHERE name = 'departments';
                END;
                CREATE TRIGGER departments_version_delete AFTER DELETE ON departments BEGIN
                    UPDATE change_versions SET version = version + 1 WHERE name = 'departments';
                END;
                """)
        }
        migrator.registerMigration("2026-11-29-name-search") { db in
            // A search for part of a name or login ("王", "小明") must not read every name: every character of
            // a person's name and login beyond ASCII (Chinese names are made of them) is listed with the person,
            // so a search starts from the people who have its rarest character. ASCII text (logins, Latin names)
            // is searched by reading the names, as before.
            try db.execute(sql: """
                CREATE TABLE search_positions (n INTEGER PRIMARY KEY);
                INSERT INTO search_positions (n)
                    WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 300) SELECT n FROM p;

                CREATE TABLE user_name_characters (
                    character TEXT NOT NULL,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    PRIMARY KEY (character, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX user_name_characters_user ON user_name_characters(user_id);

                INSERT OR IGNORE INTO user_name_characters (character, user_id)
                    SELECT substr(u.display_name || u.login, p.n, 1), u.id
                    FROM users u JOIN search_positions p ON p.n <= length(u.display_name || u.login)
                    WHERE unicode(substr(u.display_name || u.login, p.n, 1)) > 127;

                CREATE TRIGGER users_name_characters_insert AFTER INSERT ON users BEGIN
                    INSERT OR IGNORE INTO user_name_characters (character, user_id)
                        SELECT substr(NEW.display_name || NEW.login, p.n, 1), NEW.id FROM search_positions p
                        WHERE p.n <= length(NEW.display_name || NEW.login)
                          AND unicode(substr(NEW.display_name || NEW.login, p.n, 1)) > 127;
                END;
                CREATE TRIGGER users_name_characters_update AFTER UPDATE OF display_name, login ON users BEGIN
                    DELETE FROM user_name_characters WHERE user_id = OLD.id;
                    INSERT OR IGNORE INTO user_name_characters (character, user_id)
                        SELECT substr(NEW.display_name || NEW.login, p.n, 1), NEW.id FROM search_positions p
                        WHERE p.n <= length(NEW.display_name || NEW.login)
                          AND unicode(substr(NEW.display_name || NEW.login, p.n, 1)) > 127;
                END;
                """)
        }
        migrator.registerMigration("2026-12-06-user-time-zone") { db in
            // The time zone a person wants pages to show times in (an IANA name, checked by the application);
            // NULL follows the server's configured zone.
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN time_zone TEXT CHECK (time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 64);
                """)
        }
        migrator.registerMigration("2026-12-06-name-collation-key") { db in
            // Names sort in the Chinese collation's order (pinyin; Latin letters as in English), which SQLite cannot
            // compute: each person's key is computed in Swift when their name is written (`NameCollation`) and
            // compared as bytes. The name walk's covering index now starts with the key. A name written without its
            // key (by a tool outside the platform) leaves it NULL; `prepareAggregates` fills such keys at start.
            try db.execute(sql: "ALTER TABLE users ADD COLUMN name_key BLOB")
            try SQLiteReportRepository.fillNameKeys(db, all: true)
            try db.execute(sql: """
                DROP INDEX users_name;
                CREATE INDEX users_name_key ON users(name_key, display_name, login, employee_number, department_id, disabled);
                CREATE TRIGGER users_name_key_reset AFTER UPDATE OF display_name ON users
                    WHEN NEW.display_name IS NOT OLD.display_name BEGIN
                    UPDATE users SET name_key = NULL WHERE id = NEW.id;
                END;
                """)
        }
        migrator.registerMigration("2026-12-06-issuer-public-keys") { db in
            // Every issuer key that has signed credentials stays published after a rotation, so credentials it
            // signed keep verifying against the key set.
            try db.execute(sql: """
                CREATE TABLE issuer_public_keys (
                    thumbprint TEXT PRIMARY KEY,
                    modulus TEXT NOT NULL,
                    exponent TEXT NOT NULL,
                    first_used_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-12-06-login-usual-addresses") { db in
            // The addresses each account last signed in from: attempts from them are not slowed by failures
            // elsewhere (see LoginThrottle). The key is "ADDRESS LOGIN", with IPv6 addresses as their /64.
            try db.execute(sql: """
                CREATE TABLE login_usual_addresses (
                    key TEXT PRIMARY KEY,
                    last_success_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-12-06-api-token-expiry") { db in
            // Tokens end: each has an expiry. Tokens made before this have 90 days from now.
            try db.execute(sql: """
                ALTER TABLE api_tokens ADD COLUMN expires_at REAL;
                UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS REAL) + 90 * 86400;
                CREATE INDEX api_tokens_user ON api_tokens(user_id);
                """)
        }
        migrator.registerMigration("2026-12-06-server-keys") { db in
            // Keys every server instance on this database shares (the anonymous CSRF cookie's signing key), made
            // by the first instance that needs one.
            try db.execute(sql: """
                CREATE TABLE server_keys (
                    name TEXT PRIMARY KEY,
                    secret BLOB NOT NULL CHECK (length(secret) >= 32),
                    created_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-12-06-attempt-summary-indexes") { db in
            // Pages read a person's attempts from the summaries kept beside the steps (closed_at … passed, kept
            // in step since the first schema, so no backfill): the latest pass and the latest close are one
            // index seek each, the attempts still open (which may need closing) a partial index, and a person's
            // passes (certification evidence) a range of their own.
            try db.execute(sql: """
                CREATE INDEX quiz_attempts_passes ON quiz_attempts(user_id, course_id, quiz_id, passed, number);
                CREATE INDEX quiz_attempts_user_passes ON quiz_attempts(user_id, passed, closed_at);
                CREATE INDEX quiz_attempts_closes ON quiz_attempts(user_id, course_id, quiz_id, closed_at);
                CREATE INDEX quiz_attempts_open ON quiz_attempts(user_id, course_id, quiz_id, number)
                    WHERE closed_at IS NULL;
                """)
        }
        migrator.registerMigration("2026-12-06-attempt-start-index") { db in
            // A practice quiz's attempts per day: the person's attempts at the quiz that started today, one index
            // range however long their history is.
            try db.execute(sql: """
                CREATE INDEX quiz_attempts_starts ON quiz_attempts(user_id, course_id, quiz_id, started_at);
                """)
        }
        migrator.registerMigration("2026-12-07-mail-outbox-password-resets") { db in
            // A person's e-mail address (optional), where mail for them goes; matched without case.
            // The outbox: messages written in the same transaction as what caused them, sent by the background
            // sender (Mail/MailService), each delivered at most once (`sending` is claimed before the SMTP dialogue).
            // A sensitive body (a sign-in link) is erased once the message is delivered or given up.
            // Password reset tokens: only the SHA-256 of each token, single use, with the digest of the password
            // hash it was issued against (a changed password voids it). Self-service requests wait for the sender
            // (the request does no account lookup); what was typed is kept only until the sender has handled it.
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN email TEXT CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254);
                CREATE INDEX users_email ON users(email COLLATE NOCASE) WHERE email IS NOT NULL;

                CREATE TABLE mail_outbox (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
                    message_id TEXT,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    next_attempt_at REAL NOT NULL,
                    claimed_at REAL,
                    expires_at REAL,
                    sent_at REAL,
                    last_error TEXT
                );
                CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at);

                CREATE TABLE password_reset_tokens (
                    id INTEGER PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    password_digest TEXT NOT NULL,
                    origin TEXT NOT NULL CHECK (origin IN ('admin', 'cli', 'self')),
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    used_at REAL
                );
                CREATE INDEX password_reset_tokens_user ON password_reset_tokens(user_id, created_at);

                CREATE TABLE password_reset_requests (
                    id INTEGER PRIMARY KEY,
                    identifier TEXT,
                    identifier_key TEXT NOT NULL,
                    client_key TEXT NOT NULL,
                    requested_at REAL NOT NULL,
                    processed_at REAL
                );
                CREATE INDEX password_reset_requests_client ON password_reset_requests(client_key, requested_at);
                CREATE INDEX password_reset_requests_identifier ON password_reset_requests(identifier_key, requested_at);
                CREATE INDEX password_reset_requests_waiting ON password_reset_requests(id) WHERE processed_at IS NULL;
                """)
        }
        migrator.registerMigration("2026-12-07-settings-platform") { db in
            // The platform's own identity, set by administrators (`/admin/settings`): one row per setting, and the
            // uploaded logo and seal by the SHA-256 of their (sanitised) bytes, kept while a setting names them.
            try db.execute(sql: """
                CREATE TABLE platform_settings (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL,
                    updated_at REAL NOT NULL,
                    updated_by TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE platform_images (
                    digest TEXT PRIMARY KEY CHECK (length(digest) = 64),
                    format TEXT NOT NULL CHECK (format IN ('png', 'svg')),
                    data BLOB NOT NULL CHECK (length(data) BETWEEN 1 AND 204800),
                    created_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-12-07-people-account-states") { db in
            // Every disabling and enabling of an account with the reason an administrator gave (the command line
            // may give none), shown on the person's administration page; the audit log has them too.
            try db.execute(sql: """
                CREATE TABLE account_state_changes (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
                    reason TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
                    actor TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX account_state_changes_user ON account_state_changes(user_id, at);
                """)
        }
        migrator.registerMigration("2026-12-07-ops-audit-queries") { db in
            // The audit log page filters by action, actor and time, newest first (each index ends in the row id),
            // and shows a unit administrator only the rows about people and departments in their scope: whom each
            // row is about is resolved once, beside the chain (see AuditSubjects), for rows written before too.
            try db.execute(sql: """
                CREATE TABLE audit_log_subjects (
                    audit_id INTEGER PRIMARY KEY,
                    user_id INTEGER,
                    department_id INTEGER
                );
                CREATE INDEX audit_log_subjects_user ON audit_log_subjects(user_id) WHERE user_id IS NOT NULL;
                CREATE INDEX audit_log_subjects_department ON audit_log_subjects(department_id)
                    WHERE department_id IS NOT NULL;
                CREATE INDEX audit_log_action ON audit_log(action);
                CREATE INDEX audit_log_actor_user ON audit_log(actor_user_id);
                CREATE INDEX audit_log_at ON audit_log(at);
                """)
            try AuditSubjects.backfill(in: db)
        }
        migrator.registerMigration("2026-12-07-org-staff-imports") { db in
            // Staff files uploaded in the browser wait here for their confirmation (a day at most), so the file
            // applied is byte for byte the one previewed; applied imports are kept in their history.
            try db.execute(sql: """
                CREATE TABLE staff_import_uploads (
                    id TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    file_name TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    content BLOB NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX staff_import_uploads_created ON staff_import_uploads(created_at);
                CREATE TABLE staff_imports (
                    id INTEGER PRIMARY KEY,
                    at REAL NOT NULL,
                    actor_user_id INTEGER,
                    actor TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    -- the ids of the departments at the top of the importer's scope, space-separated (ids, not
                    -- paths: a department may move later); empty: the whole organisation
                    scope TEXT NOT NULL,
                    created INTEGER NOT NULL,
                    updated INTEGER NOT NULL,
                    disabled INTEGER NOT NULL,
                    unchanged INTEGER NOT NULL,
                    departments INTEGER NOT NULL,
                    warnings INTEGER NOT NULL
                );
                CREATE INDEX staff_imports_at ON staff_imports(at);
                """)
        }
        migrator.registerMigration("2026-12-06-export-name-order") { db in
            // Exports in name order read a batch's certifications and hours as ranges of covering indexes in the
            // same order, not one scattered page per person: each row carries its person's name key, copied by
            // triggers when the row is inserted and whenever the key changes.
            try db.execute(sql: """
                ALTER TABLE certifications ADD COLUMN name_key BLOB;
                ALTER TABLE user_year_hours ADD COLUMN name_key BLOB;
                UPDATE certifications SET name_key = (SELECT u.name_key FROM users u WHERE u.id = certifications.user_id);
                UPDATE user_year_hours SET name_key = (SELECT u.name_key FROM users u WHERE u.id = user_year_hours.user_id);
                CREATE INDEX certifications_program_name
                    ON certifications(program_id, name_key, user_id, state, certified_at, expires_at, certificate_id);
                CREATE INDEX user_year_hours_name ON user_year_hours(year, name_key, user_id, hours);
                CREATE TRIGGER users_name_key_copy AFTER UPDATE OF name_key ON users
                    WHEN NEW.name_key IS NOT OLD.name_key BEGIN
                    UPDATE certifications SET name_key = NEW.name_key WHERE user_id = NEW.id;
                    UPDATE user_year_hours SET name_key = NEW.name_key WHERE user_id = NEW.id;
                END;
                CREATE TRIGGER certifications_name_key AFTER INSERT ON certifications BEGIN
                    UPDATE certifications SET name_key = (SELECT u.name_key FROM users u WHERE u.id = NEW.user_id)
                        WHERE user_id = NEW.user_id AND program_id = NEW.program_id;
                END;
                CREATE TRIGGER user_year_hours_name_key AFTER INSERT ON user_year_hours BEGIN
                    UPDATE user_year_hours SET name_key = (SELECT u.name_key FROM users u WHERE u.id = NEW.user_id)
                        WHERE user_id = NEW.user_id AND year = NEW.year;
                END;
                """)
        }
        migrator.registerMigration("2026-12-08-training-plans") { db in
            // Training plans: a course or programme assigned to an audience (a department, optionally its subtree
            // and one job category; or named people), required or elective, with a fixed or relative due day.
            // The audience is kept as members, one row per person and assignment, added as people join and
            // marked as left (never deleted) when they move away, so history stays. Whether a member is done is
            // not stored: it is read from the evidence (module progress and passed quizzes for a course, the
            // certification state for a programme), like everything else the platform reports.
            try db.execute(sql: """
                -- A staff attribute that assignments and yearly requirements can target, e.g. 领导干部 / 窗口岗位.
                ALTER TABLE users ADD COLUMN job_category TEXT
                    CHECK (job_category IS NULL OR length(job_category) BETWEEN 1 AND 60);
                CREATE INDEX users_job_category ON users(job_category, department_id) WHERE job_category IS NOT NULL;
                -- When the person came to their current department (relative due days count from it).
                ALTER TABLE users ADD COLUMN department_joined_at REAL;
                UPDATE users SET department_joined_at = created_at;
                CREATE TRIGGER users_department_joined_insert AFTER INSERT ON users
                    WHEN NEW.department_joined_at IS NULL BEGIN
                    UPDATE users SET department_joined_at = NEW.created_at WHERE id = NEW.id;
                END;
                CREATE TRIGGER users_department_joined_move AFTER UPDATE OF department_id ON users
                    WHEN NEW.department_id <> OLD.department_id BEGIN
                    UPDATE users SET department_joined_at = NEW.updated_at WHERE id = NEW.id;
                END;

                CREATE TABLE assignments (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    item_kind TEXT NOT NULL CHECK (item_kind IN ('course', 'program')),
                    item_id TEXT NOT NULL,
                    required INTEGER NOT NULL CHECK (required IN (0, 1)),
                    -- 'department': everyone in department_id (and below it when include_subtree), of job_category
                    -- when set; 'people': the people listed in assignment_people, each inside department_id's
                    -- subtree. department_id is the assignment's anchor either way: who may change it and who sees
                    -- it follow from it.
                    audience TEXT NOT NULL CHECK (audience IN ('department', 'people')),
                    department_id INTEGER NOT NULL REFERENCES departments(id),
                    include_subtree INTEGER NOT NULL DEFAULT 1 CHECK (include_subtree IN (0, 1)),
                    job_category TEXT CHECK (job_category IS NULL OR length(job_category) BETWEEN 1 AND 60),
                    -- 'none' (electives may have no due day), 'fixed' (due_day), 'after_assignment' and
                    -- 'after_joining' (due_days after the person became a member, or joined their department)
                    due_kind TEXT NOT NULL CHECK (due_kind IN ('none', 'fixed', 'after_assignment', 'after_joining')),
                    due_day TEXT CHECK (due_day IS NULL OR due_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                    due_days INTEGER CHECK (due_days IS NULL OR due_days BETWEEN 1 AND 3660),
                    -- assignments declared in Courses/plans/: the plan's id and entry; NULL for the browser's
                    plan_key TEXT UNIQUE,
                    created_by INTEGER REFERENCES users(id),
                    created_at REAL NOT NULL,
                    withdrawn_at REAL,
                    withdrawn_by INTEGER REFERENCES users(id),
                    CHECK ((due_kind = 'fixed') = (due_day IS NOT NULL)),
                    CHECK ((due_kind IN ('after_assignment', 'after_joining')) = (due_days IS NOT NULL))
                );
                CREATE INDEX assignments_department ON assignments(department_id);
                CREATE INDEX assignments_item ON assignments(item_kind, item_id);

                -- The named people of an assignment whose audience is 'people'.
                CREATE TABLE assignment_people (
                    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    PRIMARY KEY (assignment_id, user_id)
                ) WITHOUT ROWID;

                CREATE TABLE assignment_members (
                    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    assigned_at REAL NOT NULL,
                    -- the day it is due by (inclusive, in the platform's time zone), as assigned; NULL: no due day
                    due_day TEXT,
                    -- the day after an approved extension
                    extended_day TEXT,
                    -- exempted by HR (the reason is the approved exemption in assignment_requests)
                    exempt_at REAL,
                    -- no longer in the audience (moved, category changed, assignment withdrawn): kept as history
                    left_at REAL,
                    PRIMARY KEY (assignment_id, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX assignment_members_user ON assignment_members(user_id, assignment_id);
                CREATE INDEX assignment_members_due ON assignment_members(assignment_id, left_at, due_day);

                -- Exemptions (made by HR, approved at once) and extension requests (made by the learner, decided
                -- by HR), with their decisions. Never deleted.
                CREATE TABLE assignment_requests (
                    id INTEGER PRIMARY KEY,
                    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('exemption', 'extension')),
                    reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
                    -- an extension: the due day asked for (and granted, when approved)
                    requested_day TEXT,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'cancelled')),
                    created_by INTEGER REFERENCES users(id),
                    created_at REAL NOT NULL,
                    decided_by INTEGER REFERENCES users(id),
                    decided_at REAL,
                    decision_note TEXT CHECK (decision_note IS NULL OR length(decision_note) <= 1000),
                    CHECK ((kind = 'extension') = (requested_day IS NOT NULL))
                );
                CREATE INDEX assignment_requests_member ON assignment_requests(assignment_id, user_id, created_at);
                CREATE INDEX assignment_requests_pending ON assignment_requests(state, assignment_id)
                    WHERE state = 'pending';
                """)
        }
        migrator.registerMigration("2026-12-08-mail-html-dead-letters-digests") { db in
            // Mail in two formats: the HTML alternative of the plain-text body (NULL: plain text only) and the
            // one-click unsubscribe address of mail one may stop (List-Unsubscribe). Given-up messages keep when
            // they were given up, and when an administrator discarded them from the dead letters (/admin/mail).
            // The weekly HR digests: one row per person and ISO week, written in the transaction that queues the
            // digest, so that two servers sharing the database never send the same person two in one week.
            try db.execute(sql: """
                ALTER TABLE mail_outbox ADD COLUMN html TEXT;
                ALTER TABLE mail_outbox ADD COLUMN unsubscribe_url TEXT;
                ALTER TABLE mail_outbox ADD COLUMN failed_at REAL;
                ALTER TABLE mail_outbox ADD COLUMN discarded_at REAL;
                CREATE INDEX mail_outbox_dead_letters ON mail_outbox(failed_at) WHERE state = 'failed' AND discarded_at IS NULL;

                CREATE TABLE mail_digests (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    -- the ISO week the digest is for, e.g. 2026-W50 (weeks in the platform's time zone)
                    week TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),
                    -- the queued message (NULL when nothing was overdue in the person's scope: nothing is sent)
                    outbox_id INTEGER REFERENCES mail_outbox(id),
                    created_at REAL NOT NULL,
                    PRIMARY KEY (user_id, week)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-12-08-requirements-yearly-hours") { db in
            // Yearly study-hour requirements by department (reaching its subtree) and, optionally, job category,
            // set by planners; the global `--yearly-hours` stays the fallback. Each person's requirement is kept
            // on their row (`required_hours`, NULL: the global one), so the hours buckets of `department_hours`
            // count every person against their own requirement. Triggers keep it when a person is added, moves or
            // changes category; rule changes and department moves refresh the people below (SQLiteYearlyRequirements).
            // The precedence (Plans/YearlyRequirement.swift): the nearest rule for the person's category (their
            // department, then its ancestors), else the nearest rule without a category, else the global one.
            try db.execute(sql: """
                CREATE TABLE yearly_requirements (
                    id INTEGER PRIMARY KEY,
                    department_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
                    -- NULL: everyone in the subtree without a rule of their own category
                    job_category TEXT CHECK (job_category IS NULL OR length(job_category) BETWEEN 1 AND 60),
                    hours REAL NOT NULL CHECK (hours > 0 AND hours <= 1000),
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL
                );
                CREATE UNIQUE INDEX yearly_requirements_key ON yearly_requirements(department_id, ifnull(job_category, ''));

                ALTER TABLE users ADD COLUMN required_hours REAL;
                -- The name walk (lists and exports in name order) stays within its covering index.
                DROP INDEX users_name_key;
                CREATE INDEX users_name_key
                    ON users(name_key, display_name, login, employee_number, department_id, disabled, required_hours);

                -- Each person-year with hours in the bucket of their own requirement (or the global one).
                DROP VIEW user_year_hours_bucket;
                CREATE VIEW user_year_hours_bucket AS
                    SELECT h.user_id, h.year, h.hours,
                           CASE WHEN h.hours <= 0 THEN 0
                                WHEN h.hours < coalesce(u.required_hours, r.required) * 0.25 THEN 1
                                WHEN h.hours < coalesce(u.required_hours, r.required) * 0.5 THEN 2
                                WHEN h.hours < coalesce(u.required_hours, r.required) * 0.75 THEN 3
                                WHEN h.hours < coalesce(u.required_hours, r.required) THEN 4
                                ELSE 5 END AS bucket
                    FROM user_year_hours h CROSS JOIN users u ON u.id = h.user_id,
                         (SELECT CAST(value AS REAL) AS required FROM settings WHERE key = 'reports.required_hours') r;

                -- Moves and enabling/disabling keep their counts; the hours buckets move to a trigger of their own
                -- that also follows a changed requirement. It counts from the row's OLD and NEW values only (with
                -- upserts, so a change nested in another trigger adds up whatever order they run in). A refresh of
                -- a whole subtree's requirements (the setting 'reports.refreshing' present) recounts the subtree's
                -- buckets at once instead.
                DROP TRIGGER users_count_update;
                CREATE TRIGGER users_count_update AFTER UPDATE OF department_id, disabled ON users BEGIN
                    UPDATE department_people SET people = people - 1
                        WHERE department_id = OLD.department_id AND OLD.disabled = 0;
                    INSERT INTO department_people (department_id, people)
                        SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
                        ON CONFLICT (department_id) DO UPDATE SET people = people + 1;

                    UPDATE certification_counts SET people = people - 1
                        WHERE OLD.disabled = 0 AND (program_id, department_id, state) IN
                            (SELECT program_id, department_id, state FROM certifications WHERE user_id = OLD.id);

                    UPDATE certifications SET department_id = NEW.department_id
                        WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;

                    INSERT INTO certification_counts (program_id, department_id, state, people)
                        SELECT program_id, department_id, state, 1 FROM certifications
                        WHERE user_id = NEW.id AND NEW.disabled = 0
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;
                CREATE TRIGGER users_hours_update AFTER UPDATE OF department_id, disabled, required_hours ON users
                WHEN (NEW.department_id IS NOT OLD.department_id OR NEW.disabled IS NOT OLD.disabled
                      OR NEW.required_hours IS NOT OLD.required_hours)
                     AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'reports.refreshing') BEGIN
                    INSERT INTO department_hours (department_id, year, bucket, people)
                        SELECT OLD.department_id, h.year, CASE WHEN h.hours < r.required * 0.25 THEN 1
                               WHEN h.hours < r.required * 0.5 THEN 2 WHEN h.hours < r.required * 0.75 THEN 3
                               WHEN h.hours < r.required THEN 4 ELSE 5 END, -1
                        FROM user_year_hours h,
                             (SELECT coalesce(OLD.required_hours, CAST(value AS REAL)) AS required FROM settings
                              WHERE key = 'reports.required_hours') r
                        WHERE OLD.disabled = 0 AND h.user_id = OLD.id AND h.hours > 0
                        ON CONFLICT DO UPDATE SET people = people - 1;
                    INSERT INTO department_hours (department_id, year, bucket, people)
                        SELECT NEW.department_id, h.year, CASE WHEN h.hours < r.required * 0.25 THEN 1
                               WHEN h.hours < r.required * 0.5 THEN 2 WHEN h.hours < r.required * 0.75 THEN 3
                               WHEN h.hours < r.required THEN 4 ELSE 5 END, 1
                        FROM user_year_hours h,
                             (SELECT coalesce(NEW.required_hours, CAST(value AS REAL)) AS required FROM settings
                              WHERE key = 'reports.required_hours') r
                        WHERE NEW.disabled = 0 AND h.user_id = NEW.id AND h.hours > 0
                        ON CONFLICT DO UPDATE SET people = people + 1;
                END;

                -- A person's own requirement when they are added, move or change category (the rule of
                -- Plans/YearlyRequirement.swift in SQL: their category's nearest rule, else the nearest plain one).
                CREATE TRIGGER users_required_hours_insert AFTER INSERT ON users
                WHEN EXISTS (SELECT 1 FROM yearly_requirements) BEGIN
                    UPDATE users SET required_hours = (
                        SELECT r.hours FROM departments me CROSS JOIN yearly_requirements r
                        CROSS JOIN departments d ON d.id = r.department_id
                        WHERE me.id = NEW.department_id AND substr(me.id_path, 1, length(d.id_path)) = d.id_path
                          AND (r.job_category IS NULL OR r.job_category = NEW.job_category)
                        ORDER BY r.job_category IS NULL, length(d.id_path) DESC LIMIT 1) WHERE id = NEW.id;
                END;
                CREATE TRIGGER users_required_hours_change AFTER UPDATE OF department_id, job_category ON users
                WHEN NEW.department_id IS NOT OLD.department_id OR NEW.job_category IS NOT OLD.job_category BEGIN
                    UPDATE users SET required_hours = (
                        SELECT r.hours FROM departments me CROSS JOIN yearly_requirements r
                        CROSS JOIN departments d ON d.id = r.department_id
                        WHERE me.id = NEW.department_id AND substr(me.id_path, 1, length(d.id_path)) = d.id_path
                          AND (r.job_category IS NULL OR r.job_category = NEW.job_category)
                        ORDER BY r.job_category IS NULL, length(d.id_path) DESC LIMIT 1) WHERE id = NEW.id;
                END;
                """)
        }
        migrator.registerMigration("2026-12-08-calendar-feeds") { db in
            // A private iCalendar feed per person (/calendar/<token>.ics): due days and certificate expiry, for
            // calendar clients that cannot sign in. Only the token's SHA-256 is kept; a reset replaces it, so the
            // old address stops working at once.
            try db.execute(sql: """
                CREATE TABLE calendar_feeds (
                    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
                    created_at REAL NOT NULL,
                    -- the last time a calendar client fetched it (to the hour), NULL until then
                    last_used_at REAL
                );
                """)
        }
        migrator.registerMigration("2026-12-08-notices-and-announcements") { db in
            // Notices: what the platform tells one person (an assignment, a deadline, an extension decision, a
            // certificate expiring or revoked, an announcement), read in the notice centre and mailed where mail is
            // on. Each carries a key unique per person, so a pass run twice (or by two servers) posts once. The
            // person's unread count is kept on their users row by triggers, so every page's header shows it
            // without a query of its own. Announcements are written by planners to a department subtree and
            // reach each person there as a notice.
            try db.execute(sql: """
                -- 1: reminder mail (assigned, due soon, overdue, certificate expiring) is sent; 0: turned off by the
                -- person (profile or the link in a reminder). Notices that must be delivered are mailed either way.
                ALTER TABLE users ADD COLUMN reminder_mail INTEGER NOT NULL DEFAULT 1 CHECK (reminder_mail IN (0, 1));
                -- unread notices, kept by the triggers below
                ALTER TABLE users ADD COLUMN unread_notices INTEGER NOT NULL DEFAULT 0;

                CREATE TABLE announcements (
                    id INTEGER PRIMARY KEY,
                    -- everyone in this department and below it
                    department_id INTEGER NOT NULL REFERENCES departments(id),
                    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
                    -- plain text; a blank line separates paragraphs
                    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
                    -- the last day it is shown on the dashboard (inclusive, the platform's time zone); NULL: until read
                    ends_on TEXT CHECK (ends_on IS NULL OR ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                    created_by INTEGER REFERENCES users(id),
                    created_at REAL NOT NULL,
                    withdrawn_at REAL,
                    withdrawn_by INTEGER REFERENCES users(id)
                );
                CREATE INDEX announcements_department ON announcements(department_id, created_at);

                CREATE TABLE notices (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('assignment.assigned', 'assignment.due_soon', 'assignment.overdue',
                        'extension.approved', 'extension.refused', 'certificate.expiring', 'certificate.revoked',
                        'announcement')),
                    -- a JSON object of strings filling the kind's sentence (names, days, titles by language)
                    parameters TEXT NOT NULL DEFAULT '{}',
                    -- where the notice leads (a local path), if anywhere
                    link TEXT,
                    -- what the notice is about, e.g. 'assignment:4:due_soon:2026-12-20': posted once per person
                    dedupe_key TEXT NOT NULL,
                    announcement_id INTEGER REFERENCES announcements(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL,
                    read_at REAL,
                    UNIQUE (user_id, dedupe_key)
                );
                CREATE INDEX notices_user ON notices(user_id, id);
                CREATE INDEX notices_unread_announcements ON notices(user_id, announcement_id)
                    WHERE read_at IS NULL AND announcement_id IS NOT NULL;
                CREATE INDEX notices_announcement ON notices(announcement_id) WHERE announcement_id IS NOT NULL;
                CREATE TRIGGER notices_unread_insert AFTER INSERT ON notices WHEN NEW.read_at IS NULL BEGIN
                    UPDATE users SET unread_notices = unread_notices + 1 WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER notices_unread_update AFTER UPDATE OF read_at ON notices
                    WHEN (OLD.read_at IS NULL) <> (NEW.read_at IS NULL) BEGIN
                    UPDATE users SET unread_notices = unread_notices + (CASE WHEN NEW.read_at IS NULL THEN 1 ELSE -1 END)
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER notices_unread_delete AFTER DELETE ON notices WHEN OLD.read_at IS NULL BEGIN
                    UPDATE users SET unread_notices = unread_notices - 1 WHERE id = OLD.user_id;
                END;

                -- One-click unsubscribe links in reminder mails (SHA-256 of the token only): each turns that person's
                -- reminder mail off, signed out, and stays usable (a second click changes nothing).
                CREATE TABLE mail_unsubscribe_tokens (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX mail_unsubscribe_tokens_user ON mail_unsubscribe_tokens(user_id);
                """)
        }
        migrator.registerMigration("2026-12-09-sign-in-methods") { db in
            // How people sign in: local passwords, the directory (LDAP), or the identity platform (CAS, OpenID
            // Connect). Each session remembers how it began, and every sign-in is kept as a row (sessions end and
            // are purged; the record of who signed in how and when stays). An account signed into from outside is
            // linked to the provider's stable subject (the directory entry, the CAS user, the OIDC issuer and
            // subject), so a changed login or employee number at the provider still finds the same account.
            try db.execute(sql: """
                ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password'
                    CHECK (method IN ('password', 'ldap', 'cas', 'oidc'));
                -- the provider's handle on the sign-in, for single logout: the CAS service ticket, the OIDC ID token
                ALTER TABLE sessions ADD COLUMN provider_session TEXT;
                CREATE INDEX sessions_provider_session ON sessions(provider_session) WHERE provider_session IS NOT NULL;

                CREATE TABLE sign_ins (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    method TEXT NOT NULL CHECK (method IN ('password', 'ldap', 'cas', 'oidc')),
                    -- whether a second factor (TOTP or a recovery code) was checked as well
                    second_factor INTEGER NOT NULL DEFAULT 0 CHECK (second_factor IN (0, 1)),
                    at REAL NOT NULL,
                    client_address TEXT NOT NULL
                );
                CREATE INDEX sign_ins_user ON sign_ins(user_id, at);

                CREATE TABLE external_identities (
                    method TEXT NOT NULL CHECK (method IN ('ldap', 'cas', 'oidc')),
                    -- the provider's stable name for the person: LDAP entry DN, CAS user, OIDC "issuer subject"
                    subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL,
                    last_sign_in_at REAL NOT NULL,
                    PRIMARY KEY (method, subject)
                ) WITHOUT ROWID;
                CREATE INDEX external_identities_user ON external_identities(user_id);
                """)
        }
        migrator.registerMigration("2026-12-09-second-factor") { db in
            // Two-step sign-in (TOTP, RFC 6238) for local passwords: the secret sealed with AES-GCM under a key file
            // beside the database, when it was confirmed (NULL while enrolment waits for the first code), and the
            // last step used so a code is accepted once. Recovery codes are kept as salted SHA-256 digests (each
            // holds 80 random bits), each usable once. A sign-in whose password was right but whose second step
            // is still to come is a pending sign-in: its token's digest, bound to the person and where they were
            // heading, for a few minutes and a few wrong codes.
            try db.execute(sql: """
                CREATE TABLE second_factors (
                    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    secret BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    enabled_at REAL,
                    last_used_step INTEGER
                );

                CREATE TABLE second_factor_recovery_codes (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    salt BLOB NOT NULL,
                    digest BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    used_at REAL
                );
                CREATE INDEX second_factor_recovery_codes_user ON second_factor_recovery_codes(user_id);

                CREATE TABLE pending_sign_ins (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    method TEXT NOT NULL CHECK (method IN ('password', 'ldap', 'cas', 'oidc')),
                    -- 'code': the person has two-step sign-in and types a code; 'enrol': their role requires it and
                    -- they must set it up before anything else
                    purpose TEXT NOT NULL CHECK (purpose IN ('code', 'enrol')),
                    next TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    failures INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE INDEX pending_sign_ins_expiry ON pending_sign_ins(expires_at);
                """)
        }
        migrator.registerMigration("2026-12-09-unread-announcements") { db in
            // How many of the person's unread notices are announcements, kept beside `unread_notices` by the same
            // triggers (one UPDATE per notice still), so the dashboard looks for announcements to show only when
            // there are some: most views of it then cost no query of their own.
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN unread_announcements INTEGER NOT NULL DEFAULT 0;
                UPDATE users SET unread_announcements = (
                    SELECT count(*) FROM notices n
                    WHERE n.user_id = users.id AND n.read_at IS NULL AND n.announcement_id IS NOT NULL)
                WHERE id IN (SELECT user_id FROM notices WHERE read_at IS NULL AND announcement_id IS NOT NULL);

                DROP TRIGGER notices_unread_insert;
                DROP TRIGGER notices_unread_update;
                DROP TRIGGER notices_unread_delete;
                CREATE TRIGGER notices_unread_insert AFTER INSERT ON notices WHEN NEW.read_at IS NULL BEGIN
                    UPDATE users SET unread_notices = unread_notices + 1,
                        unread_announcements = unread_announcements + (NEW.announcement_id IS NOT NULL)
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER notices_unread_update AFTER UPDATE OF read_at, announcement_id ON notices
                    WHEN (OLD.read_at IS NULL) <> (NEW.read_at IS NULL)
                        OR (OLD.announcement_id IS NULL) <> (NEW.announcement_id IS NULL) BEGIN
                    UPDATE users SET unread_notices = unread_notices - (OLD.read_at IS NULL) + (NEW.read_at IS NULL),
                        unread_announcements = unread_announcements
                            - (OLD.read_at IS NULL AND OLD.announcement_id IS NOT NULL)
                            + (NEW.read_at IS NULL AND NEW.announcement_id IS NOT NULL)
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER notices_unread_delete AFTER DELETE ON notices WHEN OLD.read_at IS NULL BEGIN
                    UPDATE users SET unread_notices = unread_notices - 1,
                        unread_announcements = unread_announcements - (OLD.announcement_id IS NOT NULL)
                    WHERE id = OLD.user_id;
                END;
                """)
        }
        migrator.registerMigration("2026-12-09-oidc-requests") { db in
            // OpenID Connect sign-ins under way: the browser went to the provider and has not come back yet. Each is
            // found by its state's digest, belongs to the browser holding the binding cookie (digest here), is used
            // once and lapses after ten minutes. The nonce and PKCE verifier stay on the server.
            try db.execute(sql: """
                CREATE TABLE oidc_requests (
                    state_hash TEXT PRIMARY KEY,
                    browser_hash TEXT NOT NULL,
                    nonce TEXT NOT NULL,
                    code_verifier TEXT NOT NULL,
                    next TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX oidc_requests_expiry ON oidc_requests(expires_at);
                """)
        }
        migrator.registerMigration("2026-12-10-media-watch") { db in
            // What each person watched of each recording of a module (the intervals the browser reported as played,
            // clipped, capped and merged: `MediaWatch` in Learning describes the rules and the text encoding
            // "start-end,start-end" in seconds), the recording it refers to (file|size|duration: a replaced file
            // starts afresh), and when each person last reported watching (the rate cap counts from it).
            try db.execute(sql: """
                CREATE TABLE media_watch (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    course_id TEXT NOT NULL,
                    module_id TEXT NOT NULL,
                    media_id TEXT NOT NULL,
                    recording TEXT NOT NULL,
                    intervals TEXT NOT NULL,
                    watched_seconds REAL NOT NULL CHECK (watched_seconds >= 0),
                    frontier REAL NOT NULL CHECK (frontier >= 0),
                    duration REAL NOT NULL CHECK (duration >= 0),
                    first_report_at REAL NOT NULL,
                    last_report_at REAL NOT NULL,
                    PRIMARY KEY (user_id, course_id, module_id, media_id)
                ) WITHOUT ROWID;
                CREATE INDEX media_watch_module ON media_watch(course_id, module_id);

                CREATE TABLE media_watch_reports (
                    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    last_report_at REAL NOT NULL
                );

                -- Modules completed by watching (not by page time): the distribution counts them.
                CREATE TABLE media_watch_completions (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    course_id TEXT NOT NULL,
                    module_id TEXT NOT NULL,
                    completed_at REAL NOT NULL,
                    PRIMARY KEY (user_id, course_id, module_id)
                ) WITHOUT ROWID;
                CREATE INDEX media_watch_completions_module ON media_watch_completions(course_id, module_id);
                """)
        }
        migrator.registerMigration("2026-12-11-report-name-order") { _ in
            // PostgreSQL's index for the HR people list in name order (`users_name_order`: the name key, then the
            // id, NULL keys first). SQLite needs none: it sorts NULLs first already, and users_name_key, like every
            // SQLite index, ends with the rowid. The step exists so both engines keep one list of migration names.
        }
        migrator.registerMigration("2026-12-12-login-ascii-case") { _ in
            // PostgreSQL's login and e-mail indexes fold ASCII letters only, as these columns' NOCASE does here.
            // Nothing to change on SQLite; the step keeps one list of migration names for both engines.
        }
        migrator.registerMigration("2026-12-12-report-state-expiry-order") { _ in
            // PostgreSQL's index for the HR people list filtered by a certification state and ordered by expiry
            // (`certifications_state_expiry_order`: programme, state, expiry, person, NULL expiries first). SQLite
            // needs none: NULLs sort first there already, and its lists by state and expiry meet their targets at
            // 1,000,000 people (BENCHMARKS.md). The step exists so both engines keep one list of migration names.
        }
        migrator.registerMigration("2026-12-13-report-walks") { _ in
            // PostgreSQL's indexes for the HR people list sorted by hours and by state (each ending with the person,
            // the sorts' ties) and a covering name order for exports. SQLite needs none: its indexes end with the
            // rowid, and users_name_key already covers an export batch's columns. The step exists so both engines
            // keep one list of migration names.
        }
        migrator.registerMigration("2026-12-13-report-department-paths") { _ in
            // PostgreSQL's bytewise index on departments.id_path, for the HR reports' subtree ranges. SQLite's
            // id_path index compares bytewise already. The step keeps one list of migration names for both engines.
        }
        return migrator
    }
}
