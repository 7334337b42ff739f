import AsyncHTTPClient
import Digests
import Foundation
import ContentStore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// An upstream's answer to a page request.
struct UpstreamResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var contentType: String? { headers.first(name: "content-type") }
    var etag: String? { headers.first(name: "etag") }
    var serial: Int64? { headers.first(name: "x-pypi-last-serial").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }
}

/// Talks HTTP to one upstream: pages with conditional requests, files streamed into the blob
/// store, retries with backoff on timeouts, dropped connections, 5xx and 429 (honouring
/// `Retry-After`), and a count of every request made. Credentials are sent only to the
/// origins of the indexes they were given for, never to other hosts the pages link to.
final class UpstreamClient: Sendable {
    let settings: ConnectionSettings
    private let http: HTTPClient
    private let logger: Logger
    private let requestCount = Atomic<Int>(0)
    private let byteCount = Atomic<Int64>(0)
    private let credentialOrigins: Mutex<Set<String>>
    /// The longest page read into memory (PyPI's whole root listing is tens of megabytes).
    static let pageLimit = 512 * 1024 * 1024
    /// The longest PEP 658 metadata file read, as for metadata read out of archives.
    static let metadataLimit = 8 * 1024 * 1024
    /// The largest file taken from an upstream that does not declare the file's size.
    static let undeclaredFileLimit: Int64 = 16 << 30

