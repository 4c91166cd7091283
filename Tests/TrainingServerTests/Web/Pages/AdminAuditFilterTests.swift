import Foundation
import Testing
@testable import TrainingServer

@Suite struct AdminAuditFilterTests {
    private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    private func parse(_ pairs: [(String, String)]) -> (AdminAuditFilter, AuditQuery, [AdminAuditFilter.Problem]) {
        AdminAuditFilter.parse(Parameters(pairs.map { (name: $0.0, value: $0.1) }), timeZone: shanghai)
    }

    @Test func daysAreTakenInTheViewersZoneWithTheEndDayIncluded() {
        let (_, query, problems) = parse([("from", "2026-12-06"), ("to", "2026-12-06")])
        #expect(problems.isEmpty)
        // 2026-12-06 00:00 in Shanghai is 2026-12-05 16:00 UTC; the range ends at the next midnight there.
        #expect(query.from == 1_796_486_400 && query.until == 1_796_486_400 + 86_400)
        let utc = AdminAuditFilter.parse(Parameters([(name: "from", value: "2026-12-06")]), timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.1.from == 1_796_515_200)
    }

    @Test func badInputIsNamedFieldByField() {
        let (_, query, problems) = parse([("from", "2026-02-30"), ("to", "tomorrow"), ("action", "user.disable'--"),
                                          ("actor", String(repeating: "a", count: 101)), ("target", "a\u{7}b")])
        #expect(problems.map(\.field).sorted() == ["action", "actor", "from", "target", "to"])
        #expect(query.action == nil)
        let reversed = parse([("from", "2026-12-06"), ("to", "2026-12-01")]).2
        #expect(reversed == [AdminAuditFilter.Problem(field: "to", key: "admin.audit.error.range")])
    }

    @Test func filtersRoundTripThroughTheQueryString() throws {
        let (filter, query, problems) = parse([("actor", " 陈 静 "), ("action", "user.disable"), ("target", "a&b=c"),
                                               ("page", "3"), ("from", "")])
        #expect(problems.isEmpty && filter.page == 3)
        #expect(query.actor == "陈 静" && query.action == "user.disable" && query.target == "a&b=c" && query.from == nil)
        let again = AdminAuditFilter.parse(try Parameters.parseURLEncoded(filter.queryString(page: 2).dropFirst()),
                                           timeZone: shanghai)
        #expect(again.0.actor == "陈 静" && again.0.target == "a&b=c" && again.0.page == 2)
        #expect(filter.queryString(page: 1) == "?actor=%E9%99%88%20%E9%9D%99&action=user.disable&target=a%26b%3Dc")
        #expect(AdminAuditFilter().queryString() == "")
        #expect(filter.details == ["actor": "陈 静", "action": "user.disable", "target": "a&b=c"])
    }
}
