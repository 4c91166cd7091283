/// Turns an HR system's staff file (CSV or an Excel workbook) into a plan of changes: people to create, update
/// or disable, departments to create. Every bad row is reported with its line (a workbook: its sheet row number)
/// and reason; a file with any error yields no plan, so nothing is ever half-applied. Columns are documented in
/// docs/staff-import.md.
public enum StaffImport {
    /// One problem of the file. `line` is the CSV line or the sheet row number; 0 when the problem is the whole
    /// file's (a workbook that cannot be opened).
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        /// What the problem is, for pages that say it in the reader's language (`admin.import.problem.<code>`
        /// with `values`); nil for problems of reading the file (its encoding, a damaged workbook), told in
        /// `message` only.
        public var code: String? = nil
        public var values: [String: String] = [:]
        public var description: String { line == 0 ? message : "line \(line): \(message)" }

        /// A problem of a row whose line is set when the row is done.
        static func row(_ code: String, _ values: [String: String], _ message: String) -> Problem {
            Problem(line: 0, message: message, code: code, values: values)
        }

        static func row(_ code: String, _ message: String) -> Problem {
            Problem(line: 0, message: message, code: code)
        }
    }

    /// A staff file's bytes and what they are.
    public enum File: Sendable, Equatable {
        /// CSV text; the encoding is detected unless given (`TextFileDecoding`).
        case csv([UInt8], encoding: TextEncoding?)
        /// An `.xlsx` workbook; its first sheet is read.
        case workbook([UInt8])

        /// A workbook when the bytes are a zip archive (whatever the file is called), CSV otherwise.
        public static func detect(_ bytes: [UInt8], encoding: TextEncoding? = nil) -> File {
            XLSXReader.looksLikeWorkbook(bytes) ? .workbook(bytes) : .csv(bytes, encoding: encoding)
        }
    }

    /// A role and the department it reaches (with its subtree).
    public struct Grant: Sendable, Hashable {
        public var role: Role
        public var department: [String]
    }

    /// An optional attribute as a row gives it: an empty cell (or no column) leaves it as it is, the clear marker
    /// (`clearMarker`) removes it, anything else sets it.
    public enum Attribute: Sendable, Equatable {
        case keep
        case clear
        case set(String)

        /// The value to store when it is not kept.
        public var stored: String? { if case .set(let value) = self { value } else { nil } }

        /// Whether writing it would change `current`.
        func changes(_ current: String?) -> Bool {
            switch self {
            case .keep: false
            case .clear: current != nil
            case .set(let value): current != value
            }
        }

        var fingerprint: String {
            switch self {
            case .keep: ""
            case .clear: "\u{18}"
            case .set(let value): value
            }
        }
    }

    /// The cell that removes a job category or an e-mail address (an empty cell leaves it unchanged).
    public static let clearMarker = "-"

    /// A person as the file describes them.
    public struct Person: Sendable, Equatable {
        public var line: Int
        public var employeeNumber: String
        public var login: String?
        public var name: String
        public var department: [String]
        public var grants: [Grant]
        public var active: Bool
        public var timeFactor: Double?
        public var jobCategory: Attribute = .keep
        public var email: Attribute = .keep
    }

    /// A person already in the database, as far as the import compares.
    public struct Existing: Sendable, Equatable {
        public var id: UserID
        public var employeeNumber: String?
        public var login: String
        public var name: String
        public var department: [String]
        public var grants: Set<Grant>
        public var disabled: Bool
        public var timeFactor: Double
        public var jobCategory: String? = nil
        public var email: String? = nil
    }

    public enum Change: Sendable, Equatable {
        case create(Person)
        case update(UserID, Person, fields: [String])
        case disable(UserID, Person)
    }

    public struct Plan: Sendable, Equatable {
        public var changes: [Change]
        public var newDepartments: [[String]]
        public var unchanged: Int
        /// Rows the import leaves alone but the operator should know about (a `left` row for an employee
        /// number the platform does not have); they do not stop the import.
        public var warnings: [Problem] = []

        public var created: Int { changes.filter { if case .create = $0 { true } else { false } }.count }
        public var updated: Int { changes.filter { if case .update = $0 { true } else { false } }.count }
        public var disabled: Int { changes.filter { if case .disable = $0 { true } else { false } }.count }
    }

    /// A plan, or every problem of the file.
    public enum Outcome: Sendable, Equatable {
        case plan(Plan)
        case problems([Problem])
    }

    static let columns = ["employee_number", "login", "name", "department", "roles", "status", "time_factor",
                          "job_category", "email"]
    /// Other names of columns, as Chinese HR systems head them.
    static let aliases = ["岗位类别": "job_category", "电子邮箱": "email"]
    static let required = ["employee_number", "name", "department"]

    /// Reads and checks a UTF-8, UTF-16 or GB18030 CSV file, then compares it with `existing` people and
    /// `departments` (name paths).
    public static func plan(csv bytes: [UInt8], existing: [Existing], departments: Set<[String]>, reach: [[String]]? = nil)
        -> Outcome {
        plan(file: .csv(bytes, encoding: nil), existing: existing, departments: departments, reach: reach)
    }

    /// Reads and checks the file, then compares it with `existing` people and `departments` (name paths). With
    /// `reach` (the name paths of the tops of an administrator's scope) every department a row names, and every
    /// person it matches, must lie within them: anything else is a problem of that row, told without revealing
    /// anything about people or departments outside.
    public static func plan(file: File, existing: [Existing], departments: Set<[String]>, reach: [[String]]? = nil) -> Outcome {
        switch file {
        case .csv(let bytes, let encoding):
            // The compound-file signature of Excel 97-2003 workbooks, which password-protected .xlsx files share.
            if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
                return .problems([Problem(line: 0, message: "the file is an Excel 97-2003 workbook (.xls) or a password-protected "
                                              + "workbook; save it without a password as .xlsx or as CSV UTF-8", code: "legacy_workbook")])
            }
            do {
                return plan(records: try CSVReader.read(bytes, encoding: encoding), place: "line",
                            existing: existing, departments: departments, reach: reach)
            } catch {
                return .problems([Problem(line: error.line, message: error.message)])
            }
        case .workbook(let bytes):
            do {
                let sheet = try XLSXReader.firstSheet(bytes)
                guard !sheet.rows.isEmpty else {
                    return .problems([Problem(line: 0, message: "the workbook's first sheet (\(sheet.name)) is empty",
                                              code: "sheet_empty", values: ["sheet": sheet.name])])
                }
                return plan(records: sheet.rows, place: "row", padRows: true, existing: existing, departments: departments,
                            reach: reach)
            } catch {
                return .problems([Problem(line: 0, message: error.message)])
            }
        }
    }

    /// Checks `records` (the first is the header) and plans. `place` names what a record's number counts ("line"
    /// or "row") in messages; `padRows` fills rows that end before the header does (a sheet leaves out trailing
    /// empty cells, where CSV writes empty fields).
    static func plan(records: [CSVReader.Record], place: String, padRows: Bool = false, existing: [Existing],
                     departments: Set<[String]>, reach: [[String]]? = nil) -> Outcome {
        /// Whether `path` lies within the reach (everything does without one).
        func reachable(_ path: [String]) -> Bool {
            guard let reach else { return true }
            return reach.contains { top in path.count >= top.count && Array(path.prefix(top.count)) == top }
        }
        guard let header = records.first else { return .problems([Problem(line: 1, message: "the file is empty", code: "file_empty")]) }
        var problems: [Problem] = []
        let names = header.fields.map { field in
            let name = field.trimmed.lowercased()
            return aliases[name] ?? name
        }
        for name in names where !columns.contains(name) {
            problems.append(Problem(line: header.line, message: "unknown column '\(name)'; the columns are \(columns.joined(separator: ", "))",
                                    code: "unknown_column", values: ["name": name, "columns": columns.joined(separator: ", ")]))
        }
        for name in required where !names.contains(name) {
            problems.append(Problem(line: header.line, message: "missing column '\(name)'", code: "missing_column", values: ["name": name]))
        }
        if Set(names).count != names.count {
            problems.append(Problem(line: header.line, message: "a column appears twice", code: "duplicate_column"))
        }
        guard problems.isEmpty else { return .problems(problems) }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        var people: [Person] = []
        var seenNumbers: [String: Int] = [:]
        var seenLogins: [String: Int] = [:]
        for var record in records.dropFirst() {
            if padRows && record.fields.count < names.count {
                record.fields += Array(repeating: "", count: names.count - record.fields.count)
            }
            if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { continue }
            func value(_ column: String) -> String {
                guard let position = index[column], position < record.fields.count else { return "" }
                return record.fields[position].trimmed
            }
            var rowProblems: [Problem] = []
            for column in names {
                if let problem = value(column).controlCharacterProblem(column), let scalar = value(column).firstControlCharacter {
                    rowProblems.append(.row("control_character", ["column": column, "character": String.codePoint(scalar)], problem))
                }
            }
            if record.fields.count != names.count {
                rowProblems.append(padRows
                    ? .row("beyond_header", ["column": columnName(record.fields.count - 1), "count": String(names.count)],
                           "has a value in column \(columnName(record.fields.count - 1)), beyond the header's \(names.count) columns")
                    : .row("field_count", ["fields": String(record.fields.count), "count": String(names.count)],
                           "has \(record.fields.count) fields; the header has \(names.count)"))
            }
            let number = value("employee_number")
            if number.isEmpty { rowProblems.append(.row("number_empty", "employee_number is empty")) }
            if let first = seenNumbers[number], !number.isEmpty {
                rowProblems.append(.row("duplicate_number", ["number": number, "first": String(first)],
                                        "employee number \(number) already appears on \(place) \(first)"))
            }
            let login = value("login")
            if !login.isEmpty {
                if login.count > 100 || login.contains(where: { $0.isWhitespace }) {
                    rowProblems.append(.row("login_invalid", ["login": login], "login '\(login)' must be 1-100 characters without spaces"))
                }
                if let first = seenLogins[login.lowercased()] {
                    rowProblems.append(.row("duplicate_login", ["login": login, "first": String(first)],
                                            "login \(login) already appears on \(place) \(first)"))
                }
            }
            let name = value("name")
            if name.isEmpty || name.count > 200 { rowProblems.append(.row("name_invalid", "name must be 1-200 characters")) }
            let department = splitPath(value("department"))
            if department.isEmpty {
                rowProblems.append(.row("department_empty", "department is empty; write a path such as 省人民政府/省数据局/综合处"))
            }
            var grants: [Grant] = []
            for item in value("roles").split(whereSeparator: { $0 == ";" || $0 == "；" }).map({ String($0).trimmed }) where !item.isEmpty {
                let parts = item.split(separator: "@", maxSplits: 1).map { String($0).trimmed }
                guard let role = Role(rawValue: parts[0].lowercased()) else {
                    rowProblems.append(.row("unknown_role", ["role": parts[0]], "unknown role '\(parts[0])'; use learner, trainer, hr or admin"))
                    continue
                }
                let scope = parts.count > 1 ? splitPath(parts[1]) : department
                if scope.isEmpty { rowProblems.append(.row("role_empty_department", ["role": item], "role \(item) names an empty department")) }
                grants.append(Grant(role: role, department: scope))
            }
            if !grants.contains(where: { $0.role == .learner }) { grants.append(Grant(role: .learner, department: department)) }
            if !department.isEmpty && !reachable(department) {
                rowProblems.append(.row("department_outside", ["department": department.joined(separator: "/")],
                                        "department \(department.joined(separator: "/")) is outside the departments you manage"))
            }
            for grant in grants where !grant.department.isEmpty && grant.department != department && !reachable(grant.department) {
                let role = "\(grant.role.rawValue)@\(grant.department.joined(separator: "/"))"
                rowProblems.append(.row("role_outside", ["role": role], "role \(role) names a department outside the departments you manage"))
            }
            let status = value("status").lowercased()
            let active: Bool
            switch status {
            case "", "active", "在职": active = true
            case "left", "离职": active = false
            default:
                active = true
                rowProblems.append(.row("status_invalid", ["status": status], "status '\(status)' is not active or left"))
            }
            var factor: Double?
            let factorText = value("time_factor")
            if !factorText.isEmpty {
                if let parsed = Double(factorText), (1...4).contains(parsed) { factor = parsed } else {
                    rowProblems.append(.row("time_factor_invalid", "time_factor must be a number from 1 to 4"))
                }
            }
            var jobCategory = Attribute.keep
            switch value("job_category") {
            case "": break
            case clearMarker: jobCategory = .clear
            case let text:
                if text.count > JobCategory.maximumLength {
                    rowProblems.append(.row("job_category_invalid", "job_category must be at most \(JobCategory.maximumLength) characters"))
                } else {
                    jobCategory = .set(text)
                }
            }
            var email = Attribute.keep
            switch value("email") {
            case "": break
            case clearMarker: email = .clear
            case let text:
                if let address = MailAddress.normalized(text) {
                    email = .set(address)
                } else {
                    rowProblems.append(.row("email_invalid", ["email": text], "email '\(text)' is not an e-mail address"))
                }
            }
            if rowProblems.isEmpty {
                people.append(Person(line: record.line, employeeNumber: number, login: login.isEmpty ? nil : login, name: name,
                                     department: department, grants: grants, active: active, timeFactor: factor,
                                     jobCategory: jobCategory, email: email))
            } else {
                problems += rowProblems.map { problem in
                    var problem = problem
                    problem.line = record.line
                    return problem
                }
            }
            if !number.isEmpty && seenNumbers[number] == nil { seenNumbers[number] = record.line }
            if !login.isEmpty && seenLogins[login.lowercased()] == nil { seenLogins[login.lowercased()] = record.line }
        }

        let byNumber = Dictionary(existing.compactMap { person in person.employeeNumber.map { ($0, person) } },
                                  uniquingKeysWith: { first, _ in first })
        let byLogin = Dictionary(existing.map { ($0.login.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [Change] = []
        var warnings: [Problem] = []
        var unchanged = 0
        var neededDepartments = Set<[String]>()
        for person in people {
            if let current = byNumber[person.employeeNumber] {
                guard reachable(current.department) else {
                    // Someone outside the administrator's scope: say no more than that the number is taken.
                    problems.append(Problem(line: person.line, message: "employee number \(person.employeeNumber) is already in use "
                                            + "outside the departments you manage", code: "number_outside",
                                            values: ["number": person.employeeNumber]))
                    continue
                }
                if let login = person.login, login.lowercased() != current.login.lowercased() {
                    problems.append(Problem(line: person.line, message: "employee \(person.employeeNumber) has the login \(current.login); logins cannot change",
                                            code: "login_fixed", values: ["number": person.employeeNumber, "login": current.login]))
                    continue
                }
                if !person.active {
                    if current.disabled { unchanged += 1 } else { changes.append(.disable(current.id, person)) }
                    continue
                }
                var fields: [String] = []
                if current.name != person.name { fields.append("name") }
                if current.department != person.department { fields.append("department") }
                if current.grants != Set(person.grants) { fields.append("roles") }
                if fields.contains("roles") && !current.grants.allSatisfy({ reachable($0.department) }) {
                    problems.append(Problem(line: person.line, message: "employee \(person.employeeNumber) holds roles outside the "
                                            + "departments you manage; their roles can only be changed by an administrator of those",
                                            code: "roles_outside", values: ["number": person.employeeNumber]))
                    continue
                }
                if current.disabled { fields.append("enabled") }
                if let factor = person.timeFactor, factor != current.timeFactor { fields.append("time_factor") }
                if person.jobCategory.changes(current.jobCategory) { fields.append("job_category") }
                if person.email.changes(current.email) { fields.append("email") }
                if fields.isEmpty { unchanged += 1 } else { changes.append(.update(current.id, person, fields: fields)) }
            } else {
                guard person.active else {
                    warnings.append(Problem(line: person.line, message: "employee number \(person.employeeNumber) is marked left but "
                                            + "is not on the platform; the row is ignored (check the number)", code: "left_unknown",
                                            values: ["number": person.employeeNumber]))
                    continue
                }
                guard let login = person.login else {
                    problems.append(Problem(line: person.line, message: "a new person needs a login", code: "login_missing"))
                    continue
                }
                if let clash = byLogin[login.lowercased()], !reachable(clash.department) {
                    problems.append(Problem(line: person.line, message: "the login \(login) is already in use", code: "login_taken",
                                            values: ["login": login]))
                    continue
                }
                if let clash = byLogin[login.lowercased()] {
                    problems.append(Problem(line: person.line, message: "the login \(login) belongs to someone else (employee number \(clash.employeeNumber ?? "none"))",
                                            code: "login_clash", values: ["login": login, "number": clash.employeeNumber ?? "—"]))
                    continue
                }
                changes.append(.create(person))
            }
            for path in [person.department] + person.grants.map(\.department) {
                for depth in 1...path.count where !departments.contains(Array(path.prefix(depth))) {
                    neededDepartments.insert(Array(path.prefix(depth)))
                }
            }
        }
        guard problems.isEmpty else { return .problems(problems.sorted { ($0.line, $0.message) < ($1.line, $1.message) }) }
        return .plan(Plan(changes: changes,
                             newDepartments: neededDepartments.sorted { $0.lexicographicallyPrecedes($1) },
                             unchanged: unchanged, warnings: warnings))
    }

    /// 0 -> "A", 26 -> "AA": a sheet column as the spreadsheet names it.
    static func columnName(_ index: Int) -> String {
        var name = ""
        var number = index + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }

    static func splitPath(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "/" || $0 == "／" }).map { String($0).trimmed }.filter { !$0.isEmpty }
    }
}

