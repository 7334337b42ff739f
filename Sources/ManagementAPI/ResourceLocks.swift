/// Exclusive locks on named resources (a repository's PRN, say), granted in request order:
/// two tasks that touch the same repository run one after the other, as Pulp's reserved
/// resources make them.
actor ResourceLocks {
    private var held: Set<String> = []
    private var waiting: [(id: Int, keys: Set<String>, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    /// Waits until none of `keys` is held (and no earlier waiter wants one), then holds them.
    /// Throws `CancellationError` when the waiting task is cancelled.
    func acquire(_ keys: Set<String>) async throws {
        if held.isDisjoint(with: keys), !waiting.contains(where: { !$0.keys.isDisjoint(with: keys) }) {
            held.formUnion(keys)
            return
        }
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.append((id, keys, continuation))
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    func release(_ keys: Set<String>) {
        held.subtract(keys)
        var blocked: Set<String> = []
        var still: [(id: Int, keys: Set<String>, continuation: CheckedContinuation<Void, any Error>)] = []
        for waiter in waiting {
            if held.isDisjoint(with: waiter.keys), blocked.isDisjoint(with: waiter.keys) {
                held.formUnion(waiter.keys)
                waiter.continuation.resume()
            } else {
                blocked.formUnion(waiter.keys)
                still.append(waiter)
            }
        }
        waiting = still
    }

    private func abandon(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
