import Foundation

/// Whom or what each audit row is about: the storage engines resolve it when a row is written and keep it beside the
/// chain; here, what pages share with them.
package enum AuditSubjects {
    /// An audit row's details (a JSON object of strings); empty when they do not parse.
    package static func decode(_ details: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:]
    }
}
