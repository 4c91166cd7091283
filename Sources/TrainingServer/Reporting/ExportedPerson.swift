import Foundation

/// One person's line as exports and the API write it: department as its path, dates as ISO days, the
/// certificate's verification link. Every key is always present (`null` when empty), so the shape never varies.
public struct ExportedPerson: Sendable, Hashable, Encodable {
    public var userId: Int64
    public var employeeNumber: String?
    public var login: String
    public var name: String
    public var departmentId: Int64
    public var department: String
    public var program: String
    public var state: String
    public var certifiedAt: String?
    public var expiresAt: String?
    public var certificateId: String?
    public var verificationUrl: String?
    public var hoursThisYear: Double
    /// The person's own yearly requirement (the global one when no rule reaches them).
    public var requiredHours: Double

    /// The column names of CSV and table exports, in order.
    public static let columns = ["employee_number", "login", "name", "department", "program", "state", "certified_at",
                                 "expires_at", "certificate_id", "verification_url", "hours_this_year", "required_hours",
                                 "user_id"]

    /// The values in `columns` order, as text.
    public var fields: [String] {
        [employeeNumber ?? "", login, name, department, program, state, certifiedAt ?? "", expiresAt ?? "",
         certificateId ?? "", verificationUrl ?? "", Self.number(hoursThisYear), Self.number(requiredHours),
         String(userId)]
    }

    /// Hours with at most two decimals and no trailing zeros, independent of any locale.
    public static func number(_ value: Double) -> String {
        let hundredths = (value * 100).rounded()
        guard hundredths.isFinite, abs(hundredths) < 1e17 else { return String(value) }
        let cents = Int64(hundredths)
        let whole = String(cents.magnitude / 100)
        let sign = cents < 0 ? "-" : ""
        switch cents.magnitude % 100 {
        case 0: return sign + whole
        case let fraction where fraction % 10 == 0: return sign + whole + "." + String(fraction / 10)
        case let fraction where fraction < 10: return sign + whole + ".0" + String(fraction)
        case let fraction: return sign + whole + "." + String(fraction)
        }
    }

    private enum Key: String, CodingKey {
        case userId, employeeNumber, login, name, departmentId, department, program, state, certifiedAt, expiresAt,
             certificateId, verificationUrl, hoursThisYear, requiredHours
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(userId, forKey: .userId)
        try container.encode(employeeNumber, forKey: .employeeNumber)
        try container.encode(login, forKey: .login)
        try container.encode(name, forKey: .name)
        try container.encode(departmentId, forKey: .departmentId)
        try container.encode(department, forKey: .department)
        try container.encode(program, forKey: .program)
        try container.encode(state, forKey: .state)
        try container.encode(certifiedAt, forKey: .certifiedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(certificateId, forKey: .certificateId)
        try container.encode(verificationUrl, forKey: .verificationUrl)
        try container.encode((hoursThisYear * 100).rounded() / 100, forKey: .hoursThisYear)
        try container.encode(requiredHours, forKey: .requiredHours)
    }
}

/// Turns `PersonLine`s into `ExportedPerson`s: department paths, ISO days in the server's time zone, links.
public struct PersonLineResolver: Sendable {
    public var departments: [DepartmentID: Department]
    public var programID: String
    /// Put before `/verify/<id>`: the site's origin (`https://host`), or "" for a path only.
    public var verificationBase: String
    /// The yearly requirement of people no rule reaches.
    public var requiredHours: Double
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(departments: [DepartmentID: Department], programID: String, verificationBase: String,
                requiredHours: Double = 0, timeZone: TimeZone) {
        self.departments = departments
        self.requiredHours = requiredHours
        self.programID = programID
        self.verificationBase = verificationBase
        self.timeZone = timeZone
        self.calendar = ISODay.calendar(timeZone)
    }

    public func exported(_ line: PersonLine) -> ExportedPerson {
        ExportedPerson(userId: line.userID, employeeNumber: line.employeeNumber, login: line.login, name: line.name,
                       departmentId: line.departmentID,
                       department: departments[DepartmentID(rawValue: line.departmentID)]?.displayPath ?? "",
                       program: programID, state: line.state.rawValue,
                       certifiedAt: line.certifiedAt.map(day), expiresAt: line.expiresAt.map(day),
                       certificateId: line.certificateID,
                       verificationUrl: line.certificateID.map { verificationLink($0) }, hoursThisYear: line.hours,
                       requiredHours: line.requiredHours ?? requiredHours)
    }

    /// The day `seconds` falls on, `YYYY-MM-DD`.
    public func day(_ seconds: Double) -> String {
        ISODay(seconds: seconds, calendar: calendar).description
    }

    /// The public verification page of a certificate.
    public func verificationLink(_ certificateID: String) -> String {
        verificationBase + "/verify/" + PercentDecoding.encode(certificateID)
    }
}
