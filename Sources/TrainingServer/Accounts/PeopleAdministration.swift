import Foundation

/// Why a change to an account was refused: the form field it concerns and what is wrong, in words for the command
/// line (`description`) and as a translation key for pages (`messageKey`).
public struct AccountProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        case loginMissing = "login_missing", loginInvalid = "login_invalid", loginTaken = "login_taken"
        case nameMissing = "name_missing", nameTooLong = "name_too_long"
        case employeeNumberTooLong = "employee_number_too_long", employeeNumberTaken = "employee_number_taken"
        case controlCharacter = "control_character"
        case departmentMissing = "department_missing"
        case roleMissing = "role_missing"
        case reasonMissing = "reason_missing", reasonTooLong = "reason_too_long"
        case lastAdminGrant = "last_admin_grant"
        case tokenNameInvalid = "token_name_invalid", tokenDaysInvalid = "token_days_invalid"
        case ownerDisabled = "owner_disabled", ownerMissing = "owner_missing"
        case invalidChoice = "invalid_choice", searchTooLong = "search_too_long"
        case jobCategoryTooLong = "job_category_too_long", emailInvalid = "email_invalid"
    }

    public var field: String
    public var reason: Reason

    public init(field: String, reason: Reason) {
        self.field = field
        self.reason = reason
    }

    public var messageKey: String { "admin.people.error.\(reason.rawValue)" }

    public var description: String {
        switch reason {
        case .loginMissing: "give a login"
        case .loginInvalid: "a login is 1 to 100 characters without spaces or control characters"
        case .loginTaken: "that login is taken"
        case .nameMissing: "give a name"
        case .nameTooLong: "a name is at most 200 characters"
        case .employeeNumberTooLong: "an employee number is at most 100 characters"
        case .employeeNumberTaken: "that employee number belongs to another account"
        case .controlCharacter: "\(field) contains a control character (line break, tab, NUL ...); remove it"
        case .departmentMissing: "choose a department"
        case .roleMissing: "choose a role"
        case .reasonMissing: "give a reason"
        case .reasonTooLong: "a reason is at most \(PeopleAdministration.reasonLimit) characters"
        case .lastAdminGrant: "you cannot withdraw your own last administrator role"
        case .tokenNameInvalid: "a token's name is 1 to 100 characters without control characters"
        case .tokenDaysInvalid: "a token lives 1 to \(APITokenService.maximumLifetimeDays) days"
        case .ownerDisabled: "the account is disabled; enable it first"
        case .ownerMissing: "no such account"
        case .invalidChoice: "\(field): not one of the choices offered"
        case .searchTooLong: "a search is at most \(PeopleListQuery.searchLimit) characters"
        case .jobCategoryTooLong: "a job category is at most \(JobCategory.maximumLength) characters"
        case .emailInvalid: "that is not an e-mail address"
        }
    }
}

