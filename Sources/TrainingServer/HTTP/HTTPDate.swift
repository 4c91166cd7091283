import Foundation

/// HTTP dates (RFC 9110 §5.6.7): written as IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); read in that form and
/// the two obsolete ones recipients must still accept (RFC 850 and asctime).
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `seconds` since 1970 as an IMF-fixdate.
    static func format(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Seconds since 1970 of an HTTP date, or nil if `text` is not one (then a condition using it is ignored).
    static func parse(_ text: String) -> Int64? {
        // IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`,
        // asctime `Sun Nov  6 08:49:37 1994`: split on spaces (and the RFC 850 dashes), ignoring the weekday.
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var day: Int?, month: Int?, year: Int?, clock: String?
        if words.count == 6, words[0].hasSuffix(","), words[5] == "GMT" {
            (day, month, year, clock) = (Int(words[1]), months.firstIndex(of: words[2]), Int(words[3]), words[4])
            if words[1].count != 2 || words[3].count != 4 { return nil }
        } else if words.count == 4, words[0].hasSuffix(","), words[3] == "GMT" {
            let parts = words[1].split(separator: "-").map(String.init)
            guard parts.count == 3, parts[0].count == 2, parts[2].count == 2, let short = Int(parts[2]) else { return nil }
            // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
            (day, month, year, clock) = (Int(parts[0]), months.firstIndex(of: parts[1]), short < 70 ? 2000 + short : 1900 + short,
                                         words[2])
        } else if words.count == 5, days.contains(words[0]) {
            (day, month, year, clock) = (Int(words[2]), months.firstIndex(of: words[1]), Int(words[4]), words[3])
            if words[4].count != 4 { return nil }
        } else {
            return nil
        }
        let time = (clock ?? "").split(separator: ":", omittingEmptySubsequences: false)
        guard let day, let month, let year, (1...31).contains(day), (1900...9999).contains(year), time.count == 3,
              time.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Int64(timegm(&parts))
    }
}
