import PythonPackaging
import Synchronization

/// Stored files whose bytes were checked against their sha256 since this process started: a
/// file is read once before it is first served, so that a damaged one is refused (503, and a
/// log line) rather than sent. Bounded: past `capacity` the set starts again, and files are
/// checked again on their next request.
final class IntactFiles: Sendable {
    static let capacity = 200_000
    private let checked = Mutex<Set<SHA256Digest>>([])

    func contains(_ sha256: SHA256Digest) -> Bool { checked.withLock { $0.contains(sha256) } }

    func insert(_ sha256: SHA256Digest) {
        checked.withLock { set in
            if set.count >= Self.capacity { set.removeAll(keepingCapacity: true) }
            set.insert(sha256)
        }
    }
}
