import ContentStore
import Logging
import PythonPackaging
import Replication
import ServiceLifecycle

/// Runs the syncs of stored remotes that have a `sync_interval_seconds`, and the replications
/// of stored upstream Pulps that have an interval, one at a time, from the server process;
/// each remote's last sync is recorded with its summary.
struct ScheduledSyncs: Service {
    let store: ContentStore
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            // When each upstream was last tried (a failed run is not recorded in the store, and
            // is tried again after the interval, not at once).
            var attempts: [Int64: Int64] = [:]
            while !Task.isCancelled {
                let syncs = await runDue()
                let replications = await replicateDue(&attempts)
                try await Task.sleep(for: min(syncs, replications))
            }
        }
    }

    /// Replicates from every upstream whose time has come; how long until the next is due.
    private func replicateDue(_ attempts: inout [Int64: Int64]) async -> Duration {
        var next = Duration.seconds(30)
        for upstream in (try? await store.upstreamPulps()) ?? [] {
            guard let definition = try? UpstreamPulpDefinition.decoded(upstream.definition), let interval = definition.intervalSeconds, interval > 0
            else { continue }
            let last = max(upstream.lastReplication?.microseconds ?? 0, attempts[upstream.id] ?? 0)
            let due = last + interval * 1_000_000
            let now = Timestamp.now().microseconds
            guard due <= now else {
                next = min(next, .microseconds(due - now))
                continue
            }
            attempts[upstream.id] = now
            do {
                let report = try await Replicator(store: store, logger: logger).run(upstream)
                let level: Logger.Level = report.failed ? .error : .info
                logger.log(level: level, "scheduled replication finished", metadata: ["upstream": "\(upstream.name)", "summary": "\(report.summary)"])
            } catch {
                logger.error("scheduled replication failed", metadata: ["upstream": "\(upstream.name)", "error": "\(error)"])
            }
            next = min(next, .seconds(interval))
        }
        return max(next, .milliseconds(100))
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
