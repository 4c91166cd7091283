import ArgumentParser
import Foundation
import SQLiteStorage
import TrainingServer

struct ImportStaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-staff",
        abstract: "Create, update and disable accounts from an HR system's staff CSV or Excel workbook (see docs/staff-import.md).",
        discussion: """
            CSV may be UTF-8, UTF-16 with a byte-order mark, or GB18030/GBK (detected); a .xlsx workbook's first sheet \
            is read. Every row is checked first; a file with any bad row changes nothing. The whole import is one transaction.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The CSV file or .xlsx workbook (header row first).") var file: String
    @Option(help: ArgumentHelp("The CSV file's encoding, when detection gets it wrong.",
                               valueName: "encoding"))
    var encoding: EncodingArgument?
    @Flag(help: "Show what would change without changing anything.") var dryRun = false
    @Option(help: "Give new accounts random passwords and write them to this CSV file (mode 0600).")
    var initialPasswords: String?

    func run() throws {
        try requireReadableFile(file)
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let staffFile = StaffImport.File.detect(Array(data), encoding: encoding?.encoding)
        if case .workbook = staffFile, encoding != nil {
            throw CommandFailure("\(file) is an Excel workbook; --encoding applies to CSV files only")
        }
        let storage = try database.open()
        let staff = storage.staff
        let (people, departments) = try staff.snapshot()
        switch StaffImport.plan(file: staffFile, existing: people, departments: departments) {
        case .problems(let problems):
            for problem in problems {
                print(problem.line == 0 ? "\(file): error: \(problem.message)" : "\(file):\(problem.line): error: \(problem.message)")
            }
            print("\(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was changed")
            throw ExitCode(1)
        case .plan(let plan):
            for warning in plan.warnings { print("\(file):\(warning.line): warning: \(warning.message)") }
            for path in plan.newDepartments { print("create department \(path.joined(separator: "/"))") }
            for change in plan.changes {
                switch change {
                case .create(let person):
                    print("create \(person.employeeNumber) \(person.login ?? "") \(person.name) in \(person.department.joined(separator: "/"))")
                case .update(_, let person, let fields):
                    print("update \(person.employeeNumber) \(person.name): \(fields.joined(separator: ", "))")
                case .disable(_, let person):
                    print("disable \(person.employeeNumber) \(person.name) (left)")
                }
            }
            print("\(plan.created) to create, \(plan.updated) to update, \(plan.disabled) to disable, "
                  + "\(plan.unchanged) unchanged, \(plan.newDepartments.count) new departments"
                  + (plan.warnings.isEmpty ? "" : ", \(plan.warnings.count) warning\(plan.warnings.count == 1 ? "" : "s")"))
            if dryRun {
                print("dry run: nothing was changed")
                return
            }
            var hashes: [String: String] = [:]
            var passwordLines = ["employee_number,login,password"]
            if initialPasswords != nil {
                let hasher = PasswordHasher()
                for case .create(let person) in plan.changes {
                    let password = TrainingServer.Tokens.random(bytes: 12)
                    hashes[person.employeeNumber] = try hasher.hash(password)
                    passwordLines.append("\(person.employeeNumber),\(person.login ?? ""),\(password)")
                }
            }
            // Kept in the history of imports (the admin page lists it) with the file's name and digest.
            let source = StaffImportSource(fileName: URL(fileURLWithPath: file).lastPathComponent,
                                           sha256: StaffImportUpload.digest(Array(data)), scope: [])
            try staff.apply(plan, passwordHashes: hashes, source: source, by: .commandLine)
            if let initialPasswords {
                guard FileManager.default.createFile(atPath: initialPasswords,
                                                     contents: Data((passwordLines.joined(separator: "\n") + "\n").utf8),
                                                     attributes: [.posixPermissions: 0o600]) else {
                    throw CommandFailure("the import is stored, but \(initialPasswords) could not be written")
                }
                print("initial passwords written to \(initialPasswords)")
            }
            print("imported")
        }
    }
}

/// `--encoding`'s values (ArgumentParser lists them in the help and in the error for any other value).
enum EncodingArgument: String, ExpressibleByArgument, CaseIterable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case gb18030

    var encoding: TextEncoding {
        switch self {
        case .utf8: .utf8
        case .utf16: .utf16
        case .gb18030: .gb18030
        }
    }
}
