import ContentStore
import Logging
import PythonPackaging
import Replication
import ServiceLifecycle

/// Runs the syncs of stored remotes that have a `sync_interval_seconds`, one at a time, from
/// the server process; each remote's last sync is recorded with its summary.
struct ScheduledSyncs: Service {
    let store: ContentStore
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: await runDue())
            }
        }
    }

    /// Syncs every remote whose time has come; how long until the next one is due (at most
    /// 30 seconds, so that remotes created meanwhile are noticed).
    private func runDue() async -> Duration {
        var next = Duration.seconds(30)
        for remote in (try? await store.remotes()) ?? [] {
            guard let definition = try? RemoteDefinition.decoded(remote.definition), let interval = definition.syncIntervalSeconds, interval > 0
            else { continue }
            let due = (remote.lastSyncAt?.microseconds ?? 0) + interval * 1_000_000
            let now = Timestamp.now().microseconds
            if due <= now {
                await sync(remote.name, definition)
                next = min(next, .seconds(interval))
            } else {
                next = min(next, .microseconds(due - now))
            }
        }
        return max(next, .milliseconds(100))
    }

    private func sync(_ name: String, _ definition: RemoteDefinition) async {
        let outcome: Result<SyncReport, any Error>
        do {
            let report = try await Synchronizer(store: store, logger: logger).run(try definition.syncRequest())
            outcome = .success(report)
            logger.info(
                "scheduled sync finished",
                metadata: [
                    "remote": "\(name)", "files_added": "\(report.filesAdded)", "files_removed": "\(report.filesRemoved)",
                    "failures": "\(report.failures.count)",
                ])
        } catch {
            outcome = .failure(error)
            logger.error("scheduled sync failed", metadata: ["remote": "\(name)", "error": "\(error)"])
        }
        // Stopped by shutdown, however it ended: nothing is recorded, so it is due at the next start.
        if Task.isCancelled { return }
        do {
            try await store.recordRemoteSync(name: name, outcome: outcome)
        } catch {
            logger.error("cannot record the sync of a remote", metadata: ["remote": "\(name)", "error": "\(error)"])
        }
    }
}
