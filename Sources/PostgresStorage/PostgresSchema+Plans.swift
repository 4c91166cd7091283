import Foundation

extension PostgresSchema {
    /// `2026-12-08-training-plans`. The joining day is set by BEFORE triggers on the row itself (SQLite updates the row
    /// afterwards). `GLOB` patterns are anchored regular expressions.
    static let trainingPlans = PostgresMigration(name: "2026-12-08-training-plans", sql: """
        ALTER TABLE users ADD COLUMN job_category text
            CHECK (job_category IS NULL OR length(job_category) BETWEEN 1 AND 60);
        CREATE INDEX users_job_category ON users (job_category, department_id) WHERE job_category IS NOT NULL;
        ALTER TABLE users ADD COLUMN department_joined_at double precision;
        UPDATE users SET department_joined_at = created_at;
        CREATE FUNCTION users_department_joined_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.department_joined_at := NEW.created_at;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER users_department_joined_insert BEFORE INSERT ON users
            FOR EACH ROW WHEN (NEW.department_joined_at IS NULL) EXECUTE PROCEDURE users_department_joined_insert();
        CREATE FUNCTION users_department_joined_move() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.department_joined_at := NEW.updated_at;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER users_department_joined_move BEFORE UPDATE OF department_id ON users
            FOR EACH ROW WHEN (NEW.department_id <> OLD.department_id) EXECUTE PROCEDURE users_department_joined_move();

        CREATE TABLE assignments (
            id bigserial PRIMARY KEY,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            item_kind text NOT NULL CHECK (item_kind IN ('course', 'program')),
            item_id text NOT NULL,
            required bigint NOT NULL CHECK (required IN (0, 1)),
            audience text NOT NULL CHECK (audience IN ('department', 'people')),
            department_id bigint NOT NULL REFERENCES departments (id),
            include_subtree bigint NOT NULL DEFAULT 1 CHECK (include_subtree IN (0, 1)),
            job_category text CHECK (job_category IS NULL OR length(job_category) BETWEEN 1 AND 60),
            due_kind text NOT NULL CHECK (due_kind IN ('none', 'fixed', 'after_assignment', 'after_joining')),
            due_day text CHECK (due_day IS NULL OR due_day ~ '^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]$'),
            due_days bigint CHECK (due_days IS NULL OR due_days BETWEEN 1 AND 3660),
            plan_key text UNIQUE,
            created_by bigint REFERENCES users (id),
            created_at double precision NOT NULL,
            withdrawn_at double precision,
            withdrawn_by bigint REFERENCES users (id),
            CHECK ((due_kind = 'fixed') = (due_day IS NOT NULL)),
            CHECK ((due_kind IN ('after_assignment', 'after_joining')) = (due_days IS NOT NULL))
        );
        CREATE INDEX assignments_department ON assignments (department_id);
        CREATE INDEX assignments_item ON assignments (item_kind, item_id);

        CREATE TABLE assignment_people (
            assignment_id bigint NOT NULL REFERENCES assignments (id),
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            PRIMARY KEY (assignment_id, user_id)
        );

        CREATE TABLE assignment_members (
            assignment_id bigint NOT NULL REFERENCES assignments (id),
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            assigned_at double precision NOT NULL,
            due_day text,
            extended_day text,
            exempt_at double precision,
            left_at double precision,
            PRIMARY KEY (assignment_id, user_id)
        );
        CREATE INDEX assignment_members_user ON assignment_members (user_id, assignment_id);
        CREATE INDEX assignment_members_due ON assignment_members (assignment_id, left_at, due_day);

        CREATE TABLE assignment_requests (
            id bigserial PRIMARY KEY,
            assignment_id bigint NOT NULL REFERENCES assignments (id),
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('exemption', 'extension')),
            reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
            requested_day text,
            state text NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'cancelled')),
            created_by bigint REFERENCES users (id),
            created_at double precision NOT NULL,
            decided_by bigint REFERENCES users (id),
            decided_at double precision,
            decision_note text CHECK (decision_note IS NULL OR length(decision_note) <= 1000),
            CHECK ((kind = 'extension') = (requested_day IS NOT NULL))
        );
        CREATE INDEX assignment_requests_member ON assignment_requests (assignment_id, user_id, created_at);
        CREATE INDEX assignment_requests_pending ON assignment_requests (state, assignment_id)
            WHERE state = 'pending';
        """)

