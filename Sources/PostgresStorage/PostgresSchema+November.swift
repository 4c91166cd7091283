import Foundation

extension PostgresSchema {
    /// `2026-11-29-foundation`. Logins are unique without regard to case (SQLite's `COLLATE NOCASE`): the unique index
    /// `users_login_nocase` on `lower(login)`, so a look-up by login compares `lower(login) = lower($1)` (since
    /// `2026-12-12-login-ascii-case`, both with `COLLATE "C"`: ASCII letters folded only, as SQLite's NOCASE does).
    /// `refuse_append_only_change()` serves every append-only table; TRUNCATE is refused as well.
    static let foundation = PostgresMigration(name: "2026-11-29-foundation", sql: """
        CREATE TABLE departments (
            id bigserial PRIMARY KEY,
            parent_id bigint REFERENCES departments (id),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND strpos(name, '/') = 0),
            id_path text NOT NULL UNIQUE,
            created_at double precision NOT NULL
        );
        CREATE UNIQUE INDEX departments_parent_name ON departments (coalesce(parent_id, 0), name);

        CREATE TABLE users (
            id bigserial PRIMARY KEY,
            login text NOT NULL CHECK (length(login) BETWEEN 1 AND 100),
            display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
            employee_number text UNIQUE,
            department_id bigint NOT NULL REFERENCES departments (id),
            password_hash text NOT NULL,
            disabled bigint NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
            language text CHECK (language IN ('zh', 'en')),
            accommodation_factor double precision NOT NULL DEFAULT 1 CHECK (accommodation_factor BETWEEN 1 AND 4),
            created_at double precision NOT NULL,
            updated_at double precision NOT NULL
        );
        CREATE UNIQUE INDEX users_login_nocase ON users (lower(login));
        CREATE INDEX users_department ON users (department_id);

        CREATE TABLE role_grants (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            role text NOT NULL CHECK (role IN ('learner', 'trainer', 'hr', 'admin')),
            department_id bigint NOT NULL REFERENCES departments (id),
            PRIMARY KEY (user_id, role, department_id)
        );

        CREATE TABLE sessions (
            id bigserial PRIMARY KEY,
            token_hash text NOT NULL UNIQUE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            csrf_secret text NOT NULL,
            created_at double precision NOT NULL,
            last_seen_at double precision NOT NULL,
            idle_expires_at double precision NOT NULL,
            absolute_expires_at double precision NOT NULL,
            client_address text NOT NULL
        );
        CREATE INDEX sessions_user ON sessions (user_id);

        CREATE TABLE api_tokens (
            id bigserial PRIMARY KEY,
            token_hash text NOT NULL UNIQUE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name text NOT NULL,
            created_at double precision NOT NULL,
            last_used_at double precision,
            revoked_at double precision
        );

        CREATE TABLE login_failures (
            key text NOT NULL,
            at double precision NOT NULL
        );
        CREATE INDEX login_failures_key_at ON login_failures (key, at);

        CREATE TABLE audit_log (
            id bigserial PRIMARY KEY,
            at double precision NOT NULL,
            actor_user_id bigint,
            actor text NOT NULL,
            action text NOT NULL,
            subject text NOT NULL,
            details text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL UNIQUE
        );
        -- Shared by every append-only table: refuses the row change (and TRUNCATE) with the table's name.
        CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END
        $$;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            FOR EACH ROW EXECUTE PROCEDURE refuse_append_only_change();
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            FOR EACH ROW EXECUTE PROCEDURE refuse_append_only_change();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE PROCEDURE refuse_append_only_change();

        CREATE TABLE settings (
            key text PRIMARY KEY,
            value text NOT NULL
        );
        """)

