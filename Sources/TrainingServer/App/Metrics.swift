import Foundation
import Synchronization

/// Request counters and a latency histogram, rendered in Prometheus' text format at `/metrics`.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds. Inline, so that finding a request's bucket touches no
    /// reference count shared by every thread.
    static let buckets: InlineArray<12, Double> = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    /// The first bucket `seconds` falls in, nil above the last.
    static func bucket(of seconds: Double) -> Int? {
        for index in buckets.indices where seconds <= buckets[index] { return index }
        return nil
    }

    private struct Series: Hashable { var method: String; var route: String; var status: Int }
    /// Cumulative bucket counts (each request counts in its bucket and every larger one), a sum and a total.
    private struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.buckets.count)
        var sum = 0.0
        var total = 0

        mutating func record(_ seconds: Double, firstBucket: Int?) {
            if let firstBucket { for index in firstBucket..<counts.count { counts[index] += 1 } }
            sum += seconds
            total += 1
        }

        mutating func merge(_ other: Histogram) {
            for index in counts.indices { counts[index] += other.counts[index] }
            sum += other.sum
            total += other.total
        }
    }
    /// One route's counts by method and status (a handful, searched in order) and its latency.
    private struct RouteStats {
        var requests: [(method: String, status: Int, count: Int)] = []
        var latency = Histogram()

        mutating func record(method: String, status: Int, seconds: Double, bucket: Int?) {
            if let index = requests.firstIndex(where: { $0.status == status && $0.method == method }) {
                requests[index].count += 1
            } else {
                requests.append((method: method, status: status, count: 1))
            }
            latency.record(seconds, firstBucket: bucket)
        }
    }
    /// Keyed by route, so recording a request hashes one string.
    private struct State { var routes: [String: RouteStats] = [:] }

    /// One lock per shard; each thread records into the shard its id picks, so server threads rarely meet.
    private struct Shard: ~Copyable, Sendable {
        let state = Mutex(State())
        private let padding = CacheLinePadding()
    }

    /// Inline in this object, so that reaching a shard touches no reference count.
    private let shards = InlineArray<16, Shard> { _ in Shard() }

    /// The mail sender's counters (see `MailService`).
    public let mail = MailCounters()

    public init() {}

    /// Records one answered request.
    public func record(method: String, route: String, status: Int, seconds: Double) {
        let bucket = Metrics.bucket(of: seconds)
        shards[ThreadShard.current(of: shards.count)].state.withLock { state in
            state.routes[route, default: RouteStats()].record(method: method, status: status, seconds: seconds, bucket: bucket)
        }
    }

    /// The exposition text; `databaseWaitSeconds` is the store's cumulative connection wait.
    public func render(databaseWaitSeconds: Double) -> String {
        var requests: [Series: Int] = [:]
        var latency: [String: Histogram] = [:]
        for shard in shards.indices {
            let part = shards[shard].state.withLock { $0 }
            for (route, stats) in part.routes {
                for entry in stats.requests {
                    requests[Series(method: entry.method, route: route, status: entry.status), default: 0] += entry.count
                }
                latency[route, default: Histogram()].merge(stats.latency)
            }
        }
        var lines = ["# HELP http_requests_total Requests answered, by method, route and status.",
                     "# TYPE http_requests_total counter"]
        for (series, count) in requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            lines.append("http_requests_total{method=\"\(escape(series.method))\",route=\"\(escape(series.route))\",status=\"\(series.status)\"} \(count)")
        }
        lines.append("# HELP http_request_duration_seconds Time to answer a request, by route.")
        lines.append("# TYPE http_request_duration_seconds histogram")
        for (route, histogram) in latency.sorted(by: { $0.key < $1.key }) {
            for index in Metrics.buckets.indices {
                lines.append("http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"\(Metrics.buckets[index])\"} \(histogram.counts[index])")
            }
            lines.append("http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"+Inf\"} \(histogram.total)")
            lines.append("http_request_duration_seconds_sum{route=\"\(escape(route))\"} \(histogram.sum)")
            lines.append("http_request_duration_seconds_count{route=\"\(escape(route))\"} \(histogram.total)")
        }
        lines.append("# HELP database_wait_seconds_total Time spent waiting for a database connection.")
        lines.append("# TYPE database_wait_seconds_total counter")
        lines.append("database_wait_seconds_total \(databaseWaitSeconds)")
        return lines.joined(separator: "\n") + "\n" + mail.render()
    }

    /// A label value as the text format writes it: backslash, double quote and line feed escaped.
    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
