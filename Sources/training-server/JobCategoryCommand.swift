import ArgumentParser
import Foundation
import SQLiteStorage
import TrainingServer

extension Users {
    struct SetJobCategory: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-job-category",
            abstract: "Set or remove an account's job category (yearly requirements and training plans can target it).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name.") var login: String
        @Option(help: "The category, e.g. 窗口岗位 (1-60 characters); an empty one removes it.") var jobCategory: String

        func run() throws {
            let checked = StaffAttributes.check(jobCategory: jobCategory, email: "")
            if let problem = checked.problems.first { throw CommandFailure("--job-category: \(problem)") }
            let storage = try database.openExisting()
            guard let user = try storage.users.find(login: login) else {
                throw CommandFailure("no account \(login)")
            }
            let requirements = storage.yearlyRequirements
            if checked.jobCategory != user.jobCategory {
                try requirements.setJobCategory(checked.jobCategory, of: user.id, by: .commandLine)
            }
            let hours = try requirements.requiredHours(of: user.id)
            let requirement = hours.map { "yearly requirement \(ExportedPerson.number($0)) hours" }
                ?? "yearly requirement: the server's --yearly-hours"
            print((checked.jobCategory.map { "job category of \(user.login) set to \($0)" }
                   ?? "job category of \(user.login) removed") + "; " + requirement)
        }
    }
}
