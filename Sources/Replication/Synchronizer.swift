public import ContentStore
import Foundation
public import Logging
import PythonPackaging

/// What to sync, from where, into which distribution.
public struct SyncRequest: Sendable {
    public var upstream: UpstreamIndex
    public var filter: RemoteFilter
    public var connection: ConnectionSettings
    /// Make the repository equal upstream's filtered set; false only adds.
    public var mirror: Bool
    /// The distribution whose repository receives the content (created, with its repository,
    /// when missing).
    public var distribution: String
    /// Also mirror what the included releases require, transitively, for these targets.
    public var dependencies: DependencyTargets?
    public var policy: SyncPolicy

    public init(
        upstream: UpstreamIndex, filter: RemoteFilter = RemoteFilter(), connection: ConnectionSettings = ConnectionSettings(), mirror: Bool = true,
        distribution: String = "default", dependencies: DependencyTargets? = nil, policy: SyncPolicy = .immediate
    ) {
        self.upstream = upstream
        self.filter = filter
        self.connection = connection
        self.mirror = mirror
        self.distribution = distribution
        self.dependencies = dependencies
        self.policy = policy
    }
}

/// Syncs a repository from an upstream index: reads the root listing (conditionally), the
/// project pages whose serial rose, plans with `SyncPlanner`, downloads and verifies what is
/// missing, and applies the result as one new repository version together with the upstream
/// state it reflects.
public struct Synchronizer: Sendable {
    public let store: ContentStore
    public let logger: Logger
    /// Called as work completes (projects read, files stored), for progress displays.
    public let progress: @Sendable (SyncProgress) -> Void

