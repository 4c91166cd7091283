import Foundation
import GRDB
import TrainingServer

/// Batches of people for exports streamed in the list's order: by key ranges in name order (the `users_name_key`
/// index, from the last name written); other orders page like the list.
extension SQLiteReportRepository {
    public func exportBatch(_ filter: PeopleFilter, scope: AccessScope, after: PersonLine?, written: Int,
                            limit: Int) throws -> [PersonLine] {
        guard filter.sort == .name else {
            // Another order: the list's own plans, page after page.
            return try people(filter, scope: scope, limit: limit, offset: written)
        }
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty, limit > 0 else { return [] }
        // The key of the last name written: the key stored with it when that batch was read (keys are written
        // with names, and recomputed whenever the collation changes).
        let position = after.map { (key: NameCollation.key($0.name), userID: $0.userID) }
        if filter.keepsEveryone {
            return try store.read { db in
                try everyoneByName(filter, prefixes, after: position, limit: limit, db)
            }
        }
        var extra: (condition: String, arguments: StatementArguments)?
        if let position {
            extra = (Self.nameKeyset(filter.descending), [Data(position.key), Data(position.key), position.userID])
        }
        let (sql, arguments) = Self.query(filter, prefixes, select: Self.columns, source: .usersByName, extra: extra)
        let direction = filter.descending ? "DESC" : "ASC"
        return try store.read { db in
            try Row.fetchAll(db, sql: sql + " ORDER BY u.name_key \(direction), u.id \(direction) LIMIT ?",
                             arguments: arguments + [limit]).map(Self.line)
        }
    }

    /// After (or, descending, before) a name key and user id; the first comparison bounds the index range.
    static func nameKeyset(_ descending: Bool) -> String {
        descending ? "u.name_key <= ? AND (u.name_key < ? OR u.id < ?)" : "u.name_key >= ? AND (u.name_key > ? OR u.id > ?)"
    }

    /// A batch of everyone in the subtrees in name order: people walked along `users_name_key` from `after`, kept
    /// when their department is in scope, then their certifications and hours: read along the same name order
    /// (`attachInNameOrder`) when the walk kept most of what it read, otherwise looked up by the batch's ids.
    func everyoneByName(_ filter: PeopleFilter, _ prefixes: [String], after: (key: [UInt8], userID: Int64)?,
                        limit: Int, _ db: Database) throws -> [PersonLine] {
        let inScope = try departmentIDs(prefixes, db)
        let direction = filter.descending ? "DESC" : "ASC"
        let first = try db.cachedStatement(sql: """
            SELECT id, login, display_name, employee_number, department_id, name_key, required_hours
            FROM users INDEXED BY users_name_key
            WHERE disabled = 0 ORDER BY name_key \(direction), id \(direction) LIMIT ?
            """)
        let next = try db.cachedStatement(sql: """
            SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.name_key, u.required_hours
            FROM users u INDEXED BY users_name_key
            WHERE u.disabled = 0 AND \(Self.nameKeyset(filter.descending)) ORDER BY u.name_key \(direction), u.id \(direction) LIMIT ?
            """)
        var lines: [PersonLine] = []
        lines.reserveCapacity(limit)
        // The name keys of the first and last line kept (nil while none, or when a kept line has no key).
        var firstKey: Data?
        var lastKey: Data?
        var everyLineHasAKey = true
        var walked = 0
        var position = after
        while lines.count < limit {
            let statement: Statement
            if let position {
                statement = next
                statement.arguments = [Data(position.key), Data(position.key), position.userID, limit]
            } else {
                statement = first
                statement.arguments = [limit]
            }
            let rows = try Row.fetchCursor(statement)
            var read = 0
            while lines.count < limit, let row = try rows.next() {
                read += 1
                let id: Int64 = row[0]
                let key: Data? = row[5]
                position = (key.map { [UInt8]($0) } ?? [], id)
                let department: Int64 = row[4]
                guard inScope.contains(department) else { continue }
                if let key {
                    if firstKey == nil { firstKey = key }
                    lastKey = key
                } else {
                    everyLineHasAKey = false
                }
                lines.append(PersonLine(id, login: row[1], name: row[2], employeeNumber: row[3],
                                        departmentID: department, state: .notStarted, certifiedAt: nil, expiresAt: nil,
                                        certificateID: nil, hours: 0, requiredHours: row[6]))
            }
            walked += read
            if read < limit { break }
        }
        // Reading the key range costs about what the walk did; a lookup per person costs a page read each, so
        // the range wins unless the scope kept only a small share of the people walked (a small department).
        if everyLineHasAKey, let firstKey, let lastKey, walked <= lines.count * Self.nameRangeReadRatio {
            let (low, high) = filter.descending ? (lastKey, firstKey) : (firstKey, lastKey)
            try attachInNameOrder(&lines, filter, low: low, high: high, db)
        } else {
            try attachCertificationsAndHours(&lines, filter, db)
        }
        return lines
    }