    /// `2026-11-29-learning`.
    static let learning = PostgresMigration(name: "2026-11-29-learning", sql: """
        CREATE TABLE module_progress (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            course_id text NOT NULL,
            module_id text NOT NULL,
            seconds double precision NOT NULL DEFAULT 0 CHECK (seconds >= 0),
            started_at double precision NOT NULL,
            last_activity_at double precision NOT NULL,
            completed_at double precision,
            content_hash text NOT NULL,
            PRIMARY KEY (user_id, course_id, module_id)
        );

        CREATE TABLE study_focus (
            user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            session_key text NOT NULL,
            course_id text NOT NULL,
            module_id text NOT NULL,
            last_beat_at double precision NOT NULL
        );

        CREATE TABLE hours_ledger (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            year bigint NOT NULL,
            source text NOT NULL CHECK (source IN ('module', 'quiz')),
            course_id text NOT NULL,
            item_id text NOT NULL,
            hours double precision NOT NULL CHECK (hours >= 0),
            at double precision NOT NULL,
            UNIQUE (user_id, source, course_id, item_id)
        );
        CREATE INDEX hours_ledger_user_year ON hours_ledger (user_id, year);

        CREATE TABLE quiz_attempts (
            id text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            course_id text NOT NULL,
            quiz_id text NOT NULL,
            number bigint NOT NULL CHECK (number >= 1),
            quiz_hash text NOT NULL,
            paper text NOT NULL,
            started_at double precision NOT NULL,
            deadline double precision,
            closed_at double precision,
            mark double precision,
            max_mark double precision NOT NULL,
            fraction double precision,
            passed bigint CHECK (passed IN (0, 1)),
            UNIQUE (user_id, course_id, quiz_id, number)
        );
        CREATE INDEX quiz_attempts_quiz ON quiz_attempts (course_id, quiz_id, closed_at);

        CREATE TABLE attempt_steps (
            attempt_id text NOT NULL REFERENCES quiz_attempts (id),
            sequence bigint NOT NULL,
            at double precision NOT NULL,
            step text NOT NULL,
            idempotency_key text,
            PRIMARY KEY (attempt_id, sequence)
        );
        CREATE UNIQUE INDEX attempt_steps_key ON attempt_steps (attempt_id, idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        CREATE TRIGGER attempt_steps_no_update BEFORE UPDATE ON attempt_steps
            FOR EACH ROW EXECUTE PROCEDURE refuse_append_only_change();
        CREATE TRIGGER attempt_steps_no_delete BEFORE DELETE ON attempt_steps
            FOR EACH ROW EXECUTE PROCEDURE refuse_append_only_change();
        CREATE TRIGGER attempt_steps_no_truncate BEFORE TRUNCATE ON attempt_steps
            FOR EACH STATEMENT EXECUTE PROCEDURE refuse_append_only_change();
        """)

    /// `2026-11-29-quiz-versions`.
    static let quizVersions = PostgresMigration(name: "2026-11-29-quiz-versions", sql: """
        CREATE TABLE quiz_versions (
            course_id text NOT NULL,
            quiz_id text NOT NULL,
            content_hash text NOT NULL,
            definition text NOT NULL,
            first_used_at double precision NOT NULL,
            PRIMARY KEY (course_id, quiz_id, content_hash)
        );
        """)

