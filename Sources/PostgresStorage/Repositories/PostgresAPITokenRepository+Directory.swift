import TrainingServer

/// Every token of the people in some departments, for administrators, on PostgreSQL: newest first (then by id),
/// departments as ranges of id paths compared bytewise as SQLite compares them.
extension PostgresAPITokenRepository: APITokenDirectory {
    public func tokens(_ filter: TokenFilter, now: Double, limit: Int, offset: Int) throws -> [TokenLine] {
        guard !filter.prefixes.isEmpty, limit > 0 else { return [] }
        var arguments: [(any PostgresBindable)?] = []
        let conditions = Self.conditions(filter, now: now, &arguments)
        arguments.append(limit)
        arguments.append(max(0, offset))
        return try pool.withConnection { connection in
            try connection.query("""
                SELECT t.*, u.login AS owner_login, u.display_name AS owner_name, u.department_id AS owner_department
                FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN departments d ON d.id = u.department_id
                WHERE \(conditions) ORDER BY t.created_at DESC, t.id DESC LIMIT $\(arguments.count - 1) OFFSET $\(arguments.count)
                """, arguments).map { row in
                TokenLine(token: try Self.token(row), ownerLogin: try row.decode(named: "owner_login"),
                          ownerName: try row.decode(named: "owner_name"),
                          ownerDepartmentID: DepartmentID(rawValue: try row.decode(named: "owner_department")))
            }
        }
    }

    public func countTokens(_ filter: TokenFilter, now: Double) throws -> Int {
        guard !filter.prefixes.isEmpty else { return 0 }
        var arguments: [(any PostgresBindable)?] = []
        let conditions = Self.conditions(filter, now: now, &arguments)
        return try pool.withConnection { connection in
            try connection.query("""
                SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN departments d ON d.id = u.department_id
                WHERE \(conditions)
                """, arguments)[0].decode(at: 0)
        }
    }

    private static func conditions(_ filter: TokenFilter, now: Double, _ arguments: inout [(any PostgresBindable)?]) -> String {
        func bind(_ value: (any PostgresBindable)?) -> String {
            arguments.append(value)
            return "$\(arguments.count)"
        }
        var conditions = ["(" + filter.prefixes.map { prefix in
            #"(d.id_path COLLATE "C" >= \#(bind(prefix)) AND d.id_path COLLATE "C" < \#(bind(String(prefix.dropLast()) + "0")))"#
        }.joined(separator: " OR ") + ")"]
        switch filter.state {
        case .active?: conditions.append("t.revoked_at IS NULL AND t.expires_at > \(bind(now))")
        case .expired?: conditions.append("t.revoked_at IS NULL AND t.expires_at <= \(bind(now))")
        case .revoked?: conditions.append("t.revoked_at IS NOT NULL")
        case nil: break
        }
        return conditions.joined(separator: " AND ")
    }
}
