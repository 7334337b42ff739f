public import PythonPackaging

/// Something a sync could not do, and why.
public struct SyncFailure: Error, Sendable, Hashable {
    /// The file, project or URL concerned.
    public var subject: String
    public var error: ReplicationError

    public init(subject: String, _ error: ReplicationError) {
        self.subject = subject
        self.error = error
    }
}

/// What a sync did, for the summary line and `--json`.
public struct SyncReport: Sendable {
    public var upstream: String
    public var upstreamRequests = 0
    public var projectsChecked = 0
    public var projectsChanged = 0
    public var filesAdded = 0
    public var filesRemoved = 0
    public var bytesDownloaded: Int64 = 0
    /// Sizes of on-demand files learned with a `HEAD` request, because the upstream's pages
    /// give none.
    public var sizesFromHead = 0
    public var upstreamSerial: Int64?
    public var repositoryVersion: Int?
    public var failures: [SyncFailure] = []
    public var seconds = 0.0
    /// Only counted what a sync would read (`--dry-run`).
    public var dryRun = false

    public init(upstream: String) { self.upstream = upstream }

    /// Whether any file failed verification or could not be fetched.
    public var failed: Bool { !failures.isEmpty }

    public var json: JSONValue {
        .object([
            ("upstream", .string(upstream)),
            ("upstream_requests", .integer(Int64(upstreamRequests))),
            ("projects_checked", .integer(Int64(projectsChecked))),
            ("projects_changed", .integer(Int64(projectsChanged))),
            ("files_added", .integer(Int64(filesAdded))),
            ("files_removed", .integer(Int64(filesRemoved))),
            ("bytes_downloaded", .integer(bytesDownloaded)),
            ("sizes_from_head", .integer(Int64(sizesFromHead))),
            ("upstream_serial", upstreamSerial.map(JSONValue.integer) ?? .null),
            ("repository_version", repositoryVersion.map { .integer(Int64($0)) } ?? .null),
            ("seconds", .rendered(format3(seconds))),
            ("dry_run", .bool(dryRun)),
            (
                "failures",
                .array(failures.map { .object([("subject", .string($0.subject)), ("code", .string($0.error.code)), ("reason", .string($0.error.message))]) })
            ),
        ])
    }

    public var summary: String {
        if dryRun {
            return "A sync from \(upstream) would read \(projectsChecked) project page(s); asking took \(upstreamRequests) request(s)."
        }
        var text = "Synced from \(upstream): \(projectsChecked) project(s) checked, \(projectsChanged) changed, \(filesAdded) file(s) added, \(filesRemoved) removed, \(bytesDownloaded) bytes downloaded in \(upstreamRequests) request(s)"
        if sizesFromHead > 0 { text += " (the sizes of \(sizesFromHead) file(s) came from HEAD requests: the upstream's pages give none)" }
        text += repositoryVersion.map { "; new repository version \($0)." } ?? "; no new version."
        for failure in failures { text += "\n  failed: \(failure.subject): \(failure.error.message)" }
        return text
    }

    private func format3(_ value: Double) -> String {
        let thousandths = Int64((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