    /// `2026-11-29-certification`. The certificates' kind check and cycle key are named constraints, so
    /// `2026-11-29-certificate-cycles` can replace them without rebuilding the table.
    static let certification = PostgresMigration(name: "2026-11-29-certification", sql: """
        CREATE TABLE certifications (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            program_id text NOT NULL,
            department_id bigint NOT NULL REFERENCES departments (id),
            state text NOT NULL CHECK (state IN ('not_started', 'in_progress', 'certified', 'due_for_renewal',
                                                 'expired', 'revoked')),
            certified_at double precision,
            expires_at double precision,
            window_opens_at double precision,
            certificate_id text,
            updated_at double precision NOT NULL,
            PRIMARY KEY (user_id, program_id)
        );
        CREATE INDEX certifications_program_state ON certifications (program_id, state, expires_at);
        CREATE INDEX certifications_program_expiry ON certifications (program_id, expires_at);

        CREATE TABLE certification_history (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            program_id text NOT NULL,
            at double precision NOT NULL,
            from_state text NOT NULL,
            to_state text NOT NULL,
            reason text NOT NULL
        );
        CREATE INDEX certification_history_person ON certification_history (user_id, program_id, at);

        CREATE TABLE certificates (
            id text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            program_id text NOT NULL,
            kind text NOT NULL CONSTRAINT certificates_kind CHECK (kind IN ('initial', 'renewal')),
            issued_at double precision NOT NULL,
            expires_at double precision NOT NULL,
            revoked_at double precision,
            revoked_reason text,
            revoked_by text,
            credential text NOT NULL,
            CONSTRAINT certificates_cycle UNIQUE (user_id, program_id, issued_at)
        );
        CREATE INDEX certificates_person ON certificates (user_id, program_id);

        CREATE TABLE notification_outbox (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind text NOT NULL,
            program_id text,
            payload text NOT NULL,
            created_at double precision NOT NULL,
            sent_at double precision
        );
        CREATE INDEX notification_outbox_unsent ON notification_outbox (sent_at, id);

        CREATE TABLE department_people (
            department_id bigint PRIMARY KEY REFERENCES departments (id),
            people bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE certification_counts (
            program_id text NOT NULL,
            department_id bigint NOT NULL,
            state text NOT NULL,
            people bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (program_id, department_id, state)
        );
        CREATE TABLE user_year_hours (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            year bigint NOT NULL,
            hours double precision NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, year)
        );

        INSERT INTO department_people (department_id, people)
            SELECT department_id, count(*) FROM users WHERE disabled = 0 GROUP BY department_id;
        INSERT INTO user_year_hours (user_id, year, hours)
            SELECT user_id, year, sum(hours) FROM hours_ledger GROUP BY user_id, year;

        CREATE FUNCTION users_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO department_people (department_id, people) VALUES (NEW.department_id, 1)
                ON CONFLICT (department_id) DO UPDATE SET people = department_people.people + 1;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER users_count_insert AFTER INSERT ON users
            FOR EACH ROW WHEN (NEW.disabled = 0) EXECUTE PROCEDURE users_count_insert();
        CREATE FUNCTION users_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE department_people SET people = people - 1
                WHERE department_id = OLD.department_id AND OLD.disabled = 0;
            INSERT INTO department_people (department_id, people)
                SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
                ON CONFLICT (department_id) DO UPDATE SET people = department_people.people + 1;
            UPDATE certifications SET department_id = NEW.department_id
                WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER users_count_update AFTER UPDATE OF department_id, disabled ON users
            FOR EACH ROW EXECUTE PROCEDURE users_count_update();
        CREATE FUNCTION users_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE department_people SET people = people - 1 WHERE department_id = OLD.department_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER users_count_delete AFTER DELETE ON users
            FOR EACH ROW WHEN (OLD.disabled = 0) EXECUTE PROCEDURE users_count_delete();

        CREATE FUNCTION certifications_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO certification_counts (program_id, department_id, state, people)
                VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                ON CONFLICT (program_id, department_id, state) DO UPDATE SET people = certification_counts.people + 1;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER certifications_count_insert AFTER INSERT ON certifications
            FOR EACH ROW EXECUTE PROCEDURE certifications_count_insert();
        CREATE FUNCTION certifications_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE certification_counts SET people = people - 1
                WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
            INSERT INTO certification_counts (program_id, department_id, state, people)
                VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                ON CONFLICT (program_id, department_id, state) DO UPDATE SET people = certification_counts.people + 1;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER certifications_count_update AFTER UPDATE OF state, department_id ON certifications
            FOR EACH ROW EXECUTE PROCEDURE certifications_count_update();
        CREATE FUNCTION certifications_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE certification_counts SET people = people - 1
                WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER certifications_count_delete AFTER DELETE ON certifications
            FOR EACH ROW EXECUTE PROCEDURE certifications_count_delete();

        CREATE FUNCTION hours_ledger_sum() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO user_year_hours (user_id, year, hours) VALUES (NEW.user_id, NEW.year, NEW.hours)
                ON CONFLICT (user_id, year) DO UPDATE SET hours = user_year_hours.hours + NEW.hours;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER hours_ledger_sum AFTER INSERT ON hours_ledger
            FOR EACH ROW EXECUTE PROCEDURE hours_ledger_sum();
        """)

