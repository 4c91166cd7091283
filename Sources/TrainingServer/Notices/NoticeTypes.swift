import Foundation

/// What a notice is about. The raw value is stored, and names the notice's words (`notices.kind.<raw>.*`).
public enum NoticeKind: String, Sendable, Hashable, CaseIterable, Codable {
    case assignmentAssigned = "assignment.assigned"
    case assignmentDueSoon = "assignment.due_soon"
    case assignmentOverdue = "assignment.overdue"
    case extensionApproved = "extension.approved"
    case extensionRefused = "extension.refused"
    case certificateExpiring = "certificate.expiring"
    case certificateRevoked = "certificate.revoked"
    case announcement

    /// Notices mailed even to people who turned reminder mail off: a revoked certificate changes what the person
    /// may do at work, and an extension decision answers the person's own request and may move their deadline.
    public var mustBeDelivered: Bool {
        switch self {
        case .certificateRevoked, .extensionApproved, .extensionRefused: true
        default: false
        }
    }

    /// Whether the notice is mailed at all. Announcements are read in the platform (on the dashboard and in the
    /// notice centre): one to a whole organisation would otherwise be a mail to everyone at once.
    public var isMailed: Bool { self != .announcement }
}

/// A notice to post: to whom, what, with what words, where it leads, and the key that makes it unique for the
/// person (a second post with the same key does nothing).
public struct NewNotice: Sendable, Hashable {
    public var userID: UserID
    public var kind: NoticeKind
    /// Fills the kind's sentence. A value under `name_zh` / `name_en` is used for `{name}` in that language.
    public var parameters: [String: String]
    /// A local path (`/due/4`), if the notice leads anywhere.
    public var link: String?
    public var dedupeKey: String
    public var announcementID: Int64?

    public init(userID: UserID, kind: NoticeKind, parameters: [String: String] = [:], link: String? = nil,
                dedupeKey: String, announcementID: Int64? = nil) {
        self.userID = userID
        self.kind = kind
        self.parameters = parameters
        self.link = link
        self.dedupeKey = dedupeKey
        self.announcementID = announcementID
    }
}

/// A notice as stored.
public struct Notice: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var userID: UserID
    public var kind: NoticeKind
    public var parameters: [String: String]
    public var link: String?
    public var dedupeKey: String
    public var announcementID: Int64?
    public var createdAt: Double
    public var readAt: Double?

    public var isRead: Bool { readAt != nil }
}

/// An announcement (通知公告) to a department and everything below it.
public struct Announcement: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var departmentID: DepartmentID
    public var title: String
    /// Plain text; a blank line separates paragraphs.
    public var body: String
    /// The last day it is shown on the dashboard, in the platform's time zone.
    public var endsOn: ISODay?
    public var createdBy: UserID?
    public var createdAt: Double
    public var withdrawnAt: Double?

    /// How many people it reached, and how many of them have read it (filled by lists for planners).
    public var recipients: Int = 0
    public var readers: Int = 0

    /// The body's paragraphs: the text between blank lines, trimmed.
    public var paragraphs: [String] {
        body.replacingOccurrences(of: "\r\n", with: "\n")
            .components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// Whether it is still shown to those who have not read it on `today`.
    public func isShown(on today: ISODay) -> Bool {
        withdrawnAt == nil && (endsOn.map { today <= $0 } ?? true)
    }
}

/// Parameters as stored: a JSON object of strings, keys sorted.
public enum NoticeParameters {
    public static func encode(_ parameters: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(parameters)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static func decode(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