    /// `2026-12-08-mail-html-dead-letters-digests`.
    static let mailHtmlDeadLettersDigests = PostgresMigration(name: "2026-12-08-mail-html-dead-letters-digests", sql: """
        ALTER TABLE mail_outbox ADD COLUMN html text;
        ALTER TABLE mail_outbox ADD COLUMN unsubscribe_url text;
        ALTER TABLE mail_outbox ADD COLUMN failed_at double precision;
        ALTER TABLE mail_outbox ADD COLUMN discarded_at double precision;
        CREATE INDEX mail_outbox_dead_letters ON mail_outbox (failed_at) WHERE state = 'failed' AND discarded_at IS NULL;

        CREATE TABLE mail_digests (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            week text NOT NULL CHECK (week ~ '^[0-9][0-9][0-9][0-9]-W[0-5][0-9]$'),
            outbox_id bigint REFERENCES mail_outbox (id),
            created_at double precision NOT NULL,
            PRIMARY KEY (user_id, week)
        );
        """)

    /// `2026-12-08-requirements-yearly-hours`. The requirement is set by BEFORE triggers on the row itself;
    /// `users_hours_update` then sees the department, state and requirement change together, and counts the same as
    /// SQLite's two nested updates.
    static let requirementsYearlyHours = PostgresMigration(name: "2026-12-08-requirements-yearly-hours", sql: """
        CREATE TABLE yearly_requirements (
            id bigserial PRIMARY KEY,
            department_id bigint NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
            job_category text CHECK (job_category IS NULL OR length(job_category) BETWEEN 1 AND 60),
            hours double precision NOT NULL CHECK (hours > 0 AND hours <= 1000),
            created_at double precision NOT NULL,
            updated_at double precision NOT NULL,
            updated_by bigint REFERENCES users (id) ON DELETE SET NULL
        );
        CREATE UNIQUE INDEX yearly_requirements_key ON yearly_requirements (department_id, coalesce(job_category, ''));

        ALTER TABLE users ADD COLUMN required_hours double precision;
        DROP INDEX users_name_key;
        CREATE INDEX users_name_key
            ON users (name_key, display_name, login, employee_number, department_id, disabled, required_hours);

        DROP VIEW user_year_hours_bucket;
        CREATE VIEW user_year_hours_bucket AS
            SELECT h.user_id, h.year, h.hours,
                   CASE WHEN h.hours <= 0 THEN 0
                        WHEN h.hours < coalesce(u.required_hours, r.required) * 0.25 THEN 1
                        WHEN h.hours < coalesce(u.required_hours, r.required) * 0.5 THEN 2
                        WHEN h.hours < coalesce(u.required_hours, r.required) * 0.75 THEN 3
                        WHEN h.hours < coalesce(u.required_hours, r.required) THEN 4
                        ELSE 5 END AS bucket
            FROM user_year_hours h JOIN users u ON u.id = h.user_id,
                 (SELECT CAST(value AS double precision) AS required FROM settings WHERE key = 'reports.required_hours') r;

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

            UPDATE certifications SET department_id = NEW.department_id
                WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;

            INSERT INTO certification_counts (program_id, department_id, state, people)
                SELECT program_id, department_id, state, 1 FROM certifications
                WHERE user_id = NEW.id AND NEW.disabled = 0
                ON CONFLICT (program_id, department_id, state) DO UPDATE SET people = certification_counts.people + 1;
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION users_hours_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM settings WHERE key = 'reports.refreshing') THEN
                RETURN NULL;
            END IF;
            INSERT INTO department_hours (department_id, year, bucket, people)
                SELECT OLD.department_id, h.year, CASE WHEN h.hours < r.required * 0.25 THEN 1
                       WHEN h.hours < r.required * 0.5 THEN 2 WHEN h.hours < r.required * 0.75 THEN 3
                       WHEN h.hours < r.required THEN 4 ELSE 5 END, -1
                FROM user_year_hours h,
                     (SELECT coalesce(OLD.required_hours, CAST(value AS double precision)) AS required FROM settings
                      WHERE key = 'reports.required_hours') r
                WHERE OLD.disabled = 0 AND h.user_id = OLD.id AND h.hours > 0
                ON CONFLICT (department_id, year, bucket) DO UPDATE SET people = department_hours.people - 1;
            INSERT INTO department_hours (department_id, year, bucket, people)
                SELECT NEW.department_id, h.year, CASE WHEN h.hours < r.required * 0.25 THEN 1
                       WHEN h.hours < r.required * 0.5 THEN 2 WHEN h.hours < r.required * 0.75 THEN 3
                       WHEN h.hours < r.required THEN 4 ELSE 5 END, 1
                FROM user_year_hours h,
                     (SELECT coalesce(NEW.required_hours, CAST(value AS double precision)) AS required FROM settings
                      WHERE key = 'reports.required_hours') r
                WHERE NEW.disabled = 0 AND h.user_id = NEW.id AND h.hours > 0
                ON CONFLICT (department_id, year, bucket) DO UPDATE SET people = department_hours.people + 1;
            RETURN NULL;
        END
        $$;
        -- Without a column list: the requirement may be set by users_required_hours_change below (a BEFORE trigger), which
        -- a column list would not see.
        CREATE TRIGGER users_hours_update AFTER UPDATE ON users
            FOR EACH ROW WHEN (NEW.department_id IS DISTINCT FROM OLD.department_id OR NEW.disabled IS DISTINCT FROM OLD.disabled
                               OR NEW.required_hours IS DISTINCT FROM OLD.required_hours)
            EXECUTE PROCEDURE users_hours_update();

        -- A person's own requirement when they are added, move or change category (their category's nearest rule, else
        -- the nearest plain one), set on the row before it is written.
        CREATE FUNCTION users_required_hours() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM yearly_requirements) THEN
                RETURN NEW;
            END IF;
            NEW.required_hours := (
                SELECT r.hours FROM departments me CROSS JOIN yearly_requirements r
                JOIN departments d ON d.id = r.department_id
                WHERE me.id = NEW.department_id AND substr(me.id_path, 1, length(d.id_path)) = d.id_path
                  AND (r.job_category IS NULL OR r.job_category = NEW.job_category)
                ORDER BY r.job_category IS NULL, length(d.id_path) DESC LIMIT 1);
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER users_required_hours_insert BEFORE INSERT ON users
            FOR EACH ROW EXECUTE PROCEDURE users_required_hours();
        CREATE TRIGGER users_required_hours_change BEFORE UPDATE OF department_id, job_category ON users
            FOR EACH ROW WHEN (NEW.department_id IS DISTINCT FROM OLD.department_id OR NEW.job_category IS DISTINCT FROM OLD.job_category)
            EXECUTE PROCEDURE users_required_hours();
        """)

