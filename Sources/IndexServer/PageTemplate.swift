import Crypto
import Digests
import NIOCore
import Synchronization

/// A page rendered once with a placeholder where the server's origin goes (links are absolute,
/// and clients reach the server by many names), served for any origin by splicing it in. A
/// request with a made-up `Host` costs a copy of the page, never a render, and evicts nothing.
final class PageTemplate: Sendable {
    /// Stands for the origin while a page is rendered: random per process, so no page's own
    /// text (a project's description, say) can contain it.
    static let origin = "http://wheelhouse-origin-" + Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) }) + ".invalid"

    /// The bytes between the places the origin goes.
    private let pieces: [ByteBuffer]
    private let digest: String
    /// The pages last spliced, by origin (nearly always the only one; a few when clients
    /// reach the server by a few names). Other origins get a copy each time.
    private let recent = Mutex<[(origin: String, page: RenderedPage)]>([])
    static let recentOrigins = 4

    init(_ bytes: [UInt8]) {
        digest = Hex.encode(SHA256.hash(data: bytes).prefix(12))
        pieces = Self.split(bytes, at: Array(Self.origin.utf8)).map { ByteBuffer(bytes: $0) }
    }

    /// The page as served at `origin` (`scheme://host[:port]`, of the characters `Routes.origin`
    /// lets through), with an ETag of its own.
    func page(at origin: String) -> RenderedPage {
        guard pieces.count > 1 else { return RenderedPage(body: pieces[0], etag: "\"\(digest)\"") }
        if let kept = recent.withLock({ $0.first { $0.origin == origin } }) { return kept.page }
        let originBytes = Array(origin.utf8)
        var body = ByteBuffer()
        body.reserveCapacity(pieces.reduce(0) { $0 + $1.readableBytes } + originBytes.count * (pieces.count - 1))
        for (index, piece) in pieces.enumerated() {
            if index > 0 { body.writeBytes(originBytes) }
            body.writeImmutableBuffer(piece)
        }
        let page = RenderedPage(body: body, etag: "\"\(digest)-\(Hex.encode(SHA256.hash(data: originBytes).prefix(4)))\"")
        recent.withLock { recent in
            recent.removeAll { $0.origin == origin }
            recent.insert((origin, page), at: 0)
            if recent.count > Self.recentOrigins { recent.removeLast() }
        }
        return page
    }

    private static func split(_ bytes: [UInt8], at marker: [UInt8]) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index <= bytes.count - marker.count {
            if bytes[index] == marker[0], bytes[index..<(index + marker.count)].elementsEqual(marker) {
                pieces.append(bytes[start..<index])
                index += marker.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(bytes[start...])
        return pieces
    }
}
