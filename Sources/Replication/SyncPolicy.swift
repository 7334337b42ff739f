/// When a sync fetches the files it mirrors (pulp_python's remote `policy`).
public enum SyncPolicy: String, Sendable, Hashable, CaseIterable {
    /// Download and verify every file during the sync.
    case immediate
    /// Record files (and their PEP 658 metadata) during the sync; fetch each file from
    /// upstream the first time a client asks for it, and keep it once verified.
    case onDemand = "on_demand"
    /// Like on demand, but each request fetches the file from upstream again and passes it on
    /// once verified, without keeping it.
    case streamed
}
