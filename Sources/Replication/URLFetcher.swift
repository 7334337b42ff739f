public import ContentStore
public import Logging

/// Downloads one file from a URL into the blob store, for content created from a `file_url`:
/// streamed, with the sync's retries and timeouts, no larger than `UpstreamClient` takes from
/// an upstream that declares no size. What arrives is unverified: the caller checks it as an
/// upload.
public enum URLFetcher {
    public static func fetch(
        _ url: String, filename: String, into blobs: BlobStore, settings: ConnectionSettings = ConnectionSettings(), logger: Logger
    ) async throws(ReplicationError) -> WrittenBlob {
        guard UpstreamIndex.isHTTP(url) else { throw .configuration("\(url) is not an http or https URL") }
        let client = try UpstreamClient(settings: settings, index: nil, logger: logger)
        do {
            let blob = try await client.fetch(url, filename: filename, declaredSize: nil, into: blobs)
            await client.shutdown()
            return blob
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
