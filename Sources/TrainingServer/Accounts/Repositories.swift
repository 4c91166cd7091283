/// The organisation tree.
public protocol DepartmentRepository: Sendable {
    /// Finds the department at `path` (names from the root), creating missing ones; audit-logged.
    func ensure(path: [String], by actor: AuditActor) throws -> Department
    func find(path: [String]) throws -> Department?
    func find(id: DepartmentID) throws -> Department?
    /// Every department, ordered root first then by name path.
    func all() throws -> [Department]
}

/// The organisation tree's changes for the department administration (each audit-logged in its own transaction).
public protocol DepartmentAdministrationRepository: DepartmentRepository {
    func rename(_ id: DepartmentID, to newName: String, by actor: AuditActor) throws(DepartmentChangeFailure) -> Department
    func move(_ id: DepartmentID, under parentID: DepartmentID, by actor: AuditActor) throws(DepartmentChangeFailure) -> Department
    func delete(_ id: DepartmentID, by actor: AuditActor) throws(DepartmentChangeFailure)
    /// The number of accounts (enabled or not) in the department's subtree: what stops a delete.
    func accounts(inSubtreeOf department: Department) throws -> Int
    /// Enabled people per department (departments without any are left out).
    func headcounts() throws -> [DepartmentID: Int]
}

/// Accounts and their roles.
public protocol UserRepository: Sendable {
    func create(_ user: NewUser, by actor: AuditActor) throws -> User
    func find(login: String) throws -> User?
    func find(id: UserID) throws -> User?
    /// The stored Argon2id hash of an account's password.
    func passwordHash(of id: UserID) throws -> String?
    func all() throws -> [User]
    /// Disables or enables an account; disabling ends all its sessions and revokes its API tokens.
    func setDisabled(_ disabled: Bool, id: UserID, by actor: AuditActor) throws
    /// Sets the password; ends every session and revokes every API token of the account.
    func setPasswordHash(_ hash: String, id: UserID, by actor: AuditActor) throws
    func setLanguage(_ language: String?, id: UserID) throws
    /// Sets the time zone pages show times in (an IANA name the caller checked), or nil for the server's.
    func setTimeZone(_ timeZone: String?, id: UserID) throws
}

/// Browser sessions.
public protocol SessionRepository: Sendable {
    /// Starts a session and records the sign-in (`sign_ins`): how the person signed in, and whether a second
    /// factor was checked.
    func create(tokenHash: String, userID: UserID, csrfSecret: String, now: Double, idleTimeout: Double,
                absoluteTimeout: Double, clientAddress: String, method: SignInMethod,
                secondFactor: Bool, providerSession: String?) throws -> SessionRecord
    /// The live session with this token hash and its (enabled) user, sliding its idle expiry forward.
    func resume(tokenHash: String, now: Double, idleTimeout: Double) throws -> (SessionRecord, User)?
    func delete(tokenHash: String) throws
    func deleteAll(userID: UserID) throws
    /// Ends the sessions begun with this provider handle (single logout); returns how many.
    func delete(providerSession: String) throws -> Int
    /// Removes expired sessions; returns how many.
    func purgeExpired(now: Double) throws -> Int
    /// The person's latest sign-ins, newest first.
    func signIns(userID: UserID, limit: Int) throws -> [SignInRecord]
}

extension SessionRepository {
    /// A session begun with the local password and no second factor.
    public func create(tokenHash: String, userID: UserID, csrfSecret: String, now: Double, idleTimeout: Double,
                       absoluteTimeout: Double, clientAddress: String) throws -> SessionRecord {
        try create(tokenHash: tokenHash, userID: userID, csrfSecret: csrfSecret, now: now, idleTimeout: idleTimeout,
                   absoluteTimeout: absoluteTimeout, clientAddress: clientAddress, method: .password, secondFactor: false,
                   providerSession: nil)
    }
}

