import Testing
@testable import TrainingServer

@Suite struct MetricsTests {
    @Test func countsBySeriesAndKeepsCumulativeBuckets() {
        let metrics = Metrics()
        metrics.record(method: "GET", route: "/a", status: 200, seconds: 0.0005)
        metrics.record(method: "GET", route: "/a", status: 200, seconds: 0.03)
        metrics.record(method: "POST", route: "/a", status: 303, seconds: 7)
        let text = metrics.render(databaseWaitSeconds: 1.5)
        #expect(text.contains(#"http_requests_total{method="GET",route="/a",status="200"} 2"#))
        #expect(text.contains(#"http_requests_total{method="POST",route="/a",status="303"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/a",le="0.001"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/a",le="0.025"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/a",le="0.05"} 2"#))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/a",le="5.0"} 2"#))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/a",le="+Inf"} 3"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/a"} 3"#))
        #expect(text.contains("database_wait_seconds_total 1.5\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func everySampleLineBelongsToADeclaredFamily() {
        let metrics = Metrics()
        metrics.record(method: "GET", route: "/b", status: 404, seconds: 0.2)
        let lines = metrics.render(databaseWaitSeconds: 0).split(separator: "\n")
        let declared = Set(lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        #expect(declared == ["http_requests_total", "http_request_duration_seconds", "database_wait_seconds_total",
                             "mail_sent_total", "mail_attempts_failed_total", "mail_given_up_total"])
        for line in lines where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            #expect(declared.contains { name == $0 || name.hasPrefix($0 + "_") }, "\(line)")
        }
    }

    @Test func labelValuesAreEscaped() {
        let metrics = Metrics()
        metrics.record(method: "GET", route: #"/a"b\c"#, status: 200, seconds: 0)
        #expect(metrics.render(databaseWaitSeconds: 0).contains(#"route="/a\"b\\c""#))
        metrics.record(method: "G\"ET", route: "/line\nbreak", status: 200, seconds: 0)
        let text = metrics.render(databaseWaitSeconds: 0)
        #expect(text.contains(#"method="G\"ET",route="/line\nbreak""#))
        #expect(!text.contains("/line\nbreak"), "a line feed in a label would end the sample's line")
    }

    @Test func anEmptyRegistryStillRendersItsFamilies() {
        let text = Metrics().render(databaseWaitSeconds: 0)
        #expect(text.contains("# TYPE http_requests_total counter"))
        #expect(text.contains("database_wait_seconds_total 0.0"))
    }
}
