import Foundation

/// Writes people's lines as export rows straight into bytes: the same text as `ExportedPerson.fields` through
/// `PeopleExportFormat.csvField`, without building the intermediate strings. An export writes a million rows, so
/// what is the same for many rows is made once: each department's path, the programme, each day's date.
struct ExportRowWriter {
    let resolver: PersonLineResolver
    private var departmentFields: [Int64: [UInt8]] = [:]
    private var days: [Int64: [UInt8]] = [:]
    private let programField: [UInt8]
    private let linkPrefix: [UInt8]
    /// Whether a link can be written without quoting when the id needs no percent-encoding.
    private let plainLinks: Bool

    init(resolver: PersonLineResolver) {
        self.resolver = resolver
        programField = Array(PeopleExportFormat.csvField(resolver.programID).utf8)
        linkPrefix = Array((resolver.verificationBase + "/verify/").utf8)
        plainLinks = Self.isPlain(linkPrefix)
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
            bytes += line.state.rawValue.utf8
            bytes.append(UInt8(ascii: ","))
            if let seconds = line.certifiedAt { day(seconds, into: &bytes) }
            bytes.append(UInt8(ascii: ","))
            if let seconds = line.expiresAt { day(seconds, into: &bytes) }
            bytes.append(UInt8(ascii: ","))
            if let id = line.certificateID {
                Self.field(id, into: &bytes)
                bytes.append(UInt8(ascii: ","))
                if plainLinks && Self.isUnreserved(id) {
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

    /// `YYYY-MM-DD` of the day `seconds` falls on in the resolver's time zone. Every zone's offset is a whole
    /// number of quarter hours and changes only on a quarter hour, so all seconds of one quarter hour share a day.
    private mutating func day(_ seconds: Double, into bytes: inout [UInt8]) {
        guard seconds.isFinite, abs(seconds) < 1e15 else {
            bytes += resolver.day(seconds).utf8
            return
        }
        let quarter = Int64((seconds / 900).rounded(.down))
        if let text = days[quarter] {
            bytes += text
            return
        }
        let text = Array(resolver.day(seconds).utf8)
        if days.count >= 100_000 { days.removeAll(keepingCapacity: true) }
        days[quarter] = text
        bytes += text
    }

    /// Appends `text` as one CSV field: `PeopleExportFormat.csvField` without the intermediate strings when the
    /// text needs neither the apostrophe nor quotes.
    static func field(_ text: String, into bytes: inout [UInt8]) {
        let utf8 = text.utf8
        if let first = utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D {
            bytes += PeopleExportFormat.csvField(text).utf8
            return
        }
        for byte in utf8 where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
            bytes += PeopleExportFormat.csvField(text).utf8
            return
        }
        bytes += utf8
    }

    /// Whether percent-encoding leaves `text` as it is (letters, digits, `-._~`).
    static func isUnreserved(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"): true
            default: false
            }
        }
    }

    /// Whether `bytes` need no CSV quoting or apostrophe (so a link starting with them can be written as is).
    static func isPlain(_ bytes: [UInt8]) -> Bool {
        if let first = bytes.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]
            .contains(first) { return false }
        return !bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
    }
}
