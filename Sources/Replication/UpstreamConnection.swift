import ContentStore
import NIOHTTP1

/// An upstream's answer to a page request.
struct UpstreamResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The URL that answered, after redirects: links on the page are relative to it.
    var url: String

    var contentType: String? { headers.first(name: "content-type") }
    var etag: String? { headers.first(name: "etag") }
    var serial: Int64? { headers.first(name: "x-pypi-last-serial").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }
}

/// The HTTP side of a sync, as the synchronizer uses it: pages, files, PEP 658 metadata and
/// file sizes from one upstream, with a count of what it cost. `UpstreamClient` is the one
/// that speaks HTTP.
protocol UpstreamConnection: Sendable {
    var settings: ConnectionSettings { get }
    /// Requests made so far, retries included.
    var requests: Int { get }
    /// File bytes received so far.
    var bytesDownloaded: Int64 { get }

    /// GETs a page, answering with any final status (304 and 404 included); throws only when
    /// the upstream cannot be reached, keeps failing, or sends more than `limit` bytes.
    func page(_ url: String, accept: String, etag: String?, limit: Int) async throws(ReplicationError) -> UpstreamResponse
    /// Streams a file into a new blob, verified against the sha256 and size upstream declared.
    func download(_ file: UpstreamFile, into blobs: BlobStore) async throws(ReplicationError) -> WrittenBlob
    /// A file's PEP 658 metadata, checked against the sha256 the page declared.
    func coreMetadata(of file: UpstreamFile) async throws(ReplicationError) -> [UInt8]
    /// The size of the file at `url` from a `HEAD` request, nil when the upstream does not say.
    func size(of url: String) async throws(ReplicationError) -> Int64?
    func shutdown() async
}

extension UpstreamConnection {
    /// Body sizes accepted: a whole listing (PyPI's is tens of megabytes) and anything smaller.
    static var listingLimit: Int { 512 << 20 }
    static var pageLimit: Int { 64 << 20 }
}
