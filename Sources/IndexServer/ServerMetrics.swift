import Hummingbird
import Synchronization

/// Counters for `/metrics`, in Prometheus' text format: requests by route and status, bytes of
/// files served, and request durations as a histogram.
final class ServerMetrics: Sendable {
    /// A request's labels; formatted only when `/metrics` is read.
    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var durationBuckets = [Int](repeating: 0, count: ServerMetrics.bucketBounds.count)
        var durationCount = 0
        var durationSum = 0.0
        var bytes: Int64 = 0
        var uploads: [String: Int] = [:]
    }

    static let bucketBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = Mutex(State())

    func record(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            for (index, bound) in Self.bucketBounds.enumerated() where seconds <= bound { state.durationBuckets[index] += 1 }
            state.durationCount += 1
            state.durationSum += seconds
        }
    }

    func bytesServed(_ count: Int64) { state.withLock { $0.bytes += count } }

    func upload(outcome: String) { state.withLock { $0.uploads["outcome=\"\(outcome)\"", default: 0] += 1 } }

    func prometheusText() -> String {
        state.withLock { state in
            var lines = [
                "# HELP wheelhouse_http_requests_total HTTP requests answered, by route template, method and status.",
                "# TYPE wheelhouse_http_requests_total counter",
            ]
            let requests = state.requests.map { key, count in
                ("route=\"\(key.route)\",method=\"\(key.method)\",code=\"\(key.status)\"", count)
            }
            for (labels, count) in requests.sorted(by: { $0.0 < $1.0 }) {
                lines.append("wheelhouse_http_requests_total{\(labels)} \(count)")
            }
            lines += [
                "# HELP wheelhouse_http_request_duration_seconds Time to answer a request (up to the response head).",
                "# TYPE wheelhouse_http_request_duration_seconds histogram",
            ]
            for (index, bound) in Self.bucketBounds.enumerated() {
                lines.append("wheelhouse_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(state.durationBuckets[index])")
            }
            lines += [
                "wheelhouse_http_request_duration_seconds_bucket{le=\"+Inf\"} \(state.durationCount)",
                "wheelhouse_http_request_duration_seconds_sum \(state.durationSum)",
                "wheelhouse_http_request_duration_seconds_count \(state.durationCount)",
                "# HELP wheelhouse_file_bytes_served_total Bytes of distribution and metadata files sent.",
                "# TYPE wheelhouse_file_bytes_served_total counter",
                "wheelhouse_file_bytes_served_total \(state.bytes)",
                "# HELP wheelhouse_uploads_total Uploads through the legacy API, by outcome.",
                "# TYPE wheelhouse_uploads_total counter",
            ]
            for (labels, count) in state.uploads.sorted(by: { $0.key < $1.key }) { lines.append("wheelhouse_uploads_total{\(labels)} \(count)") }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

/// Times every request and counts it by route template and status.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            metrics.record(route: route, method: request.method.rawValue, status: response.status.code, seconds: Self.seconds(since: start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(route: route, method: request.method.rawValue, status: status, seconds: Self.seconds(since: start))
            if status >= 500 { context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"]) }
            throw error
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