    /// `2026-12-08-calendar-feeds`.
    static let calendarFeeds = PostgresMigration(name: "2026-12-08-calendar-feeds", sql: """
        CREATE TABLE calendar_feeds (
            user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            token_hash text NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            created_at double precision NOT NULL,
            last_used_at double precision
        );
        """)

    /// `2026-12-08-notices-and-announcements`.
    static let noticesAndAnnouncements = PostgresMigration(name: "2026-12-08-notices-and-announcements", sql: """
        ALTER TABLE users ADD COLUMN reminder_mail bigint NOT NULL DEFAULT 1 CHECK (reminder_mail IN (0, 1));
        ALTER TABLE users ADD COLUMN unread_notices bigint NOT NULL DEFAULT 0;

        CREATE TABLE announcements (
            id bigserial PRIMARY KEY,
            department_id bigint NOT NULL REFERENCES departments (id),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
            ends_on text CHECK (ends_on IS NULL OR ends_on ~ '^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]$'),
            created_by bigint REFERENCES users (id),
            created_at double precision NOT NULL,
            withdrawn_at double precision,
            withdrawn_by bigint REFERENCES users (id)
        );
        CREATE INDEX announcements_department ON announcements (department_id, created_at);

        CREATE TABLE notices (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('assignment.assigned', 'assignment.due_soon', 'assignment.overdue',
                'extension.approved', 'extension.refused', 'certificate.expiring', 'certificate.revoked',
                'announcement')),
            parameters text NOT NULL DEFAULT '{}',
            link text,
            dedupe_key text NOT NULL,
            announcement_id bigint REFERENCES announcements (id) ON DELETE CASCADE,
            created_at double precision NOT NULL,
            read_at double precision,
            UNIQUE (user_id, dedupe_key)
        );
        CREATE INDEX notices_user ON notices (user_id, id);
        CREATE INDEX notices_unread_announcements ON notices (user_id, announcement_id)
            WHERE read_at IS NULL AND announcement_id IS NOT NULL;
        CREATE INDEX notices_announcement ON notices (announcement_id) WHERE announcement_id IS NOT NULL;
        CREATE FUNCTION notices_unread_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE users SET unread_notices = unread_notices + 1 WHERE id = NEW.user_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER notices_unread_insert AFTER INSERT ON notices
            FOR EACH ROW WHEN (NEW.read_at IS NULL) EXECUTE PROCEDURE notices_unread_insert();
        CREATE FUNCTION notices_unread_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE users SET unread_notices = unread_notices + (CASE WHEN NEW.read_at IS NULL THEN 1 ELSE -1 END)
                WHERE id = NEW.user_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER notices_unread_update AFTER UPDATE OF read_at ON notices
            FOR EACH ROW WHEN ((OLD.read_at IS NULL) <> (NEW.read_at IS NULL)) EXECUTE PROCEDURE notices_unread_update();
        CREATE FUNCTION notices_unread_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE users SET unread_notices = unread_notices - 1 WHERE id = OLD.user_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER notices_unread_delete AFTER DELETE ON notices
            FOR EACH ROW WHEN (OLD.read_at IS NULL) EXECUTE PROCEDURE notices_unread_delete();

        CREATE TABLE mail_unsubscribe_tokens (
            token_hash text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at double precision NOT NULL
        );
        CREATE INDEX mail_unsubscribe_tokens_user ON mail_unsubscribe_tokens (user_id);
        """)

