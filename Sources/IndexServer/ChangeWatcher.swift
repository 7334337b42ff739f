import Logging
import ServiceLifecycle

/// Looks at the store's generation every `interval` and drops rendered pages when another
/// process (the CLI, a sync) changed something, so a running server serves the new state
/// without a restart.
struct ChangeWatcher: Service {
    let cache: IndexCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled {
            do {
                try await cache.refresh()
            } catch {
                logger.warning("could not read the store's generation", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
            if Task.isShuttingDownGracefully { return }
        }
    }
}