    /// How many people the name walk may read per person it keeps for the batch's certifications and hours to be
    /// read as a key range rather than looked up one by one.
    static let nameRangeReadRatio = 8

    /// Fills in the lines' certification in `filter.programID` and hours in `filter.year` from everyone's whose
    /// name key lies between `low` and `high` (both included): ranges of the covering indexes kept in name order
    /// (`certifications_program_name`, `user_year_hours_name`, migration `2026-12-06-export-name-order`), so
    /// they are read in the order of the batch instead of one scattered page per person. Rows of people not in
    /// the batch (other departments, disabled, the same key in another batch) are skipped.
    func attachInNameOrder(_ lines: inout [PersonLine], _ filter: PeopleFilter, low: Data, high: Data,
                           _ db: Database) throws {
        guard !lines.isEmpty else { return }
        let index = Self.positions(lines)
        let certifications = try db.cachedStatement(sql: """
            SELECT user_id, state, certified_at, expires_at, certificate_id
            FROM certifications INDEXED BY certifications_program_name
            WHERE program_id = ? AND name_key >= ? AND name_key <= ?
            """)
        certifications.arguments = [filter.programID, low, high]
        let hours = try db.cachedStatement(sql: """
            SELECT user_id, hours FROM user_year_hours INDEXED BY user_year_hours_name
            WHERE year = ? AND name_key >= ? AND name_key <= ?
            """)
        hours.arguments = [filter.year, low, high]
        try Self.fill(&lines, index: index, certifications: certifications, hours: hours)
    }

    /// Fills in the lines' certification in `filter.programID` and hours in `filter.year`, looked up by user id.
    func attachCertificationsAndHours(_ lines: inout [PersonLine], _ filter: PeopleFilter, _ db: Database) throws {
        guard !lines.isEmpty else { return }
        let index = Self.positions(lines)
        let ids = "[" + lines.map { String($0.userID) }.joined(separator: ",") + "]"
        let certifications = try db.cachedStatement(sql: """
            SELECT user_id, state, certified_at, expires_at, certificate_id FROM certifications
            WHERE user_id IN (SELECT value FROM json_each(?)) AND program_id = ?
            """)
        certifications.arguments = [ids, filter.programID]
        let hours = try db.cachedStatement(sql: """
            SELECT user_id, hours FROM user_year_hours WHERE user_id IN (SELECT value FROM json_each(?)) AND year = ?
            """)
        hours.arguments = [ids, filter.year]
        try Self.fill(&lines, index: index, certifications: certifications, hours: hours)
    }

    /// Each line's position by its person's id.
    static func positions(_ lines: [PersonLine]) -> [Int64: Int] {
        var index: [Int64: Int] = [:]
        index.reserveCapacity(lines.count)
        for (position, line) in lines.enumerated() { index[line.userID] = position }
        return index
    }

    /// Copies the rows of `certifications` (user_id, state, certified_at, expires_at, certificate_id) and of
    /// `hours` (user_id, hours) into the lines of their people; rows of people not among the lines are skipped.
    static func fill(_ lines: inout [PersonLine], index: [Int64: Int], certifications: Statement, hours: Statement) throws {
        let certificationRows = try Row.fetchCursor(certifications)
        while let row = try certificationRows.next() {
            guard let position = index[row[0]] else { continue }
            let state: String = row[1]
            lines[position].state = CertificationStateName(rawValue: state) ?? .notStarted
            lines[position].certifiedAt = row[2]
            lines[position].expiresAt = row[3]
            lines[position].certificateID = row[4]
        }
        let hourRows = try Row.fetchCursor(hours)
        while let row = try hourRows.next() {
            guard let position = index[row[0]] else { continue }
            lines[position].hours = row[1]
        }
    }

    /// The ids of the departments in the subtrees, kept while the department tree's version stays the same.
    func departmentIDs(_ prefixes: [String], _ db: Database) throws -> Set<Int64> {
        let version = try SQLiteDepartmentRepository.treeVersion(db)
        let key = prefixes.joined(separator: "|")
        if let cached = scopeCache.ids(for: key, version: version) { return cached }
        let (inRange, arguments) = Self.rangeCondition(prefixes)
        let ids = Set(try Int64.fetchAll(db, sql: "SELECT d.id FROM departments d WHERE \(inRange)", arguments: arguments))
        scopeCache.keep(ids, for: key, version: version)
        return ids
    }
}
