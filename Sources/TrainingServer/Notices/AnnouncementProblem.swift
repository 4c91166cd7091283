/// What is wrong with an announcement's form.
public enum AnnouncementProblem: String, Sendable, Hashable {
    case departmentMissing = "department_missing"
    case titleMissing = "title_missing"
    case titleTooLong = "title_too_long"
    case bodyMissing = "body_missing"
    case bodyTooLong = "body_too_long"
    case endsOnInvalid = "ends_on_invalid"
    case endsOnPast = "ends_on_past"
    case titleControl = "title_control"
    case bodyControl = "body_control"

    /// The form field the problem is about.
    public var field: String {
        switch self {
        case .departmentMissing: "department"
        case .titleMissing, .titleTooLong, .titleControl: "title"
        case .bodyMissing, .bodyTooLong, .bodyControl: "body"
        case .endsOnInvalid, .endsOnPast: "ends_on"
        }
    }

    /// The problems of a draft: a title of 1 to 200 characters on one line, a body of 1 to 10,000 characters (line
    /// breaks allowed, no other control characters), an end day that is a real date, today or later.
    public static func check(title: String, body: String, endsOn: String, today: ISODay) -> (problems: [AnnouncementProblem], endsOn: ISODay?) {
        var problems: [AnnouncementProblem] = []
        if title.isEmpty { problems.append(.titleMissing) } else if title.count > 200 { problems.append(.titleTooLong) }
        if body.isEmpty { problems.append(.bodyMissing) } else if body.count > 10_000 { problems.append(.bodyTooLong) }
        let control = { (text: String, allowBreaks: Bool) in
            text.unicodeScalars.contains { scalar in
                scalar.properties.generalCategory == .control && !(allowBreaks && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
            }
        }
        if control(title, false) { problems.append(.titleControl) }
        if control(body, true) { problems.append(.bodyControl) }
        var day: ISODay?
        if !endsOn.isEmpty {
            if let parsed = ISODay(endsOn) {
                if parsed < today { problems.append(.endsOnPast) } else { day = parsed }
            } else {
                problems.append(.endsOnInvalid)
            }
        }
        return (problems, day)
    }
}
