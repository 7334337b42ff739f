import ContentStore
import PythonPackaging

/// What every slice of a sync shares.
struct ChunkStep: Sendable {
    let request: SyncRequest
    let filter: RemoteFilter
    let repositoryID: Int64
    let version: Int
    let client: UpstreamClient
    let now: Timestamp
    /// Pages already read (by the dependency closure).
    let prefetched: [String: Synchronizer.ProjectRead]
    /// ETags of project pages as last applied, for conditional requests.
    let etags: [String: String]
}

extension Synchronizer {
    /// Reads a slice of projects, plans them against the repository, and acquires their files.
    func process(_ slice: [UpstreamProjectEntry], _ step: ChunkStep, into tally: inout SyncTally) async throws {
        let reads = await concurrentMap(slice, limit: max(4, step.request.connection.downloadConcurrency)) { entry in
            if let read = step.prefetched[entry.normalized] { return read }
            return await readProject(entry, upstream: step.request.upstream, client: step.client, etag: step.etags[entry.normalized])
        }
        var offered: [String: [UpstreamFile]] = [:]
        var statuses: [String: ProjectStatusChange] = [:]
        for (entry, read) in zip(slice, reads) {
            switch read {
            case .notModified:
                tally.projectStates[entry.normalized] = ProjectSyncState(serial: entry.serial, etag: step.etags[entry.normalized])
            case .gone:
                offered[entry.normalized] = []
                tally.projectStates[entry.normalized] = .some(nil)
            case .failed(let failure):
                tally.failures.append(failure)
                tally.failedProjects.insert(entry.normalized)
            case .read(let project, let refused, let etag):
                offered[entry.normalized] = step.filter.select(project.files, project: entry.normalized, now: step.now)
                if project.status != .active || project.statusReason != nil {
                    statuses[entry.normalized] = ProjectStatusChange(project.status, reason: project.statusReason)
                }
                for file in step.filter.select(refused, project: entry.normalized, now: step.now) {
                    tally.failures.append(SyncFailure(subject: file.filename, .badResponse(file.reason)))
                    tally.failedProjects.insert(entry.normalized)
                }
                let cutoff = step.now.microseconds - step.filter.minimumAgeSeconds * 1_000_000
                let heldBack = step.filter.minimumAgeSeconds > 0 && project.files.contains { ($0.uploadTime?.microseconds ?? 0) > cutoff }
                // A project with files held back by the cool-down is read again next time.
                tally.projectStates[entry.normalized] = heldBack ? .some(nil) : ProjectSyncState(serial: entry.serial ?? project.serial, etag: etag)
            }
        }
        let local = try await localFiles(repositoryID: step.repositoryID, version: step.version, projects: Set(offered.keys))
        let held = Set(local.values.joined().map(\.filename))
        let claimed = try await store.filenameClaims(
            repositoryID: step.repositoryID, filenames: Set(offered.values.joined().map(\.filename)).subtracting(held))
        let plan = SyncPlanner.plan(offered: offered, local: local, mirror: step.request.mirror, claimed: claimed)
        let acquired =
            switch step.request.policy {
            case .immediate:
                await concurrentMap(plan.acquire, limit: max(1, step.request.connection.downloadConcurrency)) { file in
                    await acquire(file, client: step.client, now: step.now)
                }
            case .onDemand, .streamed:
                try await recordOnDemand(plan.acquire, keep: step.request.policy == .onDemand, client: step.client, now: step.now)
            }
        // Files already recorded are fetched from where upstream lists them now.
        if step.request.policy != .immediate { try await store.relocate(plan.unchanged.mapValues(\.url)) }
        tally.apply(plan, acquired: acquired, local: local)
        let read = Set(zip(slice, reads).compactMap { entry, read in if case .read = read { entry.normalized } else { nil } })
        tally.applyStatuses(
            upstream: statuses, local: try await store.statuses(repositoryID: step.repositoryID, version: step.version, projects: read), read: read)
        if step.request.policy == .immediate { try await fetchRecordedOnly(plan.unchanged, step, into: &tally) }
    }

    /// Files the repository holds only as records (synced on demand or streamed before) are
    /// downloaded, verified and kept: after an immediate sync every file is stored.
    private func fetchRecordedOnly(_ sources: [Int64: UpstreamFile], _ step: ChunkStep, into tally: inout SyncTally) async throws {
        let missing = try await store.packagesWithoutFiles(ids: Array(sources.keys))
        let failures = await concurrentMap(missing, limit: max(1, step.request.connection.downloadConcurrency)) { package -> SyncFailure? in
            do {
                let blob = try await step.client.download(sources[package.id]!, into: store.blobs)
                try await store.keep(blob, for: package)
                progress(.fileStored(package.filename, bytes: package.size))
                return nil
            } catch let error as ReplicationError {
                return SyncFailure(subject: package.filename, error)
            } catch {
                return SyncFailure(subject: package.filename, .refused("\(error)"))
            }
        }
        for (package, failure) in zip(missing, failures) {
            guard let failure else { continue }
            tally.failures.append(failure)
            tally.failedProjects.insert(package.nameNormalized)
        }
    }

    /// The repository's files of some projects, by project.
    func localFiles(repositoryID: Int64, version: Int, projects: Set<String>) async throws -> [String: [LocalFile]] {
        guard !projects.isEmpty else { return [:] }
        var local: [String: [LocalFile]] = [:]
        for held in try await store.packages(repositoryID: repositoryID, version: version, projects: projects) {
            local[held.package.nameNormalized, default: []].append(
                LocalFile(
                    packageID: held.package.id, filename: held.package.filename, sha256: held.package.sha256,
                    yanked: held.yanked ? .yanked(reason: held.yankedReason) : .notYanked))
        }
        return local
    }
}