    /// `2026-11-29-certificate-cycles`. SQLite rebuilds both tables; here the same end state comes from ALTER TABLE
    /// (the column order is the same). The column `by` is a reserved word in PostgreSQL: statements quote it (`"by"`,
    /// which SQLite accepts too).
    static let certificateCycles = PostgresMigration(name: "2026-11-29-certificate-cycles", sql: """
        ALTER TABLE certificates DROP CONSTRAINT certificates_kind;
        ALTER TABLE certificates ADD CONSTRAINT certificates_kind CHECK (kind IN ('initial', 'renewal', 'recertification'));
        ALTER TABLE certificates DROP CONSTRAINT certificates_cycle;
        ALTER TABLE certificates ADD CONSTRAINT certificates_cycle UNIQUE (user_id, program_id, kind, issued_at, expires_at);

        ALTER TABLE certification_history RENAME COLUMN reason TO event;
        ALTER TABLE certification_history ADD COLUMN cycle bigint;
        ALTER TABLE certification_history ADD COLUMN note text;
        ALTER TABLE certification_history ADD COLUMN "by" text;
        """)

    /// `2026-11-29-counts-skip-disabled`.
    static let countsSkipDisabled = PostgresMigration(name: "2026-11-29-counts-skip-disabled", sql: """
        DROP TRIGGER certifications_count_insert ON certifications;
        DROP TRIGGER certifications_count_update ON certifications;
        DROP TRIGGER certifications_count_delete ON certifications;
        DROP TRIGGER users_count_update ON users;

        DELETE FROM certification_counts;
        INSERT INTO certification_counts (program_id, department_id, state, people)
            SELECT c.program_id, c.department_id, c.state, count(*) FROM certifications c
            JOIN users u ON u.id = c.user_id WHERE u.disabled = 0
            GROUP BY c.program_id, c.department_id, c.state;

        CREATE OR REPLACE FUNCTION certifications_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 THEN
                INSERT INTO certification_counts (program_id, department_id, state, people)
                    VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                    ON CONFLICT (program_id, department_id, state) DO UPDATE SET people = certification_counts.people + 1;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER certifications_count_insert AFTER INSERT ON certifications
            FOR EACH ROW EXECUTE PROCEDURE certifications_count_insert();
        CREATE OR REPLACE FUNCTION certifications_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 THEN
                UPDATE certification_counts SET people = people - 1
                    WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
                INSERT INTO certification_counts (program_id, department_id, state, people)
                    VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
                    ON CONFLICT (program_id, department_id, state) DO UPDATE SET people = certification_counts.people + 1;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER certifications_count_update AFTER UPDATE OF state ON certifications
            FOR EACH ROW EXECUTE PROCEDURE certifications_count_update();
        CREATE OR REPLACE FUNCTION certifications_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT disabled FROM users WHERE id = OLD.user_id) = 0 THEN
                UPDATE certification_counts SET people = people - 1
                    WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER certifications_count_delete AFTER DELETE ON certifications
            FOR EACH ROW EXECUTE PROCEDURE certifications_count_delete();
        CREATE OR REPLACE FUNCTION users_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE department_people SET people = people - 1
                WHERE department_id = OLD.department_id AND OLD.disabled = 0;
            INSERT INTO department_people (department_id, people)
                SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
                ON CONFLICT (department_id) DO UPDATE SET people = department_people.people + 1;
            -- Take the person's certifications out of the counts as they were, move them, put them back.
            UPDATE certification_counts SET people = people - 1
                WHERE OLD.disabled = 0 AND (program_id, department_id, state) IN
                    (SELECT program_id, department_id, state FROM certifications WHERE user_id = OLD.id);
            UPDATE certifications SET department_id = NEW.department_id
                WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;
            INSERT INTO certification_counts (program_id, department_id, state, people)
                SELECT program_id, department_id, state, 1 FROM certifications
                WHERE user_id = NEW.id AND NEW.disabled = 0
                ON CONFLICT (program_id, department_id, state) DO UPDATE SET people = certification_counts.people + 1;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER users_count_update AFTER UPDATE OF department_id, disabled ON users
            FOR EACH ROW EXECUTE PROCEDURE users_count_update();
        """)

