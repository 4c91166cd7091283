import Foundation

extension PostgresSchema {
    /// `2026-12-06-user-time-zone`.
    static let userTimeZone = PostgresMigration(name: "2026-12-06-user-time-zone", sql: """
        ALTER TABLE users ADD COLUMN time_zone text CHECK (time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 64);
        """)

    /// `2026-12-06-name-collation-key`. SQLite fills the keys of existing people in Swift (`fillNameKeys`); a
    /// PostgreSQL database is created empty by this list, and keys written without one are filled at start as on
    /// SQLite. The reset is a BEFORE trigger clearing the new row's key.
    static let nameCollationKey = PostgresMigration(name: "2026-12-06-name-collation-key", sql: """
        ALTER TABLE users ADD COLUMN name_key bytea;
        DROP INDEX users_name;
        CREATE INDEX users_name_key ON users (name_key, display_name, login, employee_number, department_id, disabled);
        CREATE FUNCTION users_name_key_reset() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.name_key := NULL;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER users_name_key_reset BEFORE UPDATE ON users
            FOR EACH ROW WHEN (NEW.display_name IS DISTINCT FROM OLD.display_name) EXECUTE PROCEDURE users_name_key_reset();
        """)

    /// `2026-12-06-issuer-public-keys`.
    static let issuerPublicKeys = PostgresMigration(name: "2026-12-06-issuer-public-keys", sql: """
        CREATE TABLE issuer_public_keys (
            thumbprint text PRIMARY KEY,
            modulus text NOT NULL,
            exponent text NOT NULL,
            first_used_at double precision NOT NULL
        );
        """)

    /// `2026-12-06-login-usual-addresses`.
    static let loginUsualAddresses = PostgresMigration(name: "2026-12-06-login-usual-addresses", sql: """
        CREATE TABLE login_usual_addresses (
            key text PRIMARY KEY,
            last_success_at double precision NOT NULL
        );
        """)

    /// `2026-12-06-api-token-expiry`. `strftime('%s', 'now')` is `floor(extract(epoch FROM now()))`.
    static let apiTokenExpiry = PostgresMigration(name: "2026-12-06-api-token-expiry", sql: """
        ALTER TABLE api_tokens ADD COLUMN expires_at double precision;
        UPDATE api_tokens SET expires_at = floor(extract(epoch FROM now())) + 90 * 86400;
        CREATE INDEX api_tokens_user ON api_tokens (user_id);
        """)

    /// `2026-12-06-server-keys`.
    static let serverKeys = PostgresMigration(name: "2026-12-06-server-keys", sql: """
        CREATE TABLE server_keys (
            name text PRIMARY KEY,
            secret bytea NOT NULL CHECK (length(secret) >= 32),
            created_at double precision NOT NULL
        );
        """)

    /// `2026-12-06-attempt-summary-indexes`.
    static let attemptSummaryIndexes = PostgresMigration(name: "2026-12-06-attempt-summary-indexes", sql: """
        CREATE INDEX quiz_attempts_passes ON quiz_attempts (user_id, course_id, quiz_id, passed, number);
        CREATE INDEX quiz_attempts_user_passes ON quiz_attempts (user_id, passed, closed_at);
        CREATE INDEX quiz_attempts_closes ON quiz_attempts (user_id, course_id, quiz_id, closed_at);
        CREATE INDEX quiz_attempts_open ON quiz_attempts (user_id, course_id, quiz_id, number)
            WHERE closed_at IS NULL;
        """)

    /// `2026-12-06-attempt-start-index`.
    static let attemptStartIndex = PostgresMigration(name: "2026-12-06-attempt-start-index", sql: """
        CREATE INDEX quiz_attempts_starts ON quiz_attempts (user_id, course_id, quiz_id, started_at);
        """)

    /// `2026-12-07-mail-outbox-password-resets`. `email COLLATE NOCASE` is `lower(email)`.
    static let mailOutboxPasswordResets = PostgresMigration(name: "2026-12-07-mail-outbox-password-resets", sql: """
        ALTER TABLE users ADD COLUMN email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254);
        CREATE INDEX users_email ON users (lower(email)) WHERE email IS NOT NULL;

        CREATE TABLE mail_outbox (
            id bigserial PRIMARY KEY,
            kind text NOT NULL,
            recipient text NOT NULL,
            subject text NOT NULL,
            body text NOT NULL,
            sensitive bigint NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
            message_id text,
            state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
            attempts bigint NOT NULL DEFAULT 0,
            created_at double precision NOT NULL,
            next_attempt_at double precision NOT NULL,
            claimed_at double precision,
            expires_at double precision,
            sent_at double precision,
            last_error text
        );
        CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);

        CREATE TABLE password_reset_tokens (
            id bigserial PRIMARY KEY,
            token_hash text NOT NULL UNIQUE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            password_digest text NOT NULL,
            origin text NOT NULL CHECK (origin IN ('admin', 'cli', 'self')),
            created_at double precision NOT NULL,
            expires_at double precision NOT NULL,
            used_at double precision
        );
        CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id, created_at);

        CREATE TABLE password_reset_requests (
            id bigserial PRIMARY KEY,
            identifier text,
            identifier_key text NOT NULL,
            client_key text NOT NULL,
            requested_at double precision NOT NULL,
            processed_at double precision
        );
        CREATE INDEX password_reset_requests_client ON password_reset_requests (client_key, requested_at);
        CREATE INDEX password_reset_requests_identifier ON password_reset_requests (identifier_key, requested_at);
        CREATE INDEX password_reset_requests_waiting ON password_reset_requests (id) WHERE processed_at IS NULL;
        """)

