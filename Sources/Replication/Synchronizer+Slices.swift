import ContentStore
import PythonPackaging

/// What every slice of a sync shares.
struct ChunkStep: Sendable {
    let request: SyncRequest
    let filter: RemoteFilter
    let repositoryID: Int64
    let version: Int
    let client: any UpstreamConnection
    let now: Timestamp
    /// Pages already read (by the dependency closure).
    let prefetched: [String: Synchronizer.ProjectRead]
    /// A page that is gone (404) means the project was removed upstream (the journal said it
    /// changed); otherwise it is a failure, and the project's files stay.
    let goneMeansRemoved: Bool
}

extension Synchronizer {
    /// Reads a slice of projects, plans them against the repository, and acquires their files.
    func process(_ slice: [(entry: UpstreamProjectEntry, etag: String?)], _ step: ChunkStep, into tally: inout SyncTally) async throws {
        let reads = await concurrentMap(slice, limit: max(4, step.request.connection.downloadConcurrency)) { item in
            if let read = step.prefetched[item.entry.normalized] { return read }
            return await readProject(item.entry, upstream: step.request.upstream, client: step.client, etag: item.etag)
        }
        var offered: [String: [UpstreamFile]] = [:]
        var statuses: [String: ProjectStatusChange] = [:]
        for ((entry, etag), read) in zip(slice, reads) {
            switch read {
            case .notModified(let mark):
                tally.note(mark)
                tally.projectStates[entry.normalized] = ProjectSyncState(serial: entry.serial, etag: etag)
            case .gone where step.goneMeansRemoved:
                offered[entry.normalized] = []
                tally.projectStates[entry.normalized] = .some(nil)
            case .gone:
                tally.note(nil)
                tally.failures.append(
                    SyncFailure(subject: entry.normalized, .badResponse("the upstream has no page for '\(entry.normalized)' (404); its files are kept")))
                tally.failedProjects.insert(entry.normalized)
            case .failed(let failure):
                tally.failures.append(failure)
                tally.failedProjects.insert(entry.normalized)
            case .read(let project, let refused, let etag, let mark):
                tally.note(mark)
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
                // A project with files held back by the cool-down is read again next time. The
                // serial recorded is the higher of the listing's and the page's.
                let serial = [entry.serial, project.serial].compactMap { $0 }.max()
                tally.projectStates[entry.normalized] = heldBack ? .unknown : ProjectSyncState(serial: serial, etag: etag)
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
                await concurrentMap(plan.acquire, limit: step.request.connection.downloadConcurrency) { file in
                    await acquire(file, client: step.client, now: step.now)
                }
            case .onDemand, .streamed:
                try await recordOnDemand(plan.acquire, keep: step.request.policy == .onDemand, client: step.client, now: step.now, into: &tally)
            }
        // Files already recorded are fetched (or fetched again, should the stored copy be
        // damaged) from where upstream lists them now.
        try await store.relocate(plan.unchanged.mapValues(\.url))
        // What upstream learned since (a PEP 658 hash, from a file fetched there on demand).
        try await store.learnMetadataHashes(plan.unchanged.compactMapValues(\.coreMetadataSHA256))
        tally.apply(plan, acquired: acquired, local: local)
        var kept = plan.unchanged
        for (file, result) in zip(plan.acquire, acquired) { if case .success(let package) = result { kept[package.id] = file } }
        try await fetchProvenance(for: kept, step, into: &tally)
        let read = Set(zip(slice, reads).compactMap { item, read in if case .read = read { item.entry.normalized } else { nil } })
        tally.applyStatuses(
            upstream: statuses, local: try await store.statuses(repositoryID: step.repositoryID, version: step.version, projects: read), read: read)
        if step.request.policy == .immediate { try await fetchRecordedOnly(plan.unchanged, step, into: &tally) }
    }

    /// A package for an upstream file: the one already stored with the same bytes, or the
    /// file downloaded, verified and read.
    func acquire(_ file: UpstreamFile, client: any UpstreamConnection, now: Timestamp) async -> Result<Package, SyncFailure> {
        do {
            if let known = try await store.storedPackage(filename: file.filename, sha256: file.sha256) { return .success(known) }
            let blob: WrittenBlob
            do {
                blob = try await client.download(file, into: store.blobs)
            } catch {
                return .failure(SyncFailure(subject: file.filename, error))
            }
            let package = try await store.ingest(blob, filename: file.filename, uploadTime: file.uploadTime ?? now, strict: false, upstreamURL: file.url)
            progress(.fileStored(file.filename, bytes: package.size))
            return .success(package)
        } catch {
            return .failure(SyncFailure(subject: file.filename, .refused("\(error)")))
        }
    }

    /// Files the repository holds only as records (synced on demand or streamed before) are
    /// downloaded, verified and kept: after an immediate sync every file is stored.
    private func fetchRecordedOnly(_ sources: [Int64: UpstreamFile], _ step: ChunkStep, into tally: inout SyncTally) async throws {
        let missing = try await store.packagesWithoutFiles(ids: Array(sources.keys)).compactMap { package in
            sources[package.id].map { (package, $0) }
        }
        let failures = await concurrentMap(missing, limit: step.request.connection.downloadConcurrency) { package, source -> SyncFailure? in
            do {
                let blob = try await step.client.download(source, into: store.blobs)
                try await store.keep(blob, for: package)
                progress(.fileStored(package.filename, bytes: package.size))
                return nil
            } catch let error as ReplicationError {
                return SyncFailure(subject: package.filename, error)
            } catch {
                return SyncFailure(subject: package.filename, .refused("\(error)"))
            }
        }
        for ((package, _), failure) in zip(missing, failures) {
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