    /// `2026-12-09-sign-in-methods`.
    static let signInMethods = PostgresMigration(name: "2026-12-09-sign-in-methods", sql: """
        ALTER TABLE sessions ADD COLUMN method text NOT NULL DEFAULT 'password'
            CHECK (method IN ('password', 'ldap', 'cas', 'oidc'));
        ALTER TABLE sessions ADD COLUMN provider_session text;
        CREATE INDEX sessions_provider_session ON sessions (provider_session) WHERE provider_session IS NOT NULL;

        CREATE TABLE sign_ins (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            method text NOT NULL CHECK (method IN ('password', 'ldap', 'cas', 'oidc')),
            second_factor bigint NOT NULL DEFAULT 0 CHECK (second_factor IN (0, 1)),
            at double precision NOT NULL,
            client_address text NOT NULL
        );
        CREATE INDEX sign_ins_user ON sign_ins (user_id, at);

        CREATE TABLE external_identities (
            method text NOT NULL CHECK (method IN ('ldap', 'cas', 'oidc')),
            subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at double precision NOT NULL,
            last_sign_in_at double precision NOT NULL,
            PRIMARY KEY (method, subject)
        );
        CREATE INDEX external_identities_user ON external_identities (user_id);
        """)

    /// `2026-12-09-second-factor`.
    static let secondFactor = PostgresMigration(name: "2026-12-09-second-factor", sql: """
        CREATE TABLE second_factors (
            user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            secret bytea NOT NULL,
            created_at double precision NOT NULL,
            enabled_at double precision,
            last_used_step bigint
        );

        CREATE TABLE second_factor_recovery_codes (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            salt bytea NOT NULL,
            digest bytea NOT NULL,
            created_at double precision NOT NULL,
            used_at double precision
        );
        CREATE INDEX second_factor_recovery_codes_user ON second_factor_recovery_codes (user_id);

        CREATE TABLE pending_sign_ins (
            token_hash text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            method text NOT NULL CHECK (method IN ('password', 'ldap', 'cas', 'oidc')),
            purpose text NOT NULL CHECK (purpose IN ('code', 'enrol')),
            next text NOT NULL,
            created_at double precision NOT NULL,
            expires_at double precision NOT NULL,
            failures bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX pending_sign_ins_expiry ON pending_sign_ins (expires_at);
        """)

