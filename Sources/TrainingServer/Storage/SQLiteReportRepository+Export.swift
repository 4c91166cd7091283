import Foundation
import GRDB

/// Batches of people in user-id order, for exports streamed by key ranges.
extension SQLiteReportRepository {
    public func peopleBatch(_ filter: PeopleFilter, scope: AccessScope, afterUserID: Int64, limit: Int) throws -> [PersonLine] {
        // Users first, walked by id from `afterUserID`: each batch reads about `limit` rows (more when the scope is
        // a small part of the organisation) instead of the whole remaining scope, sorted again for every batch.
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty else { return [] }
        if filter.keepsEveryone {
            return try store.read { db in try everyoneBatch(filter, prefixes, afterUserID: afterUserID, limit: limit, db) }
        }
        let (sql, arguments) = Self.query(filter, prefixes, select: Self.columns, plan: nil)
        return try store.read { db in
            let statement = try db.cachedStatement(sql: sql + " AND u.id > ? ORDER BY u.id LIMIT ?")
            statement.arguments = arguments + [afterUserID, limit]
            var lines: [PersonLine] = []
            lines.reserveCapacity(limit)
            let rows = try Row.fetchCursor(statement)
            while let row = try rows.next() { lines.append(Self.line(row)) }
            return lines
        }
    }

    /// A batch of everyone in the subtrees (no other filter), the export's common case, read as three ranges in
    /// user-id order — people, their certifications in the programme, their hours in the year — merged here, and
    /// the scope checked against the set of its department ids: sequential reads instead of three lookups per
    /// person. The same lines as the joined query (the tests compare them). The unary `+` keeps SQLite from
    /// choosing an index on the programme or the year (a scan of the whole programme per batch) over the key range.
    func everyoneBatch(_ filter: PeopleFilter, _ prefixes: [String], afterUserID: Int64, limit: Int,
                       _ db: Database) throws -> [PersonLine] {
        let inScope = try departmentIDs(prefixes, db)
        var lines: [PersonLine] = []
        lines.reserveCapacity(limit)
        var after = afterUserID
        let people = try db.cachedStatement(sql: """
            SELECT id, login, display_name, employee_number, department_id FROM users
            WHERE disabled = 0 AND id > ? ORDER BY id LIMIT ?
            """)
        while lines.count < limit {
            people.arguments = [after, limit]
            let rows = try Row.fetchCursor(people)
            var read = 0
            while lines.count < limit, let row = try rows.next() {
                read += 1
                after = row[0]
                let department: Int64 = row[4]
                guard inScope.contains(department) else { continue }
                lines.append(PersonLine(userID: after, login: row[1], name: row[2], employeeNumber: row[3],
                                        departmentID: department, state: .notStarted, certifiedAt: nil, expiresAt: nil,
                                        certificateID: nil, hours: 0))
            }
            // Fewer rows than asked for: the end of the table.
            if read < limit { break }
        }
        guard let first = lines.first?.userID, let last = lines.last?.userID else { return [] }
        var index: [Int64: Int] = [:]
        index.reserveCapacity(lines.count)
        for (position, line) in lines.enumerated() { index[line.userID] = position }
        let certifications = try db.cachedStatement(sql: """
            SELECT user_id, state, certified_at, expires_at, certificate_id FROM certifications
            WHERE user_id BETWEEN ? AND ? AND +program_id = ?
            """)
        certifications.arguments = [first, last, filter.programID]
        let certificationRows = try Row.fetchCursor(certifications)
        while let row = try certificationRows.next() {
            guard let position = index[row[0]] else { continue }
            let state: String = row[1]
            lines[position].state = CertificationStateName(rawValue: state) ?? .notStarted
            lines[position].certifiedAt = row[2]
            lines[position].expiresAt = row[3]
            lines[position].certificateID = row[4]
        }
        let hours = try db.cachedStatement(sql: """
            SELECT user_id, hours FROM user_year_hours WHERE user_id BETWEEN ? AND ? AND +year = ?
            """)
        hours.arguments = [first, last, filter.year]
        let hourRows = try Row.fetchCursor(hours)
        while let row = try hourRows.next() {
            guard let position = index[row[0]] else { continue }
            lines[position].hours = row[1]
        }
        return lines
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
