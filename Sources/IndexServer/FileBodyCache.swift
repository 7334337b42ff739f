import NIOCore
import PythonPackaging
import Synchronization
import _NIOFileSystem

/// The bytes of small files kept in memory, least recently used dropped first. Artifacts are
/// content-addressed and never change, so an entry is never stale; it only saves the
/// open/stat/read/close round trips to the thread pool that dominate serving a small wheel.
final class FileBodyCache: Sendable {
    /// Files up to this size are kept.
    let maximumFileSize: Int64
    /// The most bytes kept at once.
    let budget: Int64
    private let state = Mutex<State>(State())

    private struct State {
        var entries: [SHA256Digest: (body: ByteBuffer, lastUse: UInt64)] = [:]
        var bytes: Int64 = 0
        var clock: UInt64 = 0
    }

    init(maximumFileSize: Int64, budget: Int64) {
        self.maximumFileSize = maximumFileSize
        self.budget = budget
    }

    /// The whole file, from memory or from disk (and then remembered when small); nil when
    /// the file is not small enough to keep, or does not exist.
    func body(sha256: SHA256Digest, path: FilePath, size: Int64) async throws -> ByteBuffer? {
        if let cached = cached(sha256) { return cached }
        guard size <= maximumFileSize, budget > 0 else { return nil }
        let body = try await FileSystem.shared.withFileHandle(forReadingAt: path) { handle in
            try await handle.readToEnd(maximumSizeAllowed: .bytes(maximumFileSize))
        }
        remember(sha256, body)
        return body
    }

    /// The file's bytes if they are in memory.
    func cached(_ sha256: SHA256Digest) -> ByteBuffer? {
        state.withLock { state in
            guard let entry = state.entries[sha256] else { return nil }
            state.clock += 1
            state.entries[sha256]?.lastUse = state.clock
            return entry.body
        }
    }

    private func remember(_ sha256: SHA256Digest, _ body: ByteBuffer) {
        let size = Int64(body.readableBytes)
        state.withLock { state in
            guard state.entries[sha256] == nil else { return }
            while state.bytes + size > budget, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries[oldest.key] = nil
                state.bytes -= Int64(oldest.value.body.readableBytes)
            }
            state.clock += 1
            state.entries[sha256] = (body, state.clock)
            state.bytes += size
        }
    }
}
