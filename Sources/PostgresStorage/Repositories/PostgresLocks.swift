/// Transaction-scoped advisory locks (`pg_advisory_xact_lock`): what stands in, across servers, for SQLite's single
/// writer where a repository reads and then writes on what it read. A lock is released when the transaction that
/// took it commits or rolls back, never by hand.
///
/// Keys are 64-bit: fixed ones for the few serialised resources, FNV-1a of a text for per-key locks (the same text
/// gives the same key on every server and every run; two texts sharing a key only wait for each other).
enum PostgresLocks {
    /// Appending to the audit chain (read the newest hash, insert the next row).
    static let auditChain: Int64 = 0x5345_4155_4449_5400  // "SEAUDIT\0"
    /// Changing the department tree (find-or-create paths, renames, moves, deletes).
    static let departmentTree: Int64 = 0x5345_4445_5054_5200  // "SEDEPTR\0"
    /// Applying a change of the platform's settings and images.
    static let settings: Int64 = 0x5345_5345_5454_4700  // "SESETTG\0"
    /// Applying a staff import (planning it again, then writing it).
    static let staffImport: Int64 = 0x5345_5354_4146_4600  // "SESTAFF\0"
    /// Preparing the reports' aggregates and name keys (recounting `department_hours`, filling `name_key`).
    static let reportAggregates: Int64 = 0x5345_5245_5041_4700  // "SEREPAG\0"

    /// Takes `key` until the end of the caller's transaction (waits while another transaction holds it).
    static func lock(_ key: Int64, on connection: PostgresConnection) throws {
        try connection.execute("SELECT pg_advisory_xact_lock($1)", key)
    }

    /// Takes a lock for each text, in sorted order (so two transactions locking overlapping sets cannot deadlock).
    static func lock(texts: [String], namespace: String, on connection: PostgresConnection) throws {
        for key in Set(texts.map { key(namespace + "\u{1F}" + $0) }).sorted() {
            try lock(key, on: connection)
        }
    }

    /// FNV-1a (64-bit) of the text's UTF-8, as a signed key.
    static func key(_ text: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }
}
