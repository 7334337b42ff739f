public import PythonPackaging
import Foundation

/// What a replication run did: per distribution, synced (with the sync's summary), unchanged,
/// refused or failed; what was removed; and whether the distributions were switched (only
/// when every sync succeeded).
public struct ReplicationReport: Sendable {
    public var upstream: String
    public var listed = 0
    public var synced: [(name: String, report: SyncReport)] = []
    public var unchanged: [String] = []
    public var refused: [String: String] = [:]
    public var removed: [String] = []
    public var failures: [String: String] = [:]
    public var switched = false
    /// Requests to the upstream's API (the list) and to the indexes synced.
    public var requests = 0
    public var seconds = 0.0

    public init(upstream: String) { self.upstream = upstream }

    public var failed: Bool { !failures.isEmpty }

    public var json: JSONValue {
        let reasons = { (items: [String: String]) in
            JSONValue.array(items.sorted { $0.key < $1.key }.map { .object([("distribution", .string($0.key)), ("reason", .string($0.value))]) })
        }
        return .object([
            ("upstream", .string(upstream)), ("distributions_listed", .integer(Int64(listed))),
            (
                "synced",
                .array(
                    synced.map { entry in
                        guard case .object(let members) = entry.report.json else { return entry.report.json }
                        return .object([("distribution", .string(entry.name))] + members.filter { $0.0 != "upstream" })
                    })
            ),
            ("unchanged", .array(unchanged.map(JSONValue.string))), ("refused", reasons(refused)),
            ("removed", .array(removed.map(JSONValue.string))), ("switched", .bool(switched)),
            ("upstream_requests", .integer(Int64(requests))), ("seconds", .rendered(String(format: "%.3f", seconds))),
            ("failures", reasons(failures)),
        ])
    }

    public var summary: String {
        var text = "Replicated from \(upstream): \(listed) distribution(s) listed, \(synced.count) synced, \(unchanged.count) unchanged, "
            + "\(removed.count) removed, in \(requests) request(s)"
        text += switched ? "; the distributions now serve the new versions." : "; nothing was switched: every distribution serves what it served before."
        for (name, reason) in refused.sorted(by: { $0.key < $1.key }) { text += "\n  not replicated: \(name): \(reason)" }
        for (name, reason) in failures.sorted(by: { $0.key < $1.key }) { text += "\n  failed: \(name): \(reason)" }
        return text
    }
}