    /// `2026-11-29-report-aggregates`.
    static let reportAggregates = PostgresMigration(name: "2026-11-29-report-aggregates", sql: """
        CREATE INDEX users_name ON users (display_name, login, employee_number, department_id, disabled);
        CREATE INDEX departments_name ON departments (name);
        CREATE INDEX certifications_program_people ON certifications (program_id, state);
        CREATE INDEX user_year_hours_value ON user_year_hours (year, hours);

        CREATE TABLE department_hours (
            department_id bigint NOT NULL,
            year bigint NOT NULL,
            bucket bigint NOT NULL CHECK (bucket BETWEEN 1 AND 5),
            people bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (department_id, year, bucket)
        );

        CREATE VIEW user_year_hours_bucket AS
            SELECT h.user_id, h.year, h.hours,
                   CASE WHEN h.hours <= 0 THEN 0
                        WHEN h.hours < r.required * 0.25 THEN 1 WHEN h.hours < r.required * 0.5 THEN 2
                        WHEN h.hours < r.required * 0.75 THEN 3 WHEN h.hours < r.required THEN 4
                        ELSE 5 END AS bucket
            FROM user_year_hours h,
                 (SELECT CAST(value AS double precision) AS required FROM settings WHERE key = 'reports.required_hours') r;

        CREATE FUNCTION user_year_hours_bucket_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 THEN
                INSERT INTO department_hours (department_id, year, bucket, people)
                    SELECT u.department_id, b.year, b.bucket, 1 FROM user_year_hours_bucket b
                    JOIN users u ON u.id = b.user_id
                    WHERE b.user_id = NEW.user_id AND b.year = NEW.year AND b.bucket > 0
                    ON CONFLICT (department_id, year, bucket) DO UPDATE SET people = department_hours.people + 1;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER user_year_hours_bucket_insert AFTER INSERT ON user_year_hours
            FOR EACH ROW EXECUTE PROCEDURE user_year_hours_bucket_insert();
        -- Before the row changes: the view still shows the old hours.
        CREATE FUNCTION user_year_hours_bucket_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 THEN
                UPDATE department_hours SET people = people - 1
                    WHERE (department_id, year, bucket) IN
                          (SELECT u.department_id, b.year, b.bucket FROM user_year_hours_bucket b
                           JOIN users u ON u.id = b.user_id WHERE b.user_id = OLD.user_id AND b.year = OLD.year);
            END IF;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER user_year_hours_bucket_update BEFORE UPDATE OF hours ON user_year_hours
            FOR EACH ROW EXECUTE PROCEDURE user_year_hours_bucket_update();
        CREATE FUNCTION user_year_hours_bucket_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 THEN
                INSERT INTO department_hours (department_id, year, bucket, people)
                    SELECT u.department_id, b.year, b.bucket, 1 FROM user_year_hours_bucket b
                    JOIN users u ON u.id = b.user_id
                    WHERE b.user_id = NEW.user_id AND b.year = NEW.year AND b.bucket > 0
                    ON CONFLICT (department_id, year, bucket) DO UPDATE SET people = department_hours.people + 1;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER user_year_hours_bucket_updated AFTER UPDATE OF hours ON user_year_hours
            FOR EACH ROW EXECUTE PROCEDURE user_year_hours_bucket_updated();
        CREATE FUNCTION user_year_hours_bucket_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT disabled FROM users WHERE id = OLD.user_id) = 0 THEN
                UPDATE department_hours SET people = people - 1
                    WHERE (department_id, year, bucket) IN
                          (SELECT u.department_id, b.year, b.bucket FROM user_year_hours_bucket b
                           JOIN users u ON u.id = b.user_id WHERE b.user_id = OLD.user_id AND b.year = OLD.year);
            END IF;
            RETURN OLD;
        END
        $$;
        CREATE TRIGGER user_year_hours_bucket_delete BEFORE DELETE ON user_year_hours
            FOR EACH ROW EXECUTE PROCEDURE user_year_hours_bucket_delete();

        CREATE OR REPLACE FUNCTION users_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE department_people SET people = people - 1
                WHERE department_id = OLD.department_id AND OLD.disabled = 0;
            INSERT INTO department_people (department_id, people)
                SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
                ON CONFLICT (department_id) DO UPDATE SET people = department_people.people + 1;

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
                ON CONFLICT (program_id, department_id, state) DO UPDATE SET people = certification_counts.people + 1;
            INSERT INTO department_hours (department_id, year, bucket, people)
                SELECT NEW.department_id, year, bucket, 1 FROM user_year_hours_bucket
                WHERE user_id = NEW.id AND bucket > 0 AND NEW.disabled = 0
                ON CONFLICT (department_id, year, bucket) DO UPDATE SET people = department_hours.people + 1;
            RETURN NULL;
        END
        $$;

        CREATE TABLE change_versions (
            name text PRIMARY KEY,
            version bigint NOT NULL
        );
        INSERT INTO change_versions (name, version) VALUES ('departments', 1);
        CREATE FUNCTION departments_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE change_versions SET version = version + 1 WHERE name = 'departments';
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER departments_version_insert AFTER INSERT ON departments
            FOR EACH ROW EXECUTE PROCEDURE departments_version();
        CREATE TRIGGER departments_version_update AFTER UPDATE ON departments
            FOR EACH ROW EXECUTE PROCEDURE departments_version();
        CREATE TRIGGER departments_version_delete AFTER DELETE ON departments
            FOR EACH ROW EXECUTE PROCEDURE departments_version();
        """)