extension StaffImport.Plan {
    /// A digest of everything the plan would do: the same file planned against the same people and departments
    /// gives the same fingerprint, and any difference in what would change gives another.
    public var fingerprint: String {
        func describe(_ person: StaffImport.Person) -> String {
            let grants = person.grants.map { "\($0.role.rawValue)@\($0.department.joined(separator: "/"))" }.sorted()
            return [person.employeeNumber, person.login ?? "", person.name, person.department.joined(separator: "/"),
                    grants.joined(separator: ";"), person.active ? "active" : "left",
                    person.timeFactor.map { String($0) } ?? "", person.jobCategory.fingerprint,
                    person.email.fingerprint].joined(separator: "\u{1F}")
        }
        var lines = newDepartments.map { "department\u{1F}" + $0.joined(separator: "/") }
        for change in changes {
            switch change {
            case .create(let person): lines.append("create\u{1F}" + describe(person))
            case .update(let id, let person, let fields):
                lines.append("update\u{1F}\(id)\u{1F}\(fields.joined(separator: ","))\u{1F}" + describe(person))
            case .disable(let id, let person): lines.append("disable\u{1F}\(id)\u{1F}" + describe(person))
            }
        }
        lines.append("unchanged\u{1F}\(unchanged)")
        lines += warnings.map { "warning\u{1F}\($0.line)\u{1F}\($0.message)" }
        return Tokens.digest(lines.joined(separator: "\n"))
    }
}

extension String {
    var trimmed: String {
        String(unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }.reversed()
            .map(Character.init))
    }
}
