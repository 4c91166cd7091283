import Foundation

/// What a person may do. Roles other than learner are granted on a department and reach its whole subtree.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case learner
    case trainer
    case hr
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A department's database id.
public struct DepartmentID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// A person's database id.
public struct UserID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// A node of the organisation tree.
public struct Department: Sendable, Hashable, Codable {
    public var id: DepartmentID
    public var parentID: DepartmentID?
    public var name: String
    /// Ids from the root down, e.g. "/1/4/9/"; a department's subtree is every path with this prefix.
    public var idPath: String
    /// Names from the root down, e.g. ["省政府", "省数据局", "综合处"].
    public var namePath: [String]

    /// The names joined with " / " for display and CSV.
    public var displayPath: String { namePath.joined(separator: " / ") }

    /// Whether `other` is this department or below it.
    public func contains(_ other: Department) -> Bool { other.idPath.hasPrefix(idPath) }
}

/// A role granted on a department.
public struct RoleGrant: Sendable, Hashable, Codable {
    public var role: Role
    public var departmentID: DepartmentID

    public init(role: Role, departmentID: DepartmentID) {
        self.role = role
        self.departmentID = departmentID
    }
}

/// A person with an account.
public struct User: Sendable, Hashable, Codable {
    public var id: UserID
    public var login: String
    public var displayName: String
    public var employeeNumber: String?
    public var departmentID: DepartmentID
    public var disabled: Bool
    /// The language chosen in the profile; nil means "follow the browser".
    public var language: String?
    /// Extra-time factor for timed quizzes (1 = none), set by HR or an admin.
    public var accommodationFactor: Double
    public var grants: [RoleGrant]
    /// The time zone chosen in the profile (an IANA name); nil means the server's.
    public var timeZone: String? = nil
    /// The staff attribute yearly requirements and assignments can target (领导干部, 窗口岗位, ...); nil: none.
    public var jobCategory: String? = nil
    /// The yearly study hours the rules give this person (`YearlyRequirementRules`); nil: the global requirement.
    public var requiredHours: Double? = nil
    /// Unread notices (kept on the users row by triggers), for the header's count.
    public var unreadNotices: Int = 0
    /// How many of those are announcements (kept by the same triggers): the dashboard looks for them only when some are.
    public var unreadAnnouncements: Int = 0

    /// The roles this person holds anywhere.
    public var roles: Set<Role> { Set(grants.map(\.role)) }

    public func has(_ role: Role) -> Bool { grants.contains { $0.role == role } }
}

/// What is needed to create an account.
public struct NewUser: Sendable {
    public var login: String
    public var displayName: String
    public var employeeNumber: String?
    public var departmentID: DepartmentID
    public var passwordHash: String
    public var roles: [Role]

    public init(login: String, displayName: String, employeeNumber: String? = nil, departmentID: DepartmentID,
                passwordHash: String, roles: [Role]) {
        self.login = login
        self.displayName = displayName
        self.employeeNumber = employeeNumber
        self.departmentID = departmentID
        self.passwordHash = passwordHash
        self.roles = roles
    }
}

/// A signed-in browser session as stored (the token itself is never stored, only its hash).
public struct SessionRecord: Sendable, Hashable {
    public var id: Int64
    public var userID: UserID
    public var csrfSecret: String
    public var createdAt: Double
    public var idleExpiresAt: Double
    public var absoluteExpiresAt: Double
    /// How the person signed in.
    public var method: SignInMethod = .password
    /// The provider's handle for single logout (CAS service ticket, OIDC ID token), if any.
    public var providerSession: String? = nil
}

/// One sign-in as recorded: how, whether a second factor was checked, when and from where.
public struct SignInRecord: Sendable, Hashable {
    public var method: SignInMethod
    public var secondFactor: Bool
    public var at: Double
    public var clientAddress: String
}

/// Who did something, for the audit log.
public struct AuditActor: Sendable, Hashable {
    public var userID: UserID?
    public var name: String

    public init(userID: UserID?, name: String) {
        self.userID = userID
        self.name = name
    }

    /// Actions taken by an operator on the command line.
    public static let commandLine = AuditActor(userID: nil, name: "cli")
    /// Actions the platform takes by itself (sweeps, demo seeding).
    public static let system = AuditActor(userID: nil, name: "system")

    public init(_ user: User) {
        self.userID = user.id
        self.name = user.login
    }
}

extension Department {
    /// A department name: 1-200 characters, no "/", no control characters, not blank.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && !name.contains("/") && name.controlCharacterProblem("name") == nil
            && !name.allSatisfy(\.isWhitespace)
    }

    /// Parses "省政府/数据局/综合处" into names.
    public static func names(inPath text: String) -> [String] {
        text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
