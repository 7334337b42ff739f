public import ContentStore
public import Logging
import Synchronization

/// Fetches the file of on-demand content from its upstream the first time it is asked for,
/// verifies it against the recorded sha256 and size, and keeps it. Concurrent requests for
/// the same file share one upstream fetch.
public final class LazyFetcher: Sendable {
    private let store: ContentStore
    private let client: UpstreamClient
    private let inFlight = Mutex<[String: Task<Void, any Error>]>([:])

    public init(store: ContentStore, settings: ConnectionSettings = ConnectionSettings(), logger: Logger) throws {
        self.store = store
        self.client = try UpstreamClient(settings: settings, logger: logger)
    }

    /// Returns once the package's bytes are in the store; throws a `ReplicationError` naming
    /// the upstream when they cannot be fetched or do not match.
    public func fetch(_ package: Package) async throws {
        guard let url = package.upstreamURL else {
            throw ReplicationError.badResponse("\(package.filename) was not recorded from an upstream, so there is nowhere to fetch it from")
        }
        let task = inFlight.withLock { running in
            if let task = running[package.sha256] { return task }
            let task = Task {
                defer { _ = self.inFlight.withLock { $0.removeValue(forKey: package.sha256) } }
                let file = UpstreamFile(filename: package.filename, url: url, sha256: package.sha256, size: package.size)
                let blob = try await self.client.download(file, into: self.store.blobs)
                try await self.store.keep(blob, for: package)
            }
            running[package.sha256] = task
            return task
        }
        try await task.value
    }

    public func shutdown() async {
        await client.shutdown()
    }
}
