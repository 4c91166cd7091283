import Foundation

/// A person's job category and e-mail address as the administration pages and the `users` commands set them:
/// checked together, then each stored only when it changes, audited like the other details (`user.job_category`,
/// `user.email`).
public struct StaffAttributes: Sendable {
    public let requirements: any YearlyRequirementRepository
    public let addresses: any MailAddressRepository

    public init(requirements: any YearlyRequirementRepository, addresses: any MailAddressRepository) {
        self.requirements = requirements
        self.addresses = addresses
    }

    public init(storage: any StorageEngine) {
        self.init(requirements: storage.yearlyRequirements, addresses: storage.mailAddresses)
    }

    /// The values as typed, checked: an empty text is "none".
    public struct Checked: Sendable, Equatable {
        public var jobCategory: String?
        public var email: String?
        public var problems: [AccountProblem]
    }

    /// Checks a job category (1–60 characters, no control characters) and an e-mail address (`MailAddress`).
    public static func check(jobCategory: String, email: String) -> Checked {
        var checked = Checked(jobCategory: nil, email: nil, problems: [])
        do {
            checked.jobCategory = try JobCategory.normalized(jobCategory)
        } catch .tooLong {
            checked.problems.append(AccountProblem(field: "job_category", reason: .jobCategoryTooLong))
        } catch {
            checked.problems.append(AccountProblem(field: "job_category", reason: .controlCharacter))
        }
        let address = email.trimmingCharacters(in: .whitespacesAndNewlines)
        if !address.isEmpty {
            if let valid = MailAddress.normalized(address) {
                checked.email = valid
            } else {
                checked.problems.append(AccountProblem(field: "email", reason: .emailInvalid))
            }
        }
        return checked
    }

    /// The person's current address.
    public func email(of person: User) throws -> String? { try addresses.email(of: person.id) }

    /// Stores what differs from the person's current values; true when something changed.
    @discardableResult
    public func apply(jobCategory: String?, email: String?, to person: User, by actor: AuditActor) throws -> Bool {
        var changed = false
        if jobCategory != person.jobCategory {
            try requirements.setJobCategory(jobCategory, of: person.id, by: actor)
            changed = true
        }
        if try addresses.email(of: person.id) != email {
            try addresses.setEmail(email, id: person.id, by: actor)
            changed = true
        }
        return changed
    }
}