/// Several problems at once, in the order of the form's fields.
public struct AccountProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [AccountProblem]

    public init(_ problems: [AccountProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// Adding people, changing their details, roles and state, and unlocking them: the rules the administration pages
/// and the `users` commands share. Scope (who may change whom) is the caller's business: pages check it with
/// `AdminScope` before calling; the command line acts for the operator on everyone.
public struct PeopleAdministration: Sendable {
    public static let reasonLimit = 500
    public static let employeeNumberLimit = 100

    public let users: any UserRepository
    public let accounts: any AccountAdministrationRepository
    public let failures: any LoginFailureInspection
    public let throttle: LoginThrottle.Policy
    public let audit: any AuditLog
    public let clock: @Sendable () -> Double

    public init(users: any UserRepository, accounts: any AccountAdministrationRepository,
                failures: any LoginFailureInspection, throttle: LoginThrottle.Policy, audit: any AuditLog,
                clock: @escaping @Sendable () -> Double) {
        self.users = users
        self.accounts = accounts
        self.failures = failures
        self.throttle = throttle
        self.audit = audit
        self.clock = clock
    }

    /// The service on `storage`; `users` is the application's (session-caching) repository.
    public init(storage: any StorageEngine, users: any UserRepository, audit: any AuditLog, throttle: LoginThrottle.Policy,
                clock: @escaping @Sendable () -> Double) {
        self.init(users: users, accounts: storage.accounts, failures: storage.loginFailureInspection, throttle: throttle,
                  audit: audit, clock: clock)
    }

    /// A person to add.
    public struct NewPerson: Sendable {
        public var login: String
        public var name: String
        public var employeeNumber: String?
        public var departmentID: DepartmentID?
        /// Roles besides learner (which every person has on their own department).
        public var grants: [RoleGrant]
        /// The password's hash; nil leaves the account without a usable password (until a reset link sets one).
        public var passwordHash: String?

        public init(login: String, name: String, employeeNumber: String?, departmentID: DepartmentID?,
                    grants: [RoleGrant] = [], passwordHash: String? = nil) {
            self.login = login
            self.name = name
            self.employeeNumber = employeeNumber
            self.departmentID = departmentID
            self.grants = grants
            self.passwordHash = passwordHash
        }
    }

    /// What cannot be stored of a new person, field by field (empty when all is well).
    public func problems(_ person: NewPerson) throws -> [AccountProblem] {
        var problems: [AccountProblem] = []
        let login = person.login
        if login.isEmpty {
            problems.append(AccountProblem(field: "login", reason: .loginMissing))
        } else if login.count > 100 || login.contains(where: { $0.isWhitespace || $0.isNewline }) || login.firstControlCharacter != nil {
            problems.append(AccountProblem(field: "login", reason: .loginInvalid))
        } else if try users.find(login: login) != nil {
            problems.append(AccountProblem(field: "login", reason: .loginTaken))
        }
        problems += try detailProblems(name: person.name, employeeNumber: person.employeeNumber, of: nil)
        if person.departmentID == nil { problems.append(AccountProblem(field: "department", reason: .departmentMissing)) }
        return problems
    }

    /// Problems with a name and employee number (`of` is the account keeping its own number).
    func detailProblems(name: String, employeeNumber: String?, of id: UserID?) throws -> [AccountProblem] {
        var problems: [AccountProblem] = []
        if name.isEmpty { problems.append(AccountProblem(field: "name", reason: .nameMissing)) }
        else if name.count > 200 { problems.append(AccountProblem(field: "name", reason: .nameTooLong)) }
        else if name.firstControlCharacter != nil { problems.append(AccountProblem(field: "name", reason: .controlCharacter)) }
        if let number = employeeNumber {
            if number.count > Self.employeeNumberLimit {
                problems.append(AccountProblem(field: "employee_number", reason: .employeeNumberTooLong))
            } else if number.firstControlCharacter != nil {
                problems.append(AccountProblem(field: "employee_number", reason: .controlCharacter))
            } else if let owner = try accounts.owner(ofEmployeeNumber: number), owner != id {
                problems.append(AccountProblem(field: "employee_number", reason: .employeeNumberTaken))
            }
        }
        return problems
    }

    /// Adds a person; throws `AccountProblems` for anything `problems` finds.
    public func add(_ person: NewPerson, by actor: AuditActor) throws -> User {
        let problems = try problems(person)
        guard problems.isEmpty, let departmentID = person.departmentID else { throw AccountProblems(problems) }
        // Without a password: "!" never verifies as an Argon2 hash, as for people a staff import creates.
        let hash = person.passwordHash ?? "!" + Tokens.random(bytes: 16)
        return try accounts.create(NewUser(login: person.login, displayName: person.name, employeeNumber: person.employeeNumber,
                                           departmentID: departmentID, passwordHash: hash, roles: []),
                                   grants: person.grants, by: actor)
    }

    /// Changes a person's name, employee number and department; throws `AccountProblems`.
    public func edit(_ person: User, name: String, employeeNumber: String?, departmentID: DepartmentID,
                     by actor: AuditActor) throws {
        let problems = try detailProblems(name: name, employeeNumber: employeeNumber, of: person.id)
        guard problems.isEmpty else { throw AccountProblems(problems) }
        try accounts.update(person.id, name: name, employeeNumber: employeeNumber, departmentID: departmentID, by: actor)
    }

    /// Grants a role on a department; false when it was held already.
    @discardableResult
    public func grant(_ grant: RoleGrant, to person: User, by actor: AuditActor) throws -> Bool {
        try accounts.grant(grant, to: person.id, by: actor)
    }

    /// Withdraws a grant. An administrator never withdraws their own last admin grant (nobody would be left to
    /// give it back within their scope); throws `AccountProblems` then.
    @discardableResult
    public func withdraw(_ grant: RoleGrant, from person: User, by actor: AuditActor) throws -> Bool {
        if grant.role == .admin, person.id == actor.userID, person.grants.filter({ $0.role == .admin }) == [grant] {
            throw AccountProblems([AccountProblem(field: "roles", reason: .lastAdminGrant)])
        }
        return try accounts.withdraw(grant, from: person.id, by: actor)
    }

    /// Disables (ending sessions and revoking tokens) or enables an account. Pages require a reason; the command
    /// line may give none. Throws `AccountProblems` for a missing or over-long reason.
    public func setDisabled(_ disabled: Bool, _ person: User, reason: String?, reasonRequired: Bool,
                            by actor: AuditActor) throws {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if reasonRequired && (reason ?? "").isEmpty {
            throw AccountProblems([AccountProblem(field: "reason", reason: .reasonMissing)])
        }
        if let reason, reason.count > Self.reasonLimit {
            throw AccountProblems([AccountProblem(field: "reason", reason: .reasonTooLong)])
        }
        try accounts.setDisabled(disabled, id: person.id, reason: reason.flatMap { $0.isEmpty ? nil : $0 }, by: actor)
    }

    /// Whether sign-ins to the account are being slowed or refused now (`LoginThrottle`): it has had the failures
    /// that start the delays, or one address has used up its attempts for it.
    public func isThrottled(_ person: User) throws -> Bool {
        for login in [person.login, "2fa:" + person.login] {
            let keys = LoginThrottle.keys(of: login)
            let counts = try failures.failures(account: keys.account, pairSuffix: keys.pairSuffix, since: clock() - throttle.window)
            if counts.account >= throttle.accountFreeFailures || counts.worstPair >= throttle.perAccountAndAddress { return true }
        }
        return false
    }

    /// Forgets the account's failed sign-ins, so its owner may sign in again at once; audit-logged.
    @discardableResult
    public func unlock(_ person: User, by actor: AuditActor) throws -> Int {
        // Wrong passwords, and wrong second-step codes (counted under "2fa:" + login).
        var cleared = 0
        for login in [person.login, "2fa:" + person.login] {
            let keys = LoginThrottle.keys(of: login)
            cleared += try failures.clear(account: keys.account, pairSuffix: keys.pairSuffix)
        }
        try audit.append(AuditEvent(action: "user.unlock", subject: "user:\(person.id)", details: ["failures": String(cleared)]),
                         by: actor)
        return cleared
    }
}