/// Long-lived tokens for API clients.
public protocol APITokenRepository: Sendable {
    /// Stores a token ending at `expiresAt`; returns its id. Audit-logged.
    @discardableResult
    func create(tokenHash: String, userID: UserID, name: String, now: Double, expiresAt: Double,
                by actor: AuditActor) throws -> Int64
    /// The enabled user owning this live (unrevoked, unexpired) token; notes when it was used.
    func user(tokenHash: String, now: Double) throws -> User?
    /// An account's tokens, newest first, revoked and expired ones included.
    func list(userID: UserID) throws -> [APIToken]
    func find(id: Int64) throws -> APIToken?
    /// Ends a token for good; audit-logged. Throws `StoreError.notFound` for an unknown id.
    func revoke(id: Int64, now: Double, by actor: AuditActor) throws
}

/// Failed login counts for throttling.
public protocol LoginFailureStore: Sendable {
    /// In one write transaction: counts each key's failures after `since`, learns whether `usual` (an account
    /// and address) had a success after `usualSince`, and asks `decide`; unless it returns a wait, records one
    /// failure under every key at `at` and returns the recorded rows.
    func admit(keys: [String], since: Double, usual: String, usualSince: Double, at: Double,
               decide: ([String: LoginFailureCounts], Bool) -> Double?) throws -> (wait: Double?, rowIDs: [Int64])
    /// After a success: removes the attempt's rows and every failure under `clearing`, and remembers `usual`.
    func forget(rowIDs: [Int64], clearing key: String, usual: String, at: Double) throws
}

/// One event for the audit log.
public struct AuditEvent: Sendable, Hashable, Codable {
    public var action: String
    public var subject: String
    public var details: [String: String]

    public init(action: String, subject: String, details: [String: String] = [:]) {
        self.action = action
        self.subject = subject
        self.details = details
    }
}

/// A stored audit row.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Double
    public var actorUserID: Int64?
    public var actor: String
    public var action: String
    public var subject: String
    public var details: String
    public var prevHash: String
    public var hash: String
}

/// The outcome of walking the audit chain.
public enum AuditVerification: Sendable, Equatable {
    case intact(rows: Int)
    /// The first row whose stored hash or link does not match.
    case broken(rowID: Int64, reason: String)
}

/// The append-only, hash-chained audit log.
public protocol AuditLog: Sendable {
    func append(_ event: AuditEvent, by actor: AuditActor) throws
    func recent(limit: Int) throws -> [AuditEntry]
    func verify() throws -> AuditVerification
}

// MARK: Administration of people and their API tokens

/// Which accounts an administrator's people list shows and in what order.
public struct AccountFilter: Sendable, Hashable {
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        case name, login, employeeNumber = "employee_number", department, state
    }

    /// `id_path` prefixes of the departments whose people are listed (the scope, or a subtree inside it); empty
    /// lists nobody.
    public var prefixes: [String]
    /// People holding this role on any department.
    public var role: Role?
    /// Only disabled (true) or only active (false) accounts; nil for both.
    public var disabled: Bool?
    /// Part of a name or login, or a whole employee number.
    public var search: String?
    /// Pinyin initials as ranges of name-collation weights, one per character from the name's start (see
    /// `PinyinInitials`); empty when the search cannot be initials.
    public var initials: [ClosedRange<UInt16>]
    public var sort: Sort
    public var descending: Bool
    /// Only people of this job category.
    public var jobCategory: String? = nil

    public init(prefixes: [String], role: Role? = nil, disabled: Bool? = nil, search: String? = nil,
                initials: [ClosedRange<UInt16>] = [], sort: Sort = .name, descending: Bool = false) {
        self.prefixes = prefixes
        self.role = role
        self.disabled = disabled
        self.search = search
        self.initials = initials
        self.sort = sort
        self.descending = descending
    }
}

/// One line of the people list.
public struct AccountLine: Sendable, Hashable {
    public var id: UserID
    public var login: String
    public var name: String
    public var employeeNumber: String?
    public var departmentID: DepartmentID
    public var disabled: Bool
    /// The roles the person holds anywhere.
    public var roles: Set<Role>

