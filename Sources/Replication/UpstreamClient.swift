import AsyncHTTPClient
import Digests
import Foundation
import ContentStore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Talks HTTP to one upstream: pages with conditional requests, files streamed into the blob
/// store, retries with backoff on timeouts, dropped connections, 5xx and 429 (honouring
/// `Retry-After`), and a count of every request made. Credentials are sent only to the
/// origins of the indexes they belong to, never to other hosts the pages link to.
final class UpstreamClient: UpstreamConnection {
    let settings: ConnectionSettings
    private let http: HTTPClient
    private let logger: Logger
    private let requestCount = Atomic<Int>(0)
    private let byteCount = Atomic<Int64>(0)
    /// The `Authorization` header for each origin that has one.
    private let credentials: Mutex<[String: String]>
    /// The longest PEP 658 metadata file read, as for metadata read out of archives.
    static let metadataLimit = 8 * 1024 * 1024
    /// A download slower than this, over a minute, is abandoned (and retried): a connection that
    /// drips a byte now and then never trips the read timeout.
    static let minimumBytesPerMinute = 16 * 1024
    /// The largest file taken from an upstream that does not declare the file's size.
    static let undeclaredFileLimit: Int64 = 16 << 30

    /// A client whose settings' credentials go to the origin of `index`, and nowhere else.
    init(settings: ConnectionSettings, index: String?, logger: Logger) throws(ReplicationError) {
        self.settings = settings
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try settings.clientConfiguration())
        self.logger = logger
        var credentials: [String: String] = [:]
        if let authorization = settings.authorization, let origin = index.flatMap(Self.origin) { credentials[origin] = authorization }
        self.credentials = Mutex(credentials)
    }

    /// From now on, the `Authorization` header each origin's requests carry (none for others).
    func useCredentials(_ byOrigin: [String: String]) {
        credentials.withLock { $0 = byOrigin }
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

    var requests: Int { requestCount.load(ordering: .relaxed) }
    var bytesDownloaded: Int64 { byteCount.load(ordering: .relaxed) }

    /// A body longer than `limit` is refused, not retried. The body is read straight into one
    /// array (sized by `Content-Length` when given), never held twice.
    func page(_ url: String, accept: String, etag: String?, limit: Int) async throws(ReplicationError) -> UpstreamResponse {
        var conditional = [("Accept", accept)]
        if let etag { conditional.append(("If-None-Match", etag)) }
        let headers = conditional
        return try await withRetries(url) { () async throws -> UpstreamResponse? in
            let response = try await self.http.execute(self.request(url, headers: headers), timeout: .seconds(self.settings.timeoutSeconds * 4))
            let status = try Self.finalStatus(response)
            var body: [UInt8] = []
            if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > limit {
                throw ReplicationError.badResponse("\(url) is longer than the \(limit) bytes accepted for it")
            } else if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > 0 {
                body.reserveCapacity(declared)
            }
            // The client's deadline ends at the response head. The body may take four times
            // the timeout, and more as more of it arrives at the least rate accepted: a slow
            // link gets the time its listing needs, a page dripped a byte at a time does not.
            let started = ContinuousClock.now
            for try await chunk in response.body {
                guard chunk.readableBytes <= limit - body.count else {
                    throw ReplicationError.badResponse("\(url) is longer than the \(limit) bytes accepted for it")
                }
                body.append(contentsOf: chunk.readableBytesView)
                let allowed = Duration.seconds(self.settings.timeoutSeconds * 4) + .seconds(body.count * 60 / Self.minimumBytesPerMinute)
                guard ContinuousClock.now - started < allowed else { throw TooSlow(bytes: body.count) }
            }
            return UpstreamResponse(status: status, headers: response.headers, body: body, url: response.url?.absoluteString ?? url)
        }
    }

    /// From `HEAD`; where that is refused or says nothing (object stores answer 403 or 405 to
    /// it for signed GET URLs), from a GET of the first byte (`Content-Range: bytes 0-0/SIZE`),
    /// whose body is one byte.
    func size(of url: String) async throws(ReplicationError) -> Int64? {
        let fromHead = try await withRetries(url) { () async throws -> Int64?? in
            var request = self.request(url, headers: [])
            request.method = .HEAD
            let response = try await self.http.execute(request, timeout: .seconds(self.settings.timeoutSeconds * 4))
            guard try Self.finalStatus(response) == 200 else { return .some(nil) }
            return .some(response.headers.first(name: "content-length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 >= 0 ? $0 : nil })
        }
        if let fromHead { return fromHead }
        return try await withRetries(url) { () async throws -> Int64?? in
            let response = try await self.http.execute(self.request(url, headers: [("Range", "bytes=0-0")]), timeout: .seconds(self.settings.timeoutSeconds * 4))
            // A server that ignores the range sends the whole file: its body is not read.
            guard try Self.finalStatus(response) == 206, let range = response.headers.first(name: "content-range"),
                let slash = range.lastIndex(of: "/")
            else { return .some(nil) }
            _ = try await response.body.collect(upTo: 1 << 16)
            return .some(Int64(range[range.index(after: slash)...].trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 : nil })
        }
    }

    /// Streams a file into a new blob, verifying its sha256 and size against what upstream
    /// declared. A failed attempt starts the file again; bytes that do not match are dropped.
    func download(_ file: UpstreamFile, into blobs: BlobStore) async throws(ReplicationError) -> WrittenBlob {
        let blob = try await fetch(file.url, filename: file.filename, declaredSize: file.size, into: blobs)
        guard blob.digests.sha256 == file.sha256, file.size == nil || file.size == blob.digests.size else {
            await blobs.discard(blob)
            throw ReplicationError.digestMismatch(
                "\(file.filename): the downloaded bytes (sha256 \(blob.digests.sha256), \(blob.digests.size) bytes) do not match upstream's declaration (sha256 \(file.sha256)\(file.size.map { ", \($0) bytes" } ?? "")); nothing was kept")
        }
        return blob
    }

    /// Streams `url` into a new blob, unverified: no more than `declaredSize` bytes when that is
    /// given, else `undeclaredFileLimit`. A failed attempt starts the file again.
    func fetch(_ url: String, filename: String, declaredSize: Int64?, into blobs: BlobStore) async throws(ReplicationError) -> WrittenBlob {
        try await withRetries(url) { () async throws -> WrittenBlob? in
            // No deadline for the whole file (large files on slow links take what they take);
            // the client's read timeout ends a stalled download.
            let response = try await self.http.execute(self.request(url, headers: []), timeout: .hours(24))
            guard try Self.finalStatus(response) == 200 else {
                throw ReplicationError.badResponse("\(url) answered \(response.status.code) \(response.status.reasonPhrase)")
            }
            let writer = try await blobs.makeWriter(maximumSize: declaredSize ?? Self.undeclaredFileLimit)
            do {
                // The read timeout ends a silent connection; this ends one that sends a byte now and then.
                var window = (start: ContinuousClock.now, bytes: 0)
                for try await chunk in response.body {
                    try await writer.write(chunk)
                    self.byteCount.add(Int64(chunk.readableBytes), ordering: .relaxed)
                    window.bytes += chunk.readableBytes
                    if ContinuousClock.now - window.start >= .seconds(60) {
                        guard window.bytes >= Self.minimumBytesPerMinute else { throw TooSlow(bytes: window.bytes) }
                        window = (ContinuousClock.now, 0)
                    }
                }
                return try await writer.finish()
            } catch let error as StoreError where error.code == .tooLarge {
                guard let declaredSize else {
                    throw ReplicationError.badResponse(
                        "\(filename): upstream declares no size and sent more than \(Self.undeclaredFileLimit) bytes; nothing was kept")
                }
                throw ReplicationError.digestMismatch("\(filename): upstream sent more than the \(declaredSize) bytes it declared")
            } catch {
                await writer.abandon()
                throw error
            }
        }
    }

    /// A file's PEP 658 metadata from upstream, checked against the sha256 the page declared.
    func coreMetadata(of file: UpstreamFile) async throws(ReplicationError) -> [UInt8] {
        guard let expected = file.coreMetadataSHA256 else {
            throw .badResponse("upstream offers no PEP 658 metadata for \(file.filename)")
        }
        let response = try await page(file.url + ".metadata", accept: "*/*", etag: nil, limit: Self.metadataLimit)
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
        if let origin = Self.origin(of: url), let authorization = credentials.withLock({ $0[origin] }) {
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

    /// A transfer too slow to finish: abandoned and started again, as a timeout is.
    private struct TooSlow: Error, CustomStringConvertible {
        var bytes: Int
        var description: String { "it arrives too slowly (\(bytes) bytes in the time allowed)" }
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