    public init(store: ContentStore, logger: Logger, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }) {
        self.store = store
        self.logger = logger
        self.progress = progress
    }

    static let accept = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"

    public func run(_ request: SyncRequest) async throws -> SyncReport {
        let started = ContinuousClock.now
        let client = try UpstreamClient(settings: request.connection, logger: logger)
        do {
            var report = try await sync(request, client: client)
            report.upstreamRequests = client.requests
            report.bytesDownloaded = client.bytesDownloaded
            report.seconds = (ContinuousClock.now - started).seconds
            await client.shutdown()
            return report
        } catch {
            await client.shutdown()
            throw error
        }
    }

    private func sync(_ request: SyncRequest, client: UpstreamClient) async throws -> SyncReport {
        var report = SyncReport(upstream: request.upstream.url)
        let repositoryID = try await repositoryFor(distribution: request.distribution)
        // An additive sync leaves what a mirror would remove: its state is not a mirror's.
        let fingerprint = request.filter.fingerprint + "|mirror=\(request.mirror)" + (request.dependencies.map { "|dependencies=" + $0.fingerprint } ?? "")
        let recorded = try await store.syncState(repositoryID: repositoryID, url: request.upstream.url)
        let state = recorded?.filter == fingerprint ? recorded : nil

        let rootResponse = try await readRoot(request.upstream, client: client, etag: state?.rootETag, knownSerial: state?.serial)
        guard let rootResponse else {
            report.upstreamSerial = state?.serial
            logger.info("upstream unchanged since the last sync", metadata: ["upstream": "\(request.upstream)"])
            return report
        }
        let (root, rootETag) = rootResponse
        report.upstreamSerial = root.serial
        // Serials can skip unchanged projects only if they move when the listing does: an
        // upstream whose root changed but whose serial did not (Pulp's constant serial) is
        // checked project by project with conditional requests instead.
        var serialsTrusted = root.serial != nil && !(state?.serial != nil && state?.serial == root.serial)
        let now = Timestamp.now()

        // With dependencies, the include list grows by what the included releases require;
        // the pages read to find out are used again below, and every project of the closure
        // is looked at (a new requirer can widen a project whose own page did not change).
        var filter = request.filter
        var prefetched: [String: ProjectRead] = [:]
        if let targets = request.dependencies, !filter.includes.isEmpty {
            let listed = Dictionary(root.projects.map { ($0.normalized, $0) }, uniquingKeysWith: { first, _ in first })
            let closure = DependencyClosure(
                filter: filter, targets: targets, store: store, client: client, now: now,
                readPage: { entry in await readProject(entry, upstream: request.upstream, client: client, etag: nil) })
            let resolved = await closure.resolve(filter.includes, listed: listed)
            filter.includes = resolved.requirements
            prefetched = resolved.pages
            report.failures += resolved.failures
            serialsTrusted = false
        }

        var unchanged = Set<String>()
        var toRead: [UpstreamProjectEntry] = []
        var seen = Set<String>()
        for entry in root.projects where filter.wants(project: entry.normalized) && seen.insert(entry.normalized).inserted {
            if serialsTrusted, let serial = entry.serial, let known = state?.projects[entry.normalized], known.serial == serial {
                unchanged.insert(entry.normalized)
            } else {
                toRead.append(entry)
            }
        }
        if let included = filter.includedProjects {
            for missing in included.subtracting(seen).sorted() {
                report.failures.append(SyncFailure(subject: missing, .badResponse("the upstream index does not list '\(missing)'")))
            }
        }

        let reads = await concurrentMap(toRead, limit: max(4, request.connection.downloadConcurrency)) { [prefetched] entry in
            if let read = prefetched[entry.normalized] { return read }
            return await readProject(entry, upstream: request.upstream, client: client, etag: state?.projects[entry.normalized]?.etag)
        }
        report.projectsChecked = toRead.count
        var offered: [String: [UpstreamFile]] = [:]
        var projectStates: [String: ProjectSyncState?] = [:]
        var failedProjects = Set<String>()
        for (entry, read) in zip(toRead, reads) {
            switch read {
            case .notModified:
                unchanged.insert(entry.normalized)
                projectStates[entry.normalized] = ProjectSyncState(serial: entry.serial, etag: state?.projects[entry.normalized]?.etag)
            case .gone:
                offered[entry.normalized] = []
                projectStates[entry.normalized] = .some(nil)
            case .failed(let failure):
                report.failures.append(failure)
                unchanged.insert(entry.normalized)
                failedProjects.insert(entry.normalized)
            case .read(let project, let unverifiable, let etag):
                let selected = filter.select(project.files, project: entry.normalized, now: now)
                offered[entry.normalized] = selected
                let withoutHash = filter.select(
                    unverifiable.map { UpstreamFile(filename: $0, url: "", sha256: "") }, project: entry.normalized, now: now)
                for file in withoutHash {
                    report.failures.append(SyncFailure(subject: file.filename, .badResponse("upstream declares no sha256 for it, so it cannot be verified")))
                    failedProjects.insert(entry.normalized)
                }
                let heldBack = filter.minimumAgeSeconds > 0 && project.files.contains { file in
                    file.uploadTime.map { $0.microseconds > now.microseconds - filter.minimumAgeSeconds * 1_000_000 } ?? false
                }
                // A project with files held back by the cool-down is read again next time.
                projectStates[entry.normalized] = heldBack ? .some(nil) : ProjectSyncState(serial: entry.serial ?? project.serial, etag: etag)
            }
        }

        let repository = try await store.repository(id: repositoryID)
        var local: [String: [LocalFile]] = [:]
        for held in try await store.packages(repositoryID: repositoryID, version: repository.latestVersion) {
            local[held.package.nameNormalized, default: []].append(
                LocalFile(
                    packageID: held.package.id, filename: held.package.filename, sha256: held.package.sha256,
                    yanked: held.yanked ? .yanked(reason: held.yankedReason) : .notYanked))
        }
        let plan = SyncPlanner.plan(offered: offered, unchanged: unchanged, local: local, mirror: request.mirror)
        for conflict in plan.conflicts {
            report.failures.append(
                SyncFailure(subject: conflict.filename, .refused("the repository holds other bytes under this filename; a filename is never reused, so upstream's file was not taken")))
            failedProjects.insert(ProjectName.normalize(conflict.distribution?.name.original ?? conflict.filename))
        }

        let acquired = await concurrentMap(plan.acquire, limit: max(1, request.connection.downloadConcurrency)) { file in
            await acquire(file, policy: request.policy, client: client, now: now)
        }
        var changes = ContentChanges(remove: plan.remove, yank: plan.yank, unyank: plan.unyank)
        for (file, result) in zip(plan.acquire, acquired) {
            switch result {
            case .success(let package):
                changes.add.append(package.id)
                if case .yanked(let reason) = file.yanked { changes.yank[package.id] = reason }
            case .failure(let failure):
                report.failures.append(failure)
                failedProjects.insert(ProjectName.normalize(file.distribution?.name.original ?? file.filename))
            }
        }
        // A project with a failure is read again next time, whatever its serial says.
        for project in failedProjects { projectStates[project] = .some(nil) }

        let completion = SyncCompletion(changes: changes, root: report.failures.isEmpty ? (root.serial, rootETag) : nil, projects: projectStates)
        let version = try await store.completeSync(
            repositoryID: repositoryID, distributionName: request.distribution, url: request.upstream.url, filter: fingerprint,
            completion: completion)
        report.repositoryVersion = version?.number
        if version != nil {
            var projectOf: [Int64: String] = [:]
            for (project, files) in local { for file in files { projectOf[file.packageID] = project } }
            let added = Set(changes.add).subtracting(projectOf.keys)
            for (file, result) in zip(plan.acquire, acquired) {
                if case .success(let package) = result { projectOf[package.id] = ProjectName.normalize(file.distribution?.name.original ?? file.filename) }
            }
            report.filesAdded = added.count
            report.filesRemoved = Set(changes.remove).count
            let touched = added.union(changes.remove).union(changes.yank.keys).union(changes.unyank)
            report.projectsChanged = Set(touched.compactMap { projectOf[$0] }).count
        }
        return report
    }

    /// The repository a distribution serves, creating both (named alike) when missing.
    private func repositoryFor(distribution name: String) async throws -> Int64 {
        if let distribution = try? await store.distribution(named: name) {
            guard let described = try await store.describe(distribution.target) else {
                throw ReplicationError.configuration("the distribution '\(name)' serves no repository; point it at one first")
            }
            return try await store.repository(named: described.repository).id
        }
        let repository: Repository
        if let existing = try? await store.repository(named: name) {
            repository = existing
        } else {
            repository = try await store.createRepository(name: name)
        }
        _ = try await store.createDistribution(name: name, basePath: name, target: .repository(repository.id))
        return repository.id
    }

    /// The root listing, or nil when it is unchanged (304). A listing older than the serial
    /// already applied is a lagging cache: read again with backoff, never applied.
    private func readRoot(
        _ upstream: UpstreamIndex, client: UpstreamClient, etag: String?, knownSerial: Int64?
    ) async throws -> (UpstreamRoot, String?)? {
        for attempt in 0...client.settings.maxRetries {
            let response = try await client.page(upstream.simpleRoot, accept: Self.accept, etag: attempt == 0 ? etag : nil)
            if response.status == 304 { return nil }
            guard response.status == 200 else {
                throw ReplicationError.badResponse("\(upstream.simpleRoot) answered \(response.status); is \(upstream.url) a Python package index?")
            }
            let root = try SimplePageReader.root(response.body, contentType: response.contentType, serialHeader: response.serial, page: upstream.simpleRoot)
            if let knownSerial, let serial = root.serial, serial < knownSerial {
                logger.warning("upstream listing is older than the last sync; reading again", metadata: ["serial": "\(serial)", "known": "\(knownSerial)"])
                try? await Task.sleep(for: .milliseconds(500 * (1 << min(attempt, 5))))
                continue
            }
            return (root, response.etag)
        }
        throw ReplicationError.stale("\(upstream.simpleRoot) keeps serving a listing older than serial \(knownSerial ?? 0), which was already applied; a cache in front of the upstream lags behind")
    }

    enum ProjectRead: Sendable {
        case read(UpstreamProject, unverifiable: [String], etag: String?)
        case notModified
        case gone
        case failed(SyncFailure)
    }

    private func readProject(_ entry: UpstreamProjectEntry, upstream: UpstreamIndex, client: UpstreamClient, etag: String?) async -> ProjectRead {
        let url = upstream.projectURL(entry.normalized)
        do {
            for attempt in 0...client.settings.maxRetries {
                let response = try await client.page(url, accept: Self.accept, etag: attempt == 0 ? etag : nil)
                switch response.status {
                case 304: return .notModified
                case 404, 410: return .gone
                case 200: break
                default: throw ReplicationError.badResponse("\(url) answered \(response.status)")
                }
                let (project, unverifiable) = try SimplePageReader.project(
                    response.body, contentType: response.contentType, serialHeader: response.serial, page: url, fallbackName: entry.name)
                if let listed = entry.serial, let serial = project.serial, serial < listed {
                    try? await Task.sleep(for: .milliseconds(500 * (1 << min(attempt, 5))))
                    continue
                }
                progress(.projectRead(entry.normalized))
                return .read(project, unverifiable: unverifiable, etag: response.etag)
            }
            throw ReplicationError.stale("\(url) keeps serving a page older than the serial \(entry.serial ?? 0) the listing names; it was not applied")
        } catch let error as ReplicationError {
            return .failed(SyncFailure(subject: entry.normalized, error))
        } catch {
            return .failed(SyncFailure(subject: entry.normalized, .badResponse("\(error)")))
        }
    }

    /// A package for an upstream file: the one already recorded with the same bytes, or (on
    /// demand) the file recorded with its metadata, or the file downloaded, verified and read.
    private func acquire(_ file: UpstreamFile, policy: SyncPolicy, client: UpstreamClient, now: Timestamp) async -> Result<Package, SyncFailure> {
        do {
            for known in try await store.packages(filename: file.filename) where known.sha256 == file.sha256 {
                if policy == .onDemand { return .success(known) }
                if try await store.isStored(known) { return .success(known) }
            }
            if policy == .onDemand, file.size != nil {
                do {
                    return .success(try await recordOnDemand(file, client: client, now: now))
                } catch {
                    return .failure(SyncFailure(subject: file.filename, error))
                }
            }
            let blob: WrittenBlob
            do {
                blob = try await client.download(file, into: store.blobs)
            } catch {
                return .failure(SyncFailure(subject: file.filename, error))
            }
            let package = try await store.ingest(blob, filename: file.filename, uploadTime: file.uploadTime ?? now, strict: false)
            progress(.fileStored(file.filename, bytes: package.size))
            return .success(package)
        } catch {
            return .failure(SyncFailure(subject: file.filename, .refused("\(error)")))
        }
    }
}

