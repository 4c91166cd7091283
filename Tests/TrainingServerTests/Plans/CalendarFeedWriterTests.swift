import Foundation
import Testing
@testable import TrainingServer

/// The iCalendar text: CRLF lines of at most 75 octets, folded without splitting a UTF-8 character, TEXT escaped.
@Suite struct CalendarFeedWriterTests {
    private func lines(_ text: String) -> [String] {
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(!lines.contains { $0.contains("\n") || $0.contains("\r") }, "only CRLF ends lines")
        return Array(lines)
    }

    /// RFC 5545 §3.1 unfolding: a CRLF followed by one space is removed.
    private func unfolded(_ text: String) -> [String] {
        lines(text.replacingOccurrences(of: "\r\n ", with: ""))
    }

    @Test func longChineseLinesFoldAt75OctetsWithoutSplittingACharacter() {
        for prefix in ["", "a", "ab"] {
            let value = prefix + String(repeating: "信息安全年度复训，", count: 20) + "😀end"
            let folded = CalendarDocument.fold("SUMMARY:" + value)
            let parts = lines(folded)
            #expect(parts.count > 3)
            for (index, part) in parts.enumerated() {
                #expect(part.utf8.count <= 75, "line \(index) has \(part.utf8.count) octets")
                #expect(index == 0 || part.hasPrefix(" "))
            }
            #expect(parts.first.map { 72...75 ~= $0.utf8.count } == true, "the first line is filled")
            #expect(unfolded(folded) == ["SUMMARY:" + value])
            // Cut the bytes at every CRLF: each piece is valid UTF-8 on its own, so no character was split.
            var piece: [UInt8] = []
            let bytes = Array(folded.utf8)
            var index = 0
            while index < bytes.count {
                if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                    #expect(String(validating: piece, as: UTF8.self) != nil)
                    piece = []
                    index += 2
                } else {
                    piece.append(bytes[index])
                    index += 1
                }
            }
        }
        #expect(CalendarDocument.fold("VERSION:2.0") == "VERSION:2.0\r\n")
        let exactly75 = String(repeating: "x", count: 75)
        #expect(CalendarDocument.fold(exactly75) == exactly75 + "\r\n")
        #expect(CalendarDocument.fold(exactly75 + "中") == exactly75 + "\r\n 中\r\n")
    }

    @Test func textValuesAreEscaped() {
        #expect(CalendarDocument.escape("a,b;c\\d\ne\r\nf\tg\u{07}h") == "a\\,b\\;c\\\\d\\ne\\nf\tgh")
        #expect(CalendarDocument.escape("第1条；第2条，共3条") == "第1条；第2条，共3条", "full-width punctuation is plain text")
    }

    @Test func aCalendarHasTheRequiredPropertiesAndOneAllDayEventPerItem() throws {
        let day = try #require(ISODay("2027-12-31"))
        let document = CalendarDocument(
            productID: "-//Civil Service Academy//Training calendar//ZH", name: "培训日历 · 李明", timeZone: "Asia/Shanghai",
            refreshSeconds: 3600,
            events: [CalendarDocument.Event(uid: "assignment-1-user-2@example.org", stamp: 1_800_000_000, day: day,
                                            summary: "【逾期】信息安全, 复训; 截止", description: "第一行\n第二行",
                                            url: "https://example.org/courses/info-security")])
        let text = unfolded(document.text)
        #expect(text == [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Civil Service Academy//Training calendar//ZH",
            "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:培训日历 · 李明", "X-WR-TIMEZONE:Asia/Shanghai",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H",
            "BEGIN:VEVENT", "UID:assignment-1-user-2@example.org", "DTSTAMP:20270115T080000Z",
            "DTSTART;VALUE=DATE:20271231", "DTEND;VALUE=DATE:20280101", "SUMMARY:【逾期】信息安全\\, 复训\\; 截止",
            "DESCRIPTION:第一行\\n第二行", "URL:https://example.org/courses/info-security", "TRANSP:TRANSPARENT",
            "END:VEVENT", "END:VCALENDAR",
        ])
    }
}