    /// `2026-11-29-name-search`. `unicode()` is `ascii()` here (the code point in a UTF-8 database); `INSERT OR IGNORE`
    /// is `ON CONFLICT DO NOTHING`.
    static let nameSearch = PostgresMigration(name: "2026-11-29-name-search", sql: """
        CREATE TABLE search_positions (n bigint PRIMARY KEY);
        INSERT INTO search_positions (n) SELECT n FROM generate_series(1, 300) AS p (n);

        CREATE TABLE user_name_characters (
            character text NOT NULL,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            PRIMARY KEY (character, user_id)
        );
        CREATE INDEX user_name_characters_user ON user_name_characters (user_id);

        INSERT INTO user_name_characters (character, user_id)
            SELECT substr(u.display_name || u.login, p.n::int, 1), u.id
            FROM users u JOIN search_positions p ON p.n <= length(u.display_name || u.login)
            WHERE ascii(substr(u.display_name || u.login, p.n::int, 1)) > 127
            ON CONFLICT DO NOTHING;

        CREATE FUNCTION users_name_characters() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                DELETE FROM user_name_characters WHERE user_id = OLD.id;
            END IF;
            INSERT INTO user_name_characters (character, user_id)
                SELECT substr(NEW.display_name || NEW.login, p.n::int, 1), NEW.id FROM search_positions p
                WHERE p.n <= length(NEW.display_name || NEW.login)
                  AND ascii(substr(NEW.display_name || NEW.login, p.n::int, 1)) > 127
                ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER users_name_characters_insert AFTER INSERT ON users
            FOR EACH ROW EXECUTE PROCEDURE users_name_characters();
        CREATE TRIGGER users_name_characters_update AFTER UPDATE OF display_name, login ON users
            FOR EACH ROW EXECUTE PROCEDURE users_name_characters();
        """)
}
