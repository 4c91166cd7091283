import Foundation

/// Writes people's lines as export rows straight into bytes: the same text as `ExportedPerson.fields` through
/// `PeopleExportFormat.csvField`, without building the intermediate strings. An export writes a million rows, so
/// what is the same for many rows is made once: each department's path, the programme, each day's date.
struct ExportRowWriter {
    let resolver: PersonLineResolver
    private var departmentFields: [Int64: [UInt8]] = [:]
    private var offsets = ZoneOffsets()
    private let programField: [UInt8]
    private let linkPrefix: [UInt8]
    /// Whether a link can be written without quoting when the id needs no percent-encoding.
    private let plainLinks: Bool
    /// Each state's field: its code or its name in the reader's language.
    private let stateFields: [CertificationStateName: [UInt8]]

    init(resolver: PersonLineResolver, labels: ExportLabels = .codes) {
        self.resolver = resolver
        stateFields = Dictionary(uniqueKeysWithValues: CertificationStateName.allCases.map {
            ($0, Array(PeopleExportFormat.csvField(labels.state($0)).utf8))
        })
        programField = Array(PeopleExportFormat.csvField(resolver.programID).utf8)
        linkPrefix = Array((resolver.verificationBase + "/verify/").utf8)
        plainLinks = PeopleExportFormat.isPlainCSV(linkPrefix)
    }

    /// CSV rows (RFC 4180, CRLF) for `lines`, appended to `bytes`.
    mutating func csv(_ lines: [PersonLine], into bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + lines.count * 200)
        for line in lines {
            if let number = line.employeeNumber { Self.field(number, into: &bytes) }
            bytes.append(UInt8(ascii: ","))
            Self.field(line.login, into: &bytes)
            bytes.append(UInt8(ascii: ","))
            Self.field(line.name, into: &bytes)
            bytes.append(UInt8(ascii: ","))
            department(line.departmentID, into: &bytes)
            bytes.append(UInt8(ascii: ","))
            bytes += programField
            bytes.append(UInt8(ascii: ","))
            bytes += stateFields[line.state] ?? Array(line.state.rawValue.utf8)
            bytes.append(UInt8(ascii: ","))
            if let seconds = line.certifiedAt { day(seconds, into: &bytes) }
            bytes.append(UInt8(ascii: ","))
            if let seconds = line.expiresAt { day(seconds, into: &bytes) }
            bytes.append(UInt8(ascii: ","))
            if let id = line.certificateID {
                Self.field(id, into: &bytes)
                bytes.append(UInt8(ascii: ","))
                if plainLinks && id.utf8.allSatisfy(PercentDecoding.isUnreserved) {
                    bytes += linkPrefix
                    bytes += id.utf8
                } else {
                    Self.field(resolver.verificationLink(id), into: &bytes)
                }
            } else {
                bytes.append(UInt8(ascii: ","))
            }
            bytes.append(UInt8(ascii: ","))
            Self.field(ExportedPerson.number(line.hours), into: &bytes)
            bytes.append(UInt8(ascii: ","))
            Self.field(ExportedPerson.number(line.requiredHours ?? resolver.requiredHours), into: &bytes)
            bytes.append(UInt8(ascii: ","))
            bytes += String(line.userID).utf8
            bytes.append(0x0D)
            bytes.append(0x0A)
        }
    }

    private mutating func department(_ id: Int64, into bytes: inout [UInt8]) {
        if let field = departmentFields[id] {
            bytes += field
            return
        }
        let path = resolver.departments[DepartmentID(rawValue: id)]?.displayPath ?? ""
        let field = Array(PeopleExportFormat.csvField(path).utf8)
        departmentFields[id] = field
        bytes += field
    }

    /// `YYYY-MM-DD` of the day `seconds` falls on in the resolver's time zone: the zone's offset (looked up once
    /// per stretch between two of its transitions) added to the seconds, then the civil date by arithmetic.
    private mutating func day(_ seconds: Double, into bytes: inout [UInt8]) {
        guard seconds.isFinite, abs(seconds) < 1e12 else {
            bytes += resolver.day(seconds).utf8
            return
        }
        let local = Int64((seconds + Double(offsets.offset(at: seconds, in: resolver.timeZone))).rounded(.down))
        let (year, month, day) = Self.civil(days: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        guard (0...9999).contains(year) else {
            bytes += resolver.day(seconds).utf8
            return
        }
        func digit(_ value: Int64) -> UInt8 { UInt8(ascii: "0") + UInt8(value) }
        bytes.append(digit(year / 1000))
        bytes.append(digit(year / 100 % 10))
        bytes.append(digit(year / 10 % 10))
        bytes.append(digit(year % 10))
        bytes.append(UInt8(ascii: "-"))
        bytes.append(digit(month / 10))
        bytes.append(digit(month % 10))
        bytes.append(UInt8(ascii: "-"))
        bytes.append(digit(day / 10))
        bytes.append(digit(day % 10))
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Appends `text` as one CSV field: `PeopleExportFormat.csvField` without the intermediate strings when the
    /// text needs neither the apostrophe nor quotes.
    static func field(_ text: String, into bytes: inout [UInt8]) {
        if PeopleExportFormat.isPlainCSV(text.utf8) {
            bytes += text.utf8
        } else {
            bytes += PeopleExportFormat.csvField(text).utf8
        }
    }
}

/// A time zone's offsets from UTC as found so far: stretches of time that end at the zone's next transition, each
/// with one offset. A zone without transitions (most of the world today) needs one lookup for a whole export.
struct ZoneOffsets {
    private struct Stretch {
        var start: Double
        /// The next transition after `start`; nil when there is none.
        var end: Double?
        var offset: Int
    }

    private var stretches: [Stretch] = []

    mutating func offset(at seconds: Double, in zone: TimeZone) -> Int {
        for stretch in stretches where seconds >= stretch.start && seconds < (stretch.end ?? .infinity) {
            return stretch.offset
        }
        let date = Date(timeIntervalSince1970: seconds)
        let offset = zone.secondsFromGMT(for: date)
        let end = zone.nextDaylightSavingTimeTransition(after: date)?.timeIntervalSince1970
        // A stretch ending at the same transition with the same offset reaches back to here.
        if let index = stretches.firstIndex(where: { $0.end == end && $0.offset == offset && $0.start > seconds }) {
            stretches[index].start = seconds
        } else {
            if stretches.count >= 64 { stretches.removeFirst() }
            stretches.append(Stretch(start: seconds, end: end, offset: offset))
        }
        return offset
    }
}
