import ArgumentParser
import Foundation
import SQLiteStorage
import TrainingServer

/// Reads a password from standard input (one line, without its newline).
func readPasswordFromStandardInput() throws -> String {
    guard let line = readLine(strippingNewline: true) else { throw CommandFailure("no password on standard input") }
    do {
        try PasswordHasher.validate(line)
    } catch {
        throw CommandFailure(error.description)
    }
    return line
}

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage accounts.",
                                                    subcommands: [Add.self, List.self, Disable.self, Enable.self, SetPassword.self,
                                                                  SetEmail.self, SetJobCategory.self, ResetLink.self,
                                                                  ResetSecondFactor.self])

    struct ResetSecondFactor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-2fa",
            abstract: "Reset an account's two-step sign-in (a lost phone); audited. Where the role requires it, the person sets it up again at the next sign-in.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Login name.") var login: String
        @Option(help: "Why (kept in the audit log).") var reason: String

        func run() throws {
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw ValidationError("give a reason with --reason") }
            guard reason.count <= PeopleAdministration.reasonLimit else {
                throw ValidationError("a reason is at most \(PeopleAdministration.reasonLimit) characters")
            }
            let storage = try database.openExisting()
            guard let user = try storage.users.find(login: login) else {
                throw CommandFailure("no account \(login)")
            }
            let wasOn = try SecondFactors(repository: storage.secondFactors, sealPath: SecondFactorSeal.keyPath(forDatabase: database.db),
                                        clock: now).reset(user.id, reason: reason, by: .commandLine)
            print(wasOn ? "two-step sign-in reset for \(user.login)" : "\(user.login) had no two-step sign-in; reset recorded")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name.") var login: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Department path, e.g. \"省人民政府/省数据局/综合处\" (created if missing).") var department: String
        @Option(help: "Role (learner, trainer, hr, admin); repeat for several.") var role: [String] = ["learner"]
        @Option(help: "Employee number from the HR system.") var employeeNumber: String?
        @Option(help: "Job category, e.g. 窗口岗位 (1-60 characters).") var jobCategory: String?
        @Option(help: "E-mail address (where the person's mail goes).") var email: String?
        @Flag(help: "Read the password from standard input.") var passwordStdin = false

        func run() throws {
            guard passwordStdin else { throw ValidationError("give the password on standard input with --password-stdin") }
            for (what, text) in [("--login", login), ("--name", name), ("--department", department),
                                 ("--employee-number", employeeNumber ?? "")] {
                if let problem = text.controlCharacterProblem(what) { throw CommandFailure(problem) }
            }
            let attributes = StaffAttributes.check(jobCategory: jobCategory ?? "", email: email ?? "")
            if let problem = attributes.problems.first { throw CommandFailure("--\(problem.field.replacingOccurrences(of: "_", with: "-")): \(problem)") }
            let roles = try role.map { name -> Role in
                guard let role = Role(rawValue: name) else { throw ValidationError("unknown role \(name); use learner, trainer, hr or admin") }
                return role
            }
            let password = try readPasswordFromStandardInput()
            let storage = try database.open()
            let departments = storage.departments
            let path = Department.names(inPath: department)
            guard !path.isEmpty else { throw ValidationError("--department needs a path such as \"A/B\"") }
            let dept = try departments.ensure(path: path, by: .commandLine)
            let user = try administration(storage).add(
                PeopleAdministration.NewPerson(login: login, name: name, employeeNumber: employeeNumber, departmentID: dept.id,
                                               grants: roles.map { RoleGrant(role: $0, departmentID: dept.id) },
                                               passwordHash: try PasswordHasher().hash(password)), by: .commandLine)
            try StaffAttributes(storage: storage).apply(jobCategory: attributes.jobCategory, email: attributes.email,
                                                                       to: user, by: .commandLine)
            print("created \(user.login) (\(user.roles.sorted().map(\.rawValue).joined(separator: ", "))) in \(dept.displayPath)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let storage = try database.openExisting()
            let departments = Dictionary(uniqueKeysWithValues: try storage.departments.all()
                .map { ($0.id, $0.displayPath) })
            var rows = [["login", "name", "department", "roles", "state"]]
            for user in try administration(storage).users.all() {
                let state = user.disabled ? "disabled" : "active"
                rows.append([user.login, user.displayName, departments[user.departmentID] ?? "?",
                             user.roles.sorted().map(\.rawValue).joined(separator: ","), state])
            }
            printTable(rows)
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name.") var login: String
        @Option(help: "Why (kept with the change and shown to administrators).") var reason: String?

        func run() throws {
            let people = administration(try database.openExisting())
            guard let user = try people.users.find(login: login) else { throw CommandFailure("no account \(login)") }
            try people.setDisabled(true, user, reason: reason, reasonRequired: false, by: .commandLine)
            print("disabled \(user.login)")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name.") var login: String
        @Option(help: "Why (kept with the change and shown to administrators).") var reason: String?

        func run() throws {
            let people = administration(try database.openExisting())
            guard let user = try people.users.find(login: login) else { throw CommandFailure("no account \(login)") }
            try people.setDisabled(false, user, reason: reason, reasonRequired: false, by: .commandLine)
            print("enabled \(user.login)")
        }
    }

    struct SetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-password",
                                                        abstract: "Set an account's password (ends its sessions).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name.") var login: String
        @Flag(help: "Read the password from standard input.") var passwordStdin = false

        func run() throws {
            guard passwordStdin else { throw ValidationError("give the password on standard input with --password-stdin") }
            let password = try readPasswordFromStandardInput()
            let repository = try database.openExisting().users
            guard let user = try repository.find(login: login) else { throw CommandFailure("no account \(login)") }
            try repository.setPasswordHash(try PasswordHasher().hash(password), id: user.id, by: .commandLine)
            print("password set for \(user.login)")
        }
    }
}