    /// `2026-12-07-settings-platform`.
    static let settingsPlatform = PostgresMigration(name: "2026-12-07-settings-platform", sql: """
        CREATE TABLE platform_settings (
            key text PRIMARY KEY,
            value text NOT NULL,
            updated_at double precision NOT NULL,
            updated_by text NOT NULL
        );
        CREATE TABLE platform_images (
            digest text PRIMARY KEY CHECK (length(digest) = 64),
            format text NOT NULL CHECK (format IN ('png', 'svg')),
            data bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 204800),
            created_at double precision NOT NULL
        );
        """)

    /// `2026-12-07-people-account-states`.
    static let peopleAccountStates = PostgresMigration(name: "2026-12-07-people-account-states", sql: """
        CREATE TABLE account_state_changes (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            disabled bigint NOT NULL CHECK (disabled IN (0, 1)),
            reason text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
            actor text NOT NULL,
            at double precision NOT NULL
        );
        CREATE INDEX account_state_changes_user ON account_state_changes (user_id, at);
        """)

    /// `2026-12-07-ops-audit-queries`. SQLite then resolves the subjects of existing audit rows in Swift
    /// (`AuditSubjects.backfill`); a PostgreSQL database made by this list has none, and a copied database brings its
    /// `audit_log_subjects` rows with it.
    static let opsAuditQueries = PostgresMigration(name: "2026-12-07-ops-audit-queries", sql: """
        CREATE TABLE audit_log_subjects (
            audit_id bigint PRIMARY KEY,
            user_id bigint,
            department_id bigint
        );
        CREATE INDEX audit_log_subjects_user ON audit_log_subjects (user_id) WHERE user_id IS NOT NULL;
        CREATE INDEX audit_log_subjects_department ON audit_log_subjects (department_id)
            WHERE department_id IS NOT NULL;
        CREATE INDEX audit_log_action ON audit_log (action);
        CREATE INDEX audit_log_actor_user ON audit_log (actor_user_id);
        CREATE INDEX audit_log_at ON audit_log (at);
        """)

    /// `2026-12-07-org-staff-imports`.
    static let orgStaffImports = PostgresMigration(name: "2026-12-07-org-staff-imports", sql: """
        CREATE TABLE staff_import_uploads (
            id text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            file_name text NOT NULL,
            sha256 text NOT NULL,
            content bytea NOT NULL,
            created_at double precision NOT NULL
        );
        CREATE INDEX staff_import_uploads_created ON staff_import_uploads (created_at);
        CREATE TABLE staff_imports (
            id bigserial PRIMARY KEY,
            at double precision NOT NULL,
            actor_user_id bigint,
            actor text NOT NULL,
            file_name text NOT NULL,
            sha256 text NOT NULL,
            scope text NOT NULL,
            created bigint NOT NULL,
            updated bigint NOT NULL,
            disabled bigint NOT NULL,
            unchanged bigint NOT NULL,
            departments bigint NOT NULL,
            warnings bigint NOT NULL
        );
        CREATE INDEX staff_imports_at ON staff_imports (at);
        """)

    /// `2026-12-06-export-name-order`. The copies into new certifications and user_year_hours rows are BEFORE INSERT
    /// triggers setting the row's key (SQLite updates the row after it was inserted). The copy after a key change has
    /// no column list, so it also follows a key cleared by `users_name_key_reset`.
    static let exportNameOrder = PostgresMigration(name: "2026-12-06-export-name-order", sql: """
        ALTER TABLE certifications ADD COLUMN name_key bytea;
        ALTER TABLE user_year_hours ADD COLUMN name_key bytea;
        UPDATE certifications SET name_key = (SELECT u.name_key FROM users u WHERE u.id = certifications.user_id);
        UPDATE user_year_hours SET name_key = (SELECT u.name_key FROM users u WHERE u.id = user_year_hours.user_id);
        CREATE INDEX certifications_program_name
            ON certifications (program_id, name_key, user_id, state, certified_at, expires_at, certificate_id);
        CREATE INDEX user_year_hours_name ON user_year_hours (year, name_key, user_id, hours);
        CREATE FUNCTION users_name_key_copy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE certifications SET name_key = NEW.name_key WHERE user_id = NEW.id;
            UPDATE user_year_hours SET name_key = NEW.name_key WHERE user_id = NEW.id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER users_name_key_copy AFTER UPDATE ON users
            FOR EACH ROW WHEN (NEW.name_key IS DISTINCT FROM OLD.name_key) EXECUTE PROCEDURE users_name_key_copy();
        CREATE FUNCTION copy_name_key() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.name_key := (SELECT u.name_key FROM users u WHERE u.id = NEW.user_id);
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER certifications_name_key BEFORE INSERT ON certifications
            FOR EACH ROW EXECUTE PROCEDURE copy_name_key();
        CREATE TRIGGER user_year_hours_name_key BEFORE INSERT ON user_year_hours
            FOR EACH ROW EXECUTE PROCEDURE copy_name_key();
        """)
}