    /// `2026-12-09-unread-announcements`. SQLite's booleans-as-integers are `(…)::int`.
    static let unreadAnnouncements = PostgresMigration(name: "2026-12-09-unread-announcements", sql: """
        ALTER TABLE users ADD COLUMN unread_announcements bigint NOT NULL DEFAULT 0;
        UPDATE users SET unread_announcements = (
            SELECT count(*) FROM notices n
            WHERE n.user_id = users.id AND n.read_at IS NULL AND n.announcement_id IS NOT NULL)
        WHERE id IN (SELECT user_id FROM notices WHERE read_at IS NULL AND announcement_id IS NOT NULL);

        DROP TRIGGER notices_unread_insert ON notices;
        DROP TRIGGER notices_unread_update ON notices;
        DROP TRIGGER notices_unread_delete ON notices;
        CREATE OR REPLACE FUNCTION notices_unread_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE users SET unread_notices = unread_notices + 1,
                unread_announcements = unread_announcements + (NEW.announcement_id IS NOT NULL)::int
            WHERE id = NEW.user_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER notices_unread_insert AFTER INSERT ON notices
            FOR EACH ROW WHEN (NEW.read_at IS NULL) EXECUTE PROCEDURE notices_unread_insert();
        CREATE OR REPLACE FUNCTION notices_unread_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE users SET unread_notices = unread_notices - (OLD.read_at IS NULL)::int + (NEW.read_at IS NULL)::int,
                unread_announcements = unread_announcements
                    - (OLD.read_at IS NULL AND OLD.announcement_id IS NOT NULL)::int
                    + (NEW.read_at IS NULL AND NEW.announcement_id IS NOT NULL)::int
            WHERE id = NEW.user_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER notices_unread_update AFTER UPDATE OF read_at, announcement_id ON notices
            FOR EACH ROW WHEN ((OLD.read_at IS NULL) <> (NEW.read_at IS NULL)
                               OR (OLD.announcement_id IS NULL) <> (NEW.announcement_id IS NULL))
            EXECUTE PROCEDURE notices_unread_update();
        CREATE OR REPLACE FUNCTION notices_unread_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE users SET unread_notices = unread_notices - 1,
                unread_announcements = unread_announcements - (OLD.announcement_id IS NOT NULL)::int
            WHERE id = OLD.user_id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER notices_unread_delete AFTER DELETE ON notices
            FOR EACH ROW WHEN (OLD.read_at IS NULL) EXECUTE PROCEDURE notices_unread_delete();
        """)

    /// `2026-12-09-oidc-requests`.
    static let oidcRequests = PostgresMigration(name: "2026-12-09-oidc-requests", sql: """
        CREATE TABLE oidc_requests (
            state_hash text PRIMARY KEY,
            browser_hash text NOT NULL,
            nonce text NOT NULL,
            code_verifier text NOT NULL,
            next text NOT NULL,
            created_at double precision NOT NULL,
            expires_at double precision NOT NULL
        );
        CREATE INDEX oidc_requests_expiry ON oidc_requests (expires_at);
        """)

    /// `2026-12-10-media-watch`.
    static let mediaWatch = PostgresMigration(name: "2026-12-10-media-watch", sql: """
        CREATE TABLE media_watch (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            course_id text NOT NULL,
            module_id text NOT NULL,
            media_id text NOT NULL,
            recording text NOT NULL,
            intervals text NOT NULL,
            watched_seconds double precision NOT NULL CHECK (watched_seconds >= 0),
            frontier double precision NOT NULL CHECK (frontier >= 0),
            duration double precision NOT NULL CHECK (duration >= 0),
            first_report_at double precision NOT NULL,
            last_report_at double precision NOT NULL,
            PRIMARY KEY (user_id, course_id, module_id, media_id)
        );
        CREATE INDEX media_watch_module ON media_watch (course_id, module_id);

        CREATE TABLE media_watch_reports (
            user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            last_report_at double precision NOT NULL
        );

        CREATE TABLE media_watch_completions (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            course_id text NOT NULL,
            module_id text NOT NULL,
            completed_at double precision NOT NULL,
            PRIMARY KEY (user_id, course_id, module_id)
        );
        CREATE INDEX media_watch_completions_module ON media_watch_completions (course_id, module_id);
        """)

