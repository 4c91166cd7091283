import Foundation

/// What a directory or identity platform says about the person signing in, already mapped from its attributes
/// or claims (`--ldap-attribute`, `--cas-attribute`, `--oidc-claim`). Empty texts mean "not given".
public struct ExternalProfile: Sendable, Equatable {
    /// Which provider vouches for the person.
    public var method: SignInMethod
    /// The provider's stable name for the person (LDAP entry DN, CAS user, OIDC "issuer subject").
    public var subject: String
    /// The login the account has or gets on the platform.
    public var login: String
    public var displayName: String?
    public var employeeNumber: String?
    /// The department as names from the root (e.g. 省人民政府 / 省数据局 / 综合处).
    public var departmentPath: [String]?
    public var jobCategory: String?
    public var email: String?

    public init(method: SignInMethod, subject: String, login: String, displayName: String? = nil,
                employeeNumber: String? = nil, departmentPath: [String]? = nil, jobCategory: String? = nil,
                email: String? = nil) {
        func given(_ text: String?) -> String? {
            guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        self.method = method
        self.subject = subject
        self.login = login.trimmingCharacters(in: .whitespacesAndNewlines)
        self.displayName = given(displayName)
        self.employeeNumber = given(employeeNumber)
        let path = departmentPath?.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        self.departmentPath = path?.isEmpty == false ? path : nil
        self.jobCategory = given(jobCategory)
        self.email = given(email)
    }

    /// Splits a department attribute such as "省人民政府/省数据局/综合处" (also "\" or ">" as separators) into names.
    public static func departmentPath(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "/" || $0 == "\\" || $0 == ">" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Links between platform accounts and providers' subjects (`external_identities`).
public protocol ExternalIdentityRepository: Sendable {
    /// The account linked to the provider's subject.
    func user(method: SignInMethod, subject: String) throws -> UserID?
    /// Links (or re-links) the subject to the account and notes the sign-in time.
    func link(method: SignInMethod, subject: String, to user: UserID, now: Double) throws
    /// The providers' subjects linked to an account.
    func subjects(of user: UserID) throws -> [(method: SignInMethod, subject: String)]
}

/// Whether a sign-in from outside may create accounts (`--ldap-provision`, `--cas-provision`,
/// `--oidc-provision`).
public enum ProvisioningPolicy: String, Sendable, CaseIterable {
    /// Only people who already have an account (same login or employee number, or linked before) get in.
    case match
    /// Unknown people get an account at their first sign-in, in their department (created if missing).
    case create
}

/// Turns a provider's word about a person into the platform account they sign in to: the linked account, else
/// the account with the same login, else the one with the same employee number, else (when the policy allows) a
/// new account. The directory is authoritative for what it gives: name, employee number, department, job
/// category and e-mail are brought up to date at every sign-in, audited like an administrator's change (the actor
/// names the provider). Roles stay the platform's own.
public struct IdentityProvisioner: Sendable {
    public enum Refusal: Error, Sendable, Equatable {
        /// No account matches and the policy does not create one.
        case noAccount
        /// The account exists and is disabled on the platform.
        case disabled
        /// The profile cannot become an account (e.g. an invalid login); the text says why, for the log.
        case invalid(String)
    }

    public let people: PeopleAdministration
    public let departments: any DepartmentRepository
    public let attributes: StaffAttributes
    public let identities: any ExternalIdentityRepository
    public let clock: @Sendable () -> Double

    public init(people: PeopleAdministration, departments: any DepartmentRepository, attributes: StaffAttributes,
                identities: any ExternalIdentityRepository, clock: @escaping @Sendable () -> Double) {
        self.people = people
        self.departments = departments
        self.attributes = attributes
        self.identities = identities
        self.clock = clock
    }

    /// The provisioner on `storage`; `users` and `departments` are the application's repositories.
    public init(storage: any StorageEngine, users: any UserRepository, departments: any DepartmentRepository,
                audit: any AuditLog, throttle: LoginThrottle.Policy, clock: @escaping @Sendable () -> Double) {
        self.init(people: PeopleAdministration(storage: storage, users: users, audit: audit, throttle: throttle, clock: clock),
                  departments: departments, attributes: StaffAttributes(storage: storage),
                  identities: storage.externalIdentities, clock: clock)
    }

    /// The account `profile` signs in to, created or updated as the policy allows. `defaultDepartment` (names
    /// from the root; empty: the root department) receives people the provider names no department for.
    public func account(for profile: ExternalProfile, policy: ProvisioningPolicy,
                        defaultDepartment: [String]) throws -> Result<User, Refusal> {
        let actor = AuditActor(userID: nil, name: "sign-in:\(profile.method.rawValue)")
        guard !profile.subject.isEmpty, !profile.login.isEmpty else { return .failure(.invalid("no subject or login")) }
        var found: User?
        if let linked = try identities.user(method: profile.method, subject: profile.subject) {
            found = try people.users.find(id: linked)
        }
        if found == nil { found = try people.users.find(login: profile.login) }
        if found == nil, let number = profile.employeeNumber, let owner = try people.accounts.owner(ofEmployeeNumber: number) {
            found = try people.users.find(id: owner)
        }
        let user: User
        if let found {
            if found.disabled { return .failure(.disabled) }
            user = try update(found, from: profile, by: actor)
        } else {
            guard policy == .create else { return .failure(.noAccount) }
            let department = try department(for: profile, defaultDepartment: defaultDepartment, by: actor)
            let person = PeopleAdministration.NewPerson(login: profile.login, name: profile.displayName ?? profile.login,
                                                        employeeNumber: profile.employeeNumber, departmentID: department.id)
            // (The employee number is free: an account holding it would have been found above.)
            let problems = try people.problems(person)
            guard problems.isEmpty else { return .failure(.invalid(problems.map(\.description).joined(separator: "; "))) }
            var made = try people.add(person, by: actor)
            let checked = StaffAttributes.check(jobCategory: profile.jobCategory ?? "", email: profile.email ?? "")
            if checked.problems.isEmpty, checked.jobCategory != nil || checked.email != nil {
                try attributes.apply(jobCategory: checked.jobCategory, email: checked.email, to: made, by: actor)
                made = try people.users.find(id: made.id) ?? made
            }
            user = made
        }
        try identities.link(method: profile.method, subject: profile.subject, to: user.id, now: clock())
        return .success(user)
    }

    /// Brings the account's details to what the provider says (only what it gives, and only what differs).
    private func update(_ user: User, from profile: ExternalProfile, by actor: AuditActor) throws -> User {
        var departmentID = user.departmentID
        if let path = profile.departmentPath {
            departmentID = try departments.ensure(path: path, by: actor).id
        }
        let name = profile.displayName ?? user.displayName
        var number = profile.employeeNumber ?? user.employeeNumber
        if let wanted = profile.employeeNumber, wanted != user.employeeNumber,
           let owner = try people.accounts.owner(ofEmployeeNumber: wanted), owner != user.id {
            number = user.employeeNumber  // held by another account: keep the current number
        }
        if name != user.displayName || number != user.employeeNumber || departmentID != user.departmentID {
            if (try? people.edit(user, name: name, employeeNumber: number, departmentID: departmentID, by: actor)) == nil {
                // A name the platform refuses (too long, control characters): keep the stored details.
                if departmentID != user.departmentID {
                    try people.edit(user, name: user.displayName, employeeNumber: user.employeeNumber,
                                    departmentID: departmentID, by: actor)
                }
            }
        }
        if profile.jobCategory != nil || profile.email != nil {
            let checked = StaffAttributes.check(jobCategory: profile.jobCategory ?? "", email: profile.email ?? "")
            let current = try attributes.email(of: user)
            let job = profile.jobCategory == nil ? user.jobCategory : checked.jobCategory
            let mail = profile.email == nil ? current : checked.email
            if checked.problems.isEmpty {
                try attributes.apply(jobCategory: job, email: mail, to: user, by: actor)
            }
        }
        return try people.users.find(id: user.id) ?? user
    }

    private func department(for profile: ExternalProfile, defaultDepartment: [String], by actor: AuditActor) throws -> Department {
        let path = profile.departmentPath ?? defaultDepartment
        if path.isEmpty, let root = try departments.all().first { return root }
        return try departments.ensure(path: path, by: actor)
    }
}
