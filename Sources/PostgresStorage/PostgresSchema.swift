import Foundation

/// The platform's schema on PostgreSQL: the same named migrations, in the same order, as the SQLite list
/// (`Sources/SQLiteStorage/Migrations.swift`), each bringing a PostgreSQL database to the same logical
/// schema as its SQLite step. A new migration is written for both engines under one name and appended to both lists.
///
/// The type rule (so the repositories' values carry over unchanged between the engines):
/// - SQLite's `INTEGER PRIMARY KEY` (with or without AUTOINCREMENT) is `bigserial PRIMARY KEY` (PostgreSQL 9.6 has no
///   identity columns). A row copied with its id does not move the sequence: a copy sets it with `setval` after.
/// - Every other `INTEGER` is `bigint`, flags included: they stay 0/1 with the same `CHECK (… IN (0, 1))`.
/// - `REAL` is `double precision`; timestamps stay what SQLite stores, seconds since 1970 as a double (not
///   `timestamptz`), and calendar days stay `YYYY-MM-DD` text.
/// - `TEXT` is `text`, `BLOB` is `bytea`.
/// - `COLLATE NOCASE` becomes an index on `lower(column)`; `GLOB` checks become anchored regular expressions (`~`);
///   `ifnull` is `coalesce`, `instr` is `strpos`, `unicode` is `ascii`; `INSERT OR IGNORE` is
///   `ON CONFLICT DO NOTHING`, and every `ON CONFLICT … DO UPDATE` names its conflict target.
/// - Each SQLite trigger is a PL/pgSQL function and a row trigger of the same name (`EXECUTE PROCEDURE`, which 9.6
///   understands). SQLite's subqueries in WHEN move into the function. An AFTER trigger that only updates the row
///   just written (a copied or reset column) is a BEFORE trigger setting that column on `NEW`; a trigger that must
///   see such a column change has no column list (PostgreSQL's `UPDATE OF` sees only the statement's SET list) and a
///   WHEN comparing old and new instead.
/// - Append-only tables (`audit_log`, `attempt_steps`) refuse UPDATE, DELETE and TRUNCATE with
///   "<table> is append-only" (SQLSTATE 23001, restrict_violation).
///
/// Only SQL that PostgreSQL 9.6 to 15 and PostgreSQL-compatible engines accept: no identity columns, no
/// `EXECUTE FUNCTION`, no MERGE, no catalog queries.
public enum PostgresSchema {
    /// The migrations, oldest first; the names are the SQLite list's names.
    public static let migrations: [PostgresMigration] = [
        foundation,
        learning,
        quizVersions,
        certification,
        certificateCycles,
        countsSkipDisabled,
        reportAggregates,
        nameSearch,
        userTimeZone,
        nameCollationKey,
        issuerPublicKeys,
        loginUsualAddresses,
        apiTokenExpiry,
        serverKeys,
        attemptSummaryIndexes,
        attemptStartIndex,
        mailOutboxPasswordResets,
        settingsPlatform,
        peopleAccountStates,
        opsAuditQueries,
        orgStaffImports,
        exportNameOrder,
        trainingPlans,
        mailHtmlDeadLettersDigests,
        requirementsYearlyHours,
        calendarFeeds,
        noticesAndAnnouncements,
        signInMethods,
        secondFactor,
        unreadAnnouncements,
        oidcRequests,
        mediaWatch,
        reportNameOrder,
        loginASCIICase,
        reportStateExpiryOrder,
        reportWalks,
        reportDepartmentPaths,
    ]

    /// A migrator for `migrations`.
    public static func migrator() -> PostgresMigrator {
        // The names are fixed and unique (a test compares them with the SQLite list's), so this cannot throw.
        guard let migrator = try? PostgresMigrator(migrations.map { (name: $0.name, sql: $0.sql) }) else {
            preconditionFailure("PostgresSchema.migrations has an empty or repeated name")
        }
        return migrator
    }
}