    /// A client whose credentials go to the origin of `index` (and of indexes added later by
    /// `sendCredentials(to:)`).
    init(settings: ConnectionSettings, index: String?, logger: Logger) throws(ReplicationError) {
        self.settings = settings
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try settings.clientConfiguration())
        self.logger = logger
        self.credentialOrigins = Mutex(Set([index.flatMap(Self.origin)].compactMap { $0 }))
    }

    /// Lets requests to the origin of the index at `url` carry the credentials.
    func sendCredentials(to url: String) {
        guard let origin = Self.origin(of: url) else { return }
        credentialOrigins.withLock { _ = $0.insert(origin) }
    }

    /// `scheme://host:port` of a URL, lowercased, with the scheme's default port filled in.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased()
        else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// Requests made so far, retries included.
    var requests: Int { requestCount.load(ordering: .relaxed) }
    /// File bytes received so far.
    var bytesDownloaded: Int64 { byteCount.load(ordering: .relaxed) }

    /// GETs a page. Answers with any final status (304 and 404 included); throws only when
    /// the upstream cannot be reached or keeps failing.
    /// A body longer than `limit` is refused, not retried.
    func page(_ url: String, accept: String, etag: String? = nil, limit: Int = pageLimit) async throws(ReplicationError) -> UpstreamResponse {
        var conditional = [("Accept", accept)]
        if let etag { conditional.append(("If-None-Match", etag)) }
        let headers = conditional
        return try await withRetries(url) { () async throws -> UpstreamResponse? in
            let response = try await self.http.execute(self.request(url, headers: headers), timeout: .seconds(self.settings.timeoutSeconds * 4))
            let status = try Self.finalStatus(response)
            do {
                let body = try await response.body.collect(upTo: limit)
                return UpstreamResponse(status: status, headers: response.headers, body: Array(buffer: body))
            } catch is NIOTooManyBytesError {
                throw ReplicationError.badResponse("\(url) is longer than the \(limit) bytes accepted for it")
            }
        }
    }

    /// Streams a file into a new blob, verifying its sha256 and size against what upstream
    /// declared. A failed attempt starts the file again; bytes that do not match are dropped.
    func download(_ file: UpstreamFile, into blobs: BlobStore) async throws(ReplicationError) -> WrittenBlob {
        let blob = try await withRetries(file.url) { () async throws -> WrittenBlob? in
            // No deadline for the whole file (large files on slow links take what they take);
            // the client's read timeout ends a stalled download.
            let response = try await self.http.execute(self.request(file.url, headers: []), timeout: .hours(24))
            guard try Self.finalStatus(response) == 200 else {
                throw ReplicationError.badResponse("\(file.url) answered \(response.status.code) \(response.status.reasonPhrase)")
            }
            let writer = try await blobs.makeWriter(maximumSize: file.size ?? Self.undeclaredFileLimit)
            do {
                for try await chunk in response.body {
                    try await writer.write(chunk)
                    self.byteCount.add(Int64(chunk.readableBytes), ordering: .relaxed)
                }
                return try await writer.finish()
            } catch let error as StoreError where error.code == .tooLarge {
                guard let size = file.size else {
                    throw ReplicationError.badResponse(
                        "\(file.filename): upstream declares no size and sent more than \(Self.undeclaredFileLimit) bytes; nothing was kept")
                }
                throw ReplicationError.digestMismatch("\(file.filename): upstream sent more than the \(size) bytes it declared")
            } catch {
                await writer.abandon()
                throw error
            }
        }
        guard blob.digests.sha256 == file.sha256, file.size == nil || file.size == blob.digests.size else {
            await blobs.discard(blob)
            throw ReplicationError.digestMismatch(
                "\(file.filename): the downloaded bytes (sha256 \(blob.digests.sha256), \(blob.digests.size) bytes) do not match upstream's declaration (sha256 \(file.sha256)\(file.size.map { ", \($0) bytes" } ?? "")); nothing was kept")
        }
        return blob
    }

    /// A file's PEP 658 metadata from upstream, checked against the sha256 the page declared.
    func coreMetadata(of file: UpstreamFile) async throws(ReplicationError) -> [UInt8] {
        guard let expected = file.coreMetadataSHA256 else {
            throw .badResponse("upstream offers no PEP 658 metadata for \(file.filename)")
        }
        let response = try await page(file.url + ".metadata", accept: "*/*", limit: Self.metadataLimit)
        guard response.status == 200 else {
            throw .badResponse("\(file.url).metadata answered \(response.status)")
        }
        guard FileDigests.of(response.body).sha256 == expected else {
            throw .digestMismatch("\(file.filename).metadata does not match the sha256 upstream declares for it; nothing was kept")
        }
        return response.body
    }

    private func request(_ url: String, headers: [(String, String)]) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "wheelhouse-sync")
        if let authorization = settings.authorization, let origin = Self.origin(of: url), credentialOrigins.withLock({ $0.contains(origin) }) {
            request.headers.add(name: "Authorization", value: authorization)
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return request
    }

    /// The response's status, unless it is one to retry (429, 5xx), which is thrown with the
    /// delay upstream asks for.
    private static func finalStatus(_ response: HTTPClientResponse) throws -> Int {
        let status = Int(response.status.code)
        guard status == 429 || (500...599).contains(status) else { return status }
        throw RetryableStatus(status: status, retryAfter: response.headers.first(name: "retry-after").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) })
    }

    private struct RetryableStatus: Error {
        var status: Int
        var retryAfter: Int64?
    }

    /// Runs `attempt` until it returns, retrying timeouts, connection failures and retryable
    /// statuses with exponential backoff. Errors of this module are final and not retried.
    private func withRetries<T: Sendable>(_ url: String, _ attempt: @Sendable () async throws -> T?) async throws(ReplicationError) -> T {
        var failures = 0
        while true {
            requestCount.add(1, ordering: .relaxed)
            var delay = Duration.milliseconds(250 * (1 << min(failures, 6)))
            let reason: String
            do {
                if let value = try await attempt() { return value }
                reason = "no answer"
            } catch let error as ReplicationError {
                throw error
            } catch let error as RetryableStatus {
                reason = "status \(error.status)"
                if let seconds = error.retryAfter { delay = .seconds(min(max(seconds, 0), 120)) }
            } catch {
                reason = "\(error)"
            }
            failures += 1
            guard failures <= settings.maxRetries else {
                throw ReplicationError.unreachable("\(url) failed \(failures) time(s), last with \(reason); check that the upstream is up, or raise --max-retries")
            }
            logger.warning("upstream request failed; retrying", metadata: ["url": "\(url)", "reason": "\(reason)", "delay": "\(delay)"])
            do { try await Task.sleep(for: delay) } catch { throw ReplicationError.unreachable("\(url): stopped while waiting to retry (cancelled)") }
        }
    }
}