    public init(id: UserID, login: String, name: String, employeeNumber: String?, departmentID: DepartmentID,
                disabled: Bool, roles: Set<Role>) {
        self.id = id
        self.login = login
        self.name = name
        self.employeeNumber = employeeNumber
        self.departmentID = departmentID
        self.disabled = disabled
        self.roles = roles
    }
}

/// A recorded disabling or enabling of an account, with its reason.
public struct AccountStateChange: Sendable, Hashable {
    public var disabled: Bool
    public var reason: String?
    public var actor: String
    public var at: Double

    public init(disabled: Bool, reason: String?, actor: String, at: Double) {
        self.disabled = disabled
        self.reason = reason
        self.actor = actor
        self.at = at
    }
}

/// What administrators change about accounts beyond `UserRepository`: lists, details, role grants, state with
/// reasons. Every change is audit-logged in its own transaction and ends cached sessions (`ChangeStamp`).
public protocol AccountAdministrationRepository: Sendable {
    func accounts(_ filter: AccountFilter, limit: Int, offset: Int) throws -> [AccountLine]
    func countAccounts(_ filter: AccountFilter) throws -> Int
    /// Creates an account with learner on its department and `grants` besides. Throws `StoreError.conflict`
    /// for a login or employee number already taken.
    func create(_ user: NewUser, grants: [RoleGrant], by actor: AuditActor) throws -> User
    /// Sets name, employee number and department; the learner grant moves with the department.
    func update(_ id: UserID, name: String, employeeNumber: String?, departmentID: DepartmentID, by actor: AuditActor) throws
    /// Grants a role on a department; false when the person held it already (nothing is written).
    @discardableResult
    func grant(_ grant: RoleGrant, to id: UserID, by actor: AuditActor) throws -> Bool
    /// Withdraws a grant; false when the person did not hold it (nothing is written).
    @discardableResult
    func withdraw(_ grant: RoleGrant, from id: UserID, by actor: AuditActor) throws -> Bool
    /// Disables or enables with a reason, which is kept with the change; as `UserRepository.setDisabled`.
    func setDisabled(_ disabled: Bool, id: UserID, reason: String?, by actor: AuditActor) throws
    /// The account's disablings and enablings, newest first.
    func stateChanges(of id: UserID) throws -> [AccountStateChange]
    /// When the person last signed in, as far as the database remembers (sessions, usual addresses).
    func lastSignIn(of id: UserID) throws -> Double?
    /// The account holding an employee number.
    func owner(ofEmployeeNumber number: String) throws -> UserID?
}

/// Which API tokens an administrator's token list shows.
public struct TokenFilter: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case active, expired, revoked
    }

    /// `id_path` prefixes of the departments whose people's tokens are listed.
    public var prefixes: [String]
    public var state: State?

    public init(prefixes: [String], state: State? = nil) {
        self.prefixes = prefixes
        self.state = state
    }
}

/// A token with its owner, for the token list.
public struct TokenLine: Sendable, Equatable {
    public var token: APIToken
    public var ownerLogin: String
    public var ownerName: String
    public var ownerDepartmentID: DepartmentID

    public init(token: APIToken, ownerLogin: String, ownerName: String, ownerDepartmentID: DepartmentID) {
        self.token = token
        self.ownerLogin = ownerLogin
        self.ownerName = ownerName
        self.ownerDepartmentID = ownerDepartmentID
    }
}

/// Every token of the people in some departments, for administrators.
public protocol APITokenDirectory: Sendable {
    /// Newest first.
    func tokens(_ filter: TokenFilter, now: Double, limit: Int, offset: Int) throws -> [TokenLine]
    func countTokens(_ filter: TokenFilter, now: Double) throws -> Int
}

/// The failures of one account, for administrators unlocking it.
public protocol LoginFailureInspection: Sendable {
    /// Failures after `since` under the account's key, and the most under any one of its address pairs (keys
    /// starting `pair:` and ending with `pairSuffix`).
    func failures(account: String, pairSuffix: String, since: Double) throws -> (account: Int, worstPair: Int)
    /// Removes every failure under the account's key and its address pairs; returns how many rows went.
    @discardableResult
    func clear(account: String, pairSuffix: String) throws -> Int
}
