import Foundation

/// An iCalendar document (RFC 5545) of all-day events, as calendar clients subscribe to it: lines ending in CRLF,
/// folded at 75 octets without splitting a UTF-8 character, TEXT values escaped.
public struct CalendarDocument: Sendable, Hashable {
    /// One all-day event.
    public struct Event: Sendable, Hashable {
        /// Stable across fetches, so a client updates the event instead of adding a copy.
        public var uid: String
        /// When the event's information was made (`DTSTAMP`), seconds since 1970.
        public var stamp: Double
        /// The day, `YYYY-MM-DD`.
        public var day: ISODay
        public var summary: String
        public var description: String
        /// The page the event is about; nil for none.
        public var url: String?

        public init(uid: String, stamp: Double, day: ISODay, summary: String, description: String, url: String?) {
            self.uid = uid
            self.stamp = stamp
            self.day = day
            self.summary = summary
            self.description = description
            self.url = url
        }
    }

    /// `PRODID`: who made the calendar.
    public var productID: String
    /// `X-WR-CALNAME`: the name clients show for the subscription.
    public var name: String
    /// `X-WR-TIMEZONE`: the zone the days are in (all-day events need none; clients show it).
    public var timeZone: String?
    /// How often clients should fetch again (`REFRESH-INTERVAL`, RFC 7986, and `X-PUBLISHED-TTL`), in seconds.
    public var refreshSeconds: Int?
    public var events: [Event]

    public init(productID: String, name: String, timeZone: String?, refreshSeconds: Int?, events: [Event]) {
        self.productID = productID
        self.name = name
        self.timeZone = timeZone
        self.refreshSeconds = refreshSeconds
        self.events = events
    }

    /// The document's text.
    public var text: String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + Self.escape(productID), "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + Self.escape(name)]
        if let timeZone { lines.append("X-WR-TIMEZONE:" + Self.escape(timeZone)) }
        if let refreshSeconds {
            let duration = Self.duration(refreshSeconds)
            lines.append("REFRESH-INTERVAL;VALUE=DURATION:" + duration)
            lines.append("X-PUBLISHED-TTL:" + duration)
        }
        for event in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:" + Self.escape(event.uid))
            lines.append("DTSTAMP:" + Self.utcStamp(event.stamp))
            lines.append("DTSTART;VALUE=DATE:" + Self.date(event.day))
            lines.append("DTEND;VALUE=DATE:" + Self.date(event.day.following))
            lines.append("SUMMARY:" + Self.escape(event.summary))
            lines.append("DESCRIPTION:" + Self.escape(event.description))
            if let url = event.url { lines.append("URL:" + Self.uri(url)) }
            // A due day is a reminder, not an appointment: it does not make the person busy.
            lines.append("TRANSP:TRANSPARENT")
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined()
    }

    /// `text` escaped as an iCalendar TEXT value: backslash, semicolon and comma escaped, line breaks as `\n`,
    /// other control characters left out (the format does not allow them).
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\r": escaped += "\\n"
            case "\n": if !previousWasCR { escaped += "\\n" }
            case "\t": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A URI value: kept as it is, without control characters or spaces (which a URI cannot hold).
    static func uri(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }))
    }

    /// One content line folded as RFC 5545 §3.1 asks: no line longer than 75 octets before its CRLF, each
    /// continuation starting with one space, and never a break inside a UTF-8 character.
    public static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            if octets + width > limit {
                result += "\r\n "
                octets = 1
                limit = 75
            }
            result.unicodeScalars.append(scalar)
            octets += width
        }
        return result + "\r\n"
    }

    /// `20261206T220000Z`.
    static func utcStamp(_ seconds: Double) -> String {
        let calendar = ISODay.calendar(TimeZone(identifier: "UTC") ?? .current)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                            from: Date(timeIntervalSince1970: seconds.rounded(.down)))
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// `20270630`.
    static func date(_ day: ISODay) -> String {
        String(format: "%04d%02d%02d", day.year, day.month, day.day)
    }

    /// `PT1H`, `PT15M`, `P1D`.
    static func duration(_ seconds: Int) -> String {
        if seconds % 86_400 == 0 { return "P\(seconds / 86_400)D" }
        if seconds % 3600 == 0 { return "PT\(seconds / 3600)H" }
        if seconds % 60 == 0 { return "PT\(seconds / 60)M" }
        return "PT\(seconds)S"
    }
}

private extension ISODay {
    /// The following day (an all-day event's exclusive end).
    var following: ISODay {
        let utc = TimeZone(identifier: "UTC") ?? .current
        return ISODay(seconds: end(in: utc) + 1, timeZone: utc)
    }
}
