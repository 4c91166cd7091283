import Foundation

/// The one date form credentials use: RFC 3339 UTC with whole seconds (`2025-03-01T08:00:00Z`), so that a
/// `validFrom` string and its JWT `nbf` NumericDate name exactly the same instant.
package enum CredentialDate {
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    package static func string(_ date: Date) -> String {
        wholeSeconds(date).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    static func numeric(_ date: Date) -> Int64 {
        Int64(wholeSeconds(date).timeIntervalSince1970)
    }

    /// Reads an RFC 3339 date-time with a `Z` or numeric offset, with or without fractional seconds.
    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(text) {
            return date
        }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
