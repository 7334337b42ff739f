public import ContentStore
public import Logging
import PythonPackaging
import Synchronization

/// Fetches the file of on-demand content from its upstream the first time it is asked for,
/// verifies it against the recorded sha256 and size, and keeps it. Concurrent requests for
/// the same file share one upstream fetch. Credentials go only to hosts of indexes the data
/// directory was synced from.
public final class LazyFetcher: Sendable {
    private let store: ContentStore
    private let settings: ConnectionSettings
    private let logger: Logger
    /// Made on the first fetch: a server with no on-demand content never loads TLS or opens
    /// a connection pool.
    private let madeClient = Mutex<UpstreamClient?>(nil)
    private let inFlight = Mutex<[String: Task<Void, any Error>]>([:])

    public init(store: ContentStore, settings: ConnectionSettings = ConnectionSettings(), logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    private func client() async throws -> UpstreamClient {
        let client = try madeClient.withLock { made in
            if let made { return made }
            let client = try UpstreamClient(settings: settings, index: nil, logger: logger)
            made = client
            return client
        }
        if settings.authorization != nil {
            for url in try await store.syncedIndexURLs() { client.sendCredentials(to: url) }
        }
        return client
    }

    /// Returns once the package's bytes (or, with `metadata`, its PEP 658 metadata file) are
    /// in the store — or, for streamed content, in a verified temporary file whose path it
    /// returns, for the caller to send once and remove. Throws a `ReplicationError` naming the
    /// upstream when they cannot be fetched or do not match what was recorded.
    public func fetch(_ package: Package, metadata: Bool = false) async throws -> String? {
        guard let url = package.upstreamURL else {
            throw ReplicationError.badResponse("\(package.filename) was not recorded from an upstream, so there is nowhere to fetch it from")
        }
        if !metadata, !package.keepFetched {
            let file = UpstreamFile(filename: package.filename, url: url, sha256: package.sha256, size: package.size)
            return try await client().download(file, into: store.blobs).path.string
        }
        let key = package.sha256.hex + (metadata ? ".metadata" : "")
        let task = inFlight.withLock { running in
            if let task = running[key] { return task }
            let task = Task {
                defer { _ = self.inFlight.withLock { $0.removeValue(forKey: key) } }
                let file = UpstreamFile(
                    filename: package.filename, url: url, sha256: package.sha256, size: package.size, coreMetadataSHA256: package.metadataSHA256)
                if metadata {
                    let bytes = try await self.client().coreMetadata(of: file)
                    let members = CoreMetadata(parsing: bytes).warehouseInfoMembers
                    try await self.store.keepMetadata(bytes, metadataJSON: JSONValue.object(members).rendered, for: package)
                } else {
                    let blob = try await self.client().download(file, into: self.store.blobs)
                    try await self.store.keep(blob, for: package)
                }
            }
            running[key] = task
            return task
        }
        try await task.value
        return nil
    }

    /// Closes the upstream connections; call once no request needs it.
    public func shutdown() async {
        await madeClient.withLock { $0 }?.shutdown()
    }
}
