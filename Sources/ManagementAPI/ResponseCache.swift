import NIOCore
import Synchronization

/// The management API's answers to reads, rendered once per change of the store: a list that
/// a replicating Pulp, pulp-cli's polling or a dashboard asks for again is sent from here until
/// the store's generation moves (a write from this process or another). Bounded in entries
/// and bytes; a full cache starts again empty.
final class ResponseCache: Sendable {
    static let maximumEntries = 1024
    static let maximumBytes = 32 << 20

    private struct State {
        var generation: Int64 = -1
        var entries: [String: ByteBuffer] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    func lookup(_ key: String, generation: Int64) -> ByteBuffer? {
        state.withLock { $0.generation == generation ? $0.entries[key] : nil }
    }

    func store(_ key: String, _ body: ByteBuffer, generation: Int64) {
        guard body.readableBytes <= Self.maximumBytes / 8 else { return }
        state.withLock { state in
            if state.generation != generation || state.entries.count >= Self.maximumEntries
                || state.bytes + body.readableBytes > Self.maximumBytes
            {
                // An answer rendered before a newer generation was seen is not kept.
                guard generation >= state.generation else { return }
                state = State(generation: generation)
            }
            state.entries[key] = body
            state.bytes += body.readableBytes
        }
    }
}

/// Where `APIResponse.json` leaves the body it rendered, for the cache.
final class RenderedBody: Sendable {
    private let body = Mutex<ByteBuffer?>(nil)
    var value: ByteBuffer? { body.withLock { $0 } }
    func keep(_ buffer: ByteBuffer) { body.withLock { $0 = buffer } }
}