    /// `2026-12-11-report-name-order`. The HR people list in name order (and its export) walks this index:
    /// `ORDER BY name_key ASC NULLS FIRST, id ASC NULLS FIRST` forwards, `DESC NULLS LAST` backwards, so a page
    /// reads its own rows instead of sorting the whole subtree. `users_name_key` cannot give that order: it keeps
    /// PostgreSQL's NULLS LAST and does not end with the id. Nothing on SQLite (its indexes end with the rowid and
    /// NULLs sort first there).
    static let reportNameOrder = PostgresMigration(name: "2026-12-11-report-name-order", sql: """
        CREATE INDEX users_name_order ON users (name_key NULLS FIRST, id NULLS FIRST);
        """)

    /// `2026-12-12-login-ascii-case`. Logins (and e-mail addresses) are told apart without regard to case as SQLite's
    /// NOCASE does: ASCII letters only, so `Ärger` and `ärger` stay two logins on both engines. `lower(x COLLATE "C")`
    /// folds ASCII only whatever the database's locale; `lower(x)` under a UTF-8 locale folds every letter.
    static let loginASCIICase = PostgresMigration(name: "2026-12-12-login-ascii-case", sql: """
        DROP INDEX users_login_nocase;
        CREATE UNIQUE INDEX users_login_nocase ON users (lower(login COLLATE "C"));
        DROP INDEX users_email;
        CREATE INDEX users_email ON users (lower(email COLLATE "C")) WHERE email IS NOT NULL;
        """)

    /// `2026-12-12-report-state-expiry-order`. The HR people list filtered by a certification state (other than
    /// "not started") and ordered by expiry walks this index: `ORDER BY c.expires_at ASC NULLS FIRST, u.id ASC NULLS
    /// FIRST` forwards, `DESC NULLS LAST` backwards, within one programme and state, so a page reads its own rows
    /// instead of sorting every certification in that state. `certifications_program_state` cannot give that order:
    /// it keeps PostgreSQL's NULLS LAST and does not end with the person. Nothing on SQLite (NULLs sort first there
    /// and its indexes end with the rowid, which the people list's order does not need from certifications).
    static let reportStateExpiryOrder = PostgresMigration(name: "2026-12-12-report-state-expiry-order", sql: """
        CREATE INDEX certifications_state_expiry_order
            ON certifications (program_id, state, expires_at NULLS FIRST, user_id NULLS FIRST);
        """)

    /// `2026-12-13-report-walks`. Indexes for the HR people list's walks (`PostgresReportRepository+Walks`), each
    /// in the order a page reads it so that it stops after its rows instead of sorting everyone:
    /// `user_year_hours_value_order` gives people with hours in (hours, person) order, the hours sort's order and its
    /// ties (`user_year_hours_value` keeps equal hours in no particular order, and 160,000 people share the top
    /// value at 1,000,000); `certifications_state_people` gives each state's people in id order, the state sort's
    /// ties. `users_name_order` now carries the columns of an export batch, so a batch in name order reads the
    /// index alone (an index-only scan) instead of one heap page per person. Nothing on SQLite: its indexes end with
    /// the rowid, and `users_name_key` already covers the export's columns there.
    static let reportWalks = PostgresMigration(name: "2026-12-13-report-walks", sql: """
        CREATE INDEX user_year_hours_value_order ON user_year_hours (year, hours, user_id);
        CREATE INDEX certifications_state_people ON certifications (program_id, state, user_id);
        DROP INDEX users_name_order;
        CREATE INDEX users_name_order ON users (name_key NULLS FIRST, id NULLS FIRST)
            INCLUDE (display_name, login, employee_number, department_id, disabled, required_hours);
        """)

    /// `2026-12-13-report-department-paths`. Every HR read takes its subtree as a range of `id_path` compared
    /// bytewise (`COLLATE "C"`), which `departments_id_path_key` (the column's own collation) cannot answer, so each
    /// statement read all 5,000 departments at 1,000,000 people: most of a division's summary (2-3 ms, against 0.6
    /// on SQLite). This index answers the range. Nothing on SQLite, whose `id_path` index is bytewise already.
    static let reportDepartmentPaths = PostgresMigration(name: "2026-12-13-report-department-paths", sql: """
        CREATE INDEX departments_path_bytes ON departments (id_path COLLATE "C");
        """)
}
