public import ContentStore
public import Logging
import PythonPackaging
import Synchronization

/// Fetches the file of on-demand content from its upstream the first time it is asked for,
/// verifies it against the recorded sha256 and size, and keeps it. Concurrent requests for
/// the same file share one upstream fetch. Credentials go only to the host they belong to (by
/// origin: scheme, host and port): a stored remote's to its index's, and the server's
/// (`settings`) to `credentialsIndex`'s.
public final class LazyFetcher: Sendable {
    private let store: ContentStore
    private let settings: ConnectionSettings
    /// The index the server's credentials belong to; nil: the one index the data directory
    /// was synced from, if there is only one.
    private let credentialsIndex: String?
    private let logger: Logger
    /// Made on the first fetch: a server with no on-demand content never loads TLS or opens
    /// a connection pool.
    private let madeClient = Mutex<UpstreamClient?>(nil)
    private let inFlight = Mutex<[String: Task<Void, any Error>]>([:])
    /// Streamed content being fetched or sent, by sha256, with how many requests hold it.
    private let passing = Mutex<[SHA256Digest: (fetch: Task<WrittenBlob, any Error>, holders: Int)]>([:])

    public init(store: ContentStore, settings: ConnectionSettings = ConnectionSettings(), credentialsIndex: String? = nil, logger: Logger) {
        self.store = store
        self.settings = settings
        self.credentialsIndex = credentialsIndex
        self.logger = logger
    }

    private func client() async throws -> UpstreamClient {
        let client = try madeClient.withLock { made in
            if let made { return made }
            let client = try UpstreamClient(settings: settings, index: nil, logger: logger)
            made = client
            return client
        }
        client.useCredentials(try await credentials())
        return client
    }

    /// The `Authorization` header for each origin that has credentials: stored remotes' for
    /// their own indexes, and the server's for the index they belong to. Read per fetch, so
    /// that a remote created or changed while serving counts.
    func credentials() async throws -> [String: String] {
        var byOrigin: [String: String] = [:]
        for remote in try await store.remotes() {
            guard let definition = try? RemoteDefinition.decoded(remote.definition), let username = definition.username,
                let origin = UpstreamClient.origin(of: definition.url)
            else { continue }
            byOrigin[origin] = ConnectionSettings(username: username, password: definition.password).authorization
        }
        guard let authorization = settings.authorization else { return byOrigin }
        if let origin = try await serverCredentialsOrigin().origin { byOrigin[origin] = authorization }
        return byOrigin
    }

    /// Where the server's credentials go: `credentialsIndex`'s origin, or the one origin the
    /// data directory was synced from; the origins synced from when there are several.
    private func serverCredentialsOrigin() async throws -> (origin: String?, synced: Set<String>) {
        if let credentialsIndex { return (UpstreamClient.origin(of: credentialsIndex), []) }
        let origins = Set(try await store.syncedIndexURLs().compactMap(UpstreamClient.origin))
        return (origins.count == 1 ? origins.first : nil, origins)
    }

    /// Why the server's credentials will not be sent anywhere, when they are set but the
    /// index they belong to cannot be told.
    public func credentialsWarning() async throws -> String? {
        guard settings.authorization != nil else { return nil }
        let (origin, synced) = try await serverCredentialsOrigin()
        guard origin == nil, synced.count > 1 else { return nil }
        return "WHEELHOUSE_UPSTREAM_USERNAME is set but this data directory was synced from several indexes (\(synced.sorted().joined(separator: ", "))); set WHEELHOUSE_UPSTREAM_URL to the one the credentials belong to, or none is sent"
    }

    /// Returns once the package's bytes (or, with `metadata`, its PEP 658 metadata file) are
    /// in the store — or, for streamed content, in a verified temporary file it returns for the
    /// caller to send and release; requests for the same file at once share one fetch. Throws
    /// a `ReplicationError` naming the upstream when they cannot be fetched or do not match
    /// what was recorded.
    public func fetch(_ package: Package, metadata: Bool = false) async throws -> PassedOnFile? {
        guard let url = package.upstreamURL else {
            throw ReplicationError.badResponse("\(package.filename) was not recorded from an upstream, so there is nowhere to fetch it from")
        }
        if !metadata, !package.keepFetched {
            return try await passOn(UpstreamFile(filename: package.filename, url: url, sha256: package.sha256, size: package.size))
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

    /// Streamed content: one fetch for every request that asks while it is fetched or sent.
    private func passOn(_ file: UpstreamFile) async throws -> PassedOnFile {
        let fetch = passing.withLock { passing in
            if let entry = passing[file.sha256] {
                passing[file.sha256] = (entry.fetch, entry.holders + 1)
                return entry.fetch
            }
            let fetch = Task { try await self.client().download(file, into: self.store.blobs) }
            passing[file.sha256] = (fetch, 1)
            return fetch
        }
        let release: @Sendable () async -> Void = { await self.release(file.sha256) }
        do {
            return PassedOnFile(path: try await fetch.value.path, release: release)
        } catch {
            await release()
            throw error
        }
    }

    /// One holder is done with streamed content; the file goes with the last.
    private func release(_ sha256: SHA256Digest) async {
        let last = passing.withLock { passing -> Task<WrittenBlob, any Error>? in
            guard let entry = passing[sha256] else { return nil }
            guard entry.holders == 1 else {
                passing[sha256] = (entry.fetch, entry.holders - 1)
                return nil
            }
            passing[sha256] = nil
            return entry.fetch
        }
        if let blob = try? await last?.value { await store.blobs.discard(blob) }
    }

    /// Closes the upstream connections; call once no request needs it.
    public func shutdown() async {
        await madeClient.withLock { $0 }?.shutdown()
    }
}
