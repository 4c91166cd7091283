import Foundation
import Synchronization

/// Request counters and a latency histogram, rendered in Prometheus' text format at `/metrics`.
public final class Metrics: Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Series: Hashable { var method: String; var route: String; var status: Int }
    private struct Histogram { var counts = [Int](repeating: 0, count: Metrics.buckets.count); var sum = 0.0; var total = 0 }
    private struct State { var requests: [Series: Int] = [:]; var latency: [String: Histogram] = [:] }

    private let state = Mutex(State())

    public init() {}

    /// Records one answered request.
    public func record(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[Series(method: method, route: route, status: status), default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            for (index, bound) in Metrics.buckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.total += 1
            state.latency[route] = histogram
        }
    }

    /// The exposition text; `databaseWaitSeconds` is the store's cumulative connection wait.
    public func render(databaseWaitSeconds: Double) -> String {
        let snapshot = state.withLock { $0 }
        var lines = ["# HELP http_requests_total Requests answered, by method, route and status.",
                     "# TYPE http_requests_total counter"]
        for (series, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            lines.append("http_requests_total{method=\"\(series.method)\",route=\"\(escape(series.route))\",status=\"\(series.status)\"} \(count)")
        }
        lines.append("# HELP http_request_duration_seconds Time to answer a request, by route.")
        lines.append("# TYPE http_request_duration_seconds histogram")
        for (route, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Metrics.buckets.enumerated() {
                lines.append("http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"\(bound)\"} \(histogram.counts[index])")
            }
            lines.append("http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"+Inf\"} \(histogram.total)")
            lines.append("http_request_duration_seconds_sum{route=\"\(escape(route))\"} \(histogram.sum)")
            lines.append("http_request_duration_seconds_count{route=\"\(escape(route))\"} \(histogram.total)")
        }
        lines.append("# HELP database_wait_seconds_total Time spent waiting for a database connection.")
        lines.append("# TYPE database_wait_seconds_total counter")
        lines.append("database_wait_seconds_total \(databaseWaitSeconds)")
        return lines.joined(separator: "\n") + "\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