struct Departments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the organisation tree.",
                                                    subcommands: [Add.self, List.self, Rename.self, Move.self, Delete.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a department and any missing parents.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Path such as \"省人民政府/省数据局/综合处\".") var path: String

        func run() throws {
            let names = Department.names(inPath: path)
            guard !names.isEmpty else { throw ValidationError("give a path such as \"A/B\"") }
            let department = try DepartmentAdministration(storage: try database.open())
                .ensure(path: names, by: .commandLine)
            print("\(department.id)\t\(department.displayPath)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List departments with their enabled people.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let nodes = try DepartmentAdministration(storage: try database.open()).tree(scope: nil)
            printTable([["id", "department", "people", "subtree_people"]]
                       + nodes.map { [String(describing: $0.department.id), $0.department.displayPath, String($0.direct), String($0.total)] })
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a department.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The department: its id or its path.") var department: String
        @Argument(help: "The new name.") var name: String

        func run() throws {
            let service = DepartmentAdministration(storage: try database.openExisting())
            let found = try resolveDepartment(department, service)
            let renamed = try departmentChange { () throws(DepartmentChangeFailure) in
                try service.rename(found, to: name, scope: nil, by: .commandLine)
            }
            print("renamed \(found.displayPath) to \(renamed.displayPath)")
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a department, with everything below it, under another.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The department: its id or its path.") var department: String
        @Argument(help: "The new parent: its id or its path.") var parent: String

        func run() throws {
            let service = DepartmentAdministration(storage: try database.openExisting())
            let found = try resolveDepartment(department, service)
            let target = try resolveDepartment(parent, service)
            let moved = try departmentChange { () throws(DepartmentChangeFailure) in
                try service.move(found, under: target, scope: nil, by: .commandLine)
            }
            print("moved \(found.displayPath) to \(moved.displayPath)")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a department and the departments below it, when nobody belongs to them.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The department: its id or its path.") var department: String

        func run() throws {
            let service = DepartmentAdministration(storage: try database.openExisting())
            let found = try resolveDepartment(department, service)
            try departmentChange { () throws(DepartmentChangeFailure) in
                try service.delete(found, scope: nil, by: .commandLine)
            }
            print("deleted \(found.displayPath)")
        }
    }
}

/// A department named by its id or its path.
private func resolveDepartment(_ text: String, _ service: DepartmentAdministration) throws -> Department {
    if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(text),
       let department = try service.find(id: DepartmentID(rawValue: id)) {
        return department
    }
    guard let department = try service.find(path: Department.names(inPath: text)) else {
        throw CommandFailure("no department \(text)")
    }
    return department
}

/// Runs a change to the tree, turning a refusal into a message.
@discardableResult
private func departmentChange<T>(_ body: () throws(DepartmentChangeFailure) -> T) throws -> T {
    do {
        return try body()
    } catch {
        let message = switch error {
        case .notFound: "no such department"
        case .invalidName: "a department name is 1-200 characters without \"/\" or control characters"
        case .nameTaken: "a department beside it already has that name"
        case .intoOwnSubtree: "a department cannot move under itself or a department below it"
        case .alreadyThere: "the department is already there"
        case .scopeRoot: "the top of an administrator's scope cannot move"
        case .notEmpty(let people): "\(people) account\(people == 1 ? "" : "s") (disabled ones included) belong to it or to departments below it; move them first"
        case .rolesGranted(let grants): "\(grants) role\(grants == 1 ? " is" : "s are") granted on it or on departments below it; withdraw them first"
        case .storage(let reason): reason
        }
        throw CommandFailure(message + "; nothing was changed")
    }
}

struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage API tokens.",
                                                    subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token (printed once).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The account the token acts for.") var login: String
        @Option(help: "A name to recognise the token by.") var name = "api"
        @Option(help: "Days until the token expires (1 to 3650).") var expiresDays = APIToken.defaultLifetimeDays

        func validate() throws {
            guard (1...3650).contains(expiresDays) else { throw ValidationError("--expires-days must be between 1 and 3650") }
            guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ValidationError("--name must be 1 to 100 characters without control characters")
            }
        }

        func run() throws {
            let storage = try database.openExisting()
            guard let user = try storage.users.find(login: login) else {
                throw CommandFailure("no account \(login)")
            }
            guard !user.disabled else { throw CommandFailure("\(user.login) is disabled; enable it first") }
            let created = try APITokenService(tokens: storage.apiTokens, clock: now)
                .create(for: user, name: name, days: expiresDays, by: .commandLine)
            print("API token \(created.id) for \(user.login), expires \(tokenTimestamp(created.expiresAt)) (shown once; keep it secret):")
            print(created.secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's API tokens (never their secrets).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The account.") var login: String

        func run() throws {
            let storage = try database.openExisting()
            guard let user = try storage.users.find(login: login) else {
                throw CommandFailure("no account \(login)")
            }
            let moment = now()
            var rows = [["id", "name", "created", "last used", "expires", "state"]]
            for token in try APITokenService(tokens: storage.apiTokens, clock: now).list(user) {
                let state = token.revokedAt.map { "revoked \(tokenTimestamp($0))" } ?? (token.isLive(at: moment) ? "active" : "expired")
                rows.append([String(token.id), token.name, tokenTimestamp(token.createdAt),
                             token.lastUsedAt.map(tokenTimestamp) ?? "never", tokenTimestamp(token.expiresAt), state])
            }
            printTable(rows)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token for good.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token's id (from tokens list).") var id: Int64

        func run() throws {
            let tokens = APITokenService(tokens: try database.openExisting().apiTokens, clock: now)
            guard let token = try tokens.find(id) else { throw CommandFailure("no API token \(id)") }
            guard try tokens.revoke(token, by: .commandLine) else { throw CommandFailure("API token \(id) was already revoked") }
            print("revoked API token \(id) (\(token.name))")
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the live database with SQLite's online backup (PostgreSQL: pg_dump), then check the copy.",
        discussion: "Given a folder (such as the server's --backup-dir), writes <database name>-<UTC time>.sqlite into it (with --database, a pg_dump archive <name>-<UTC time>.dump, checked by listing it with pg_restore; for point-in-time recovery use base backups with WAL archiving: docs/operations.md). Prints the copy's integrity check (\"ok\") and records database.backup in the audit log.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Where to write the copy (must not exist), or a folder to write a new, timestamped copy into.") var path: String

    func run() throws {
        let storage = try database.openExisting()
        var isDirectory: ObjCBool = false
        let outcome: DatabaseBackups.Outcome
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            outcome = try storage.backUp(into: DatabaseBackups(folder: path, databasePath: database.db), by: .commandLine,
                                    now: now())
            printError("backup written to \(outcome.file.path)")
        } else {
            outcome = try storage.backUp(to: path, by: .commandLine, now: now())
        }
        print(outcome.integrity)
        if !outcome.isSound { throw ExitCode(1) }
    }
}

/// A moment as "2026-12-06 14:05 UTC".
func tokenTimestamp(_ seconds: Double) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
}

/// The accounts service on a database, acting for the operator.
func administration(_ storage: any StorageEngine) -> PeopleAdministration {
    PeopleAdministration(storage: storage, users: storage.users, audit: storage.audit, throttle: LoginThrottle.Policy(),
                         clock: now)
}

/// Wall-clock seconds since 1970.
@Sendable func now() -> Double { Date().timeIntervalSince1970 }