/// Progress of a running sync.
public enum SyncProgress: Sendable {
    case projectRead(String)
    case fileStored(String, bytes: Int64)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Synchronizer {
    /// Records an upstream file without downloading it: its identity and upload time from the
    /// page, its metadata from the PEP 658 file when upstream offers one (stored, so clients
    /// resolve without downloading), else name and version from the filename.
    func recordOnDemand(_ file: UpstreamFile, client: UpstreamClient, now: Timestamp) async throws(ReplicationError) -> Package {
        guard let distribution = file.distribution, let size = file.size else {
            throw .badResponse("\(file.filename) is not a distribution filename, or upstream does not declare its size")
        }
        var name = distribution.name.original
        var version = distribution.versionText
        var members: [(String, JSONValue)] = [("name", .string(name)), ("version", .string(version))]
        var metadataSHA256: String?
        if file.coreMetadataSHA256 != nil {
            let bytes = try await client.coreMetadata(of: file)
            let metadata = CoreMetadata(parsing: bytes)
            name = metadata.name ?? name
            version = metadata.version ?? version
            members = metadata.warehouseInfoMembers
            do {
                metadataSHA256 = try await store.storeBytes(bytes).sha256
            } catch {
                throw .refused("cannot store the metadata of \(file.filename): \(error)")
            }
        }
        let new = NewPackage(
            filename: file.filename, sha256: file.sha256, size: size, md5: nil, blake2b256: nil, name: name, version: version,
            packageType: distribution.packageType, pythonVersion: distribution.pythonVersion, requiresPython: file.requiresPython,
            metadataJSON: JSONValue.object(members).rendered, metadataSHA256: metadataSHA256, uploadTime: file.uploadTime ?? now,
            upstreamURL: file.url)
        do {
            let package = try await store.record(new)
            progress(.fileStored(file.filename, bytes: 0))
            return package
        } catch {
            throw .refused("cannot record \(file.filename): \(error)")
        }
    }
}
