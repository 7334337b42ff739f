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
    /// Read everything as on a first sync: no recorded serials, ETags or journal (an upstream
    /// restored from a backup, whose serials went back).
    public var full = false

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

    /// Runs one sync and answers its summary.
    public func run(_ request: SyncRequest) async throws -> SyncReport {
        let started = ContinuousClock.now
        let client = try UpstreamClient(settings: request.connection, index: request.upstream.url, logger: logger)
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
        // A change of policy reads everything again: an immediate sync after an on-demand one
        // fetches the files that were only recorded.
        let fingerprint =
            request.filter.fingerprint + "|mirror=\(request.mirror)|policy=\(request.policy.rawValue)"
            + (request.dependencies.map { "|dependencies=" + $0.fingerprint } ?? "")
        let recorded = try await store.syncState(repositoryID: repositoryID, url: request.upstream.url)
        let state = recorded?.filter == fingerprint && !request.full ? recorded : nil

        // Another Wheelhouse says what changed since the serial applied: only those projects
        // are read, and the listing is not. (Not with dependencies or a cool-down, which look
        // at projects whose own pages did not change.)
        var journal: UpstreamRoot?
        // A journal URL recorded before epochs existed is not used: one listing read records the new one.
        if let state, let since = state.serial, let changesURL = state.changesURL, changesURL.contains("epoch="), request.dependencies == nil,
            request.filter.minimumAgeSeconds == 0
        {
            journal = await readChanges(changesURL, since: since, client: client)
            if let journal, journal.projects.isEmpty {
                report.upstreamSerial = journal.serial
                return report
            }
        }
        let root: UpstreamRoot
        let rootETag: String?
        let changesURL: String?
        var serialsTrusted: Bool
        if let journal {
            (root, rootETag, changesURL, serialsTrusted) = (journal, nil, state?.changesURL, false)
        } else {
            // With a cool-down, time alone releases held-back files: the listing is read in
            // full (projects with held-back files were forgotten, so they are read again).
            let rootETagToSend = request.filter.minimumAgeSeconds > 0 ? nil : state?.rootETag
            let rootResponse = try await readRoot(
                request.upstream, client: client, etag: rootETagToSend, knownSerial: state?.serial, knownChanges: state?.changesURL)
            guard let rootResponse else {
                report.upstreamSerial = state?.serial
                logger.info("upstream unchanged since the last sync", metadata: ["upstream": "\(request.upstream)"])
                return report
            }
            (root, rootETag, changesURL) = rootResponse
            // Serials can skip unchanged projects only if they move when the listing does: an
            // upstream whose root changed but whose serial did not (Pulp's constant serial) is
            // checked project by project with conditional requests instead.
            serialsTrusted = root.serial != nil
            if let state, state.serial == root.serial, rootETag == nil || state.rootETag == nil || rootETag != state.rootETag {
                serialsTrusted = false
            }
            // Another journal (a distribution replaced upstream) numbers its serials afresh.
            if let recorded = state?.changesURL, recorded != changesURL { serialsTrusted = false }
        }
        report.upstreamSerial = root.serial
        let now = Timestamp.now()

        // With dependencies, the include list grows by what the included releases require;
        // the pages read to find out are used again below, and every project of the closure
        // is looked at (a new requirer can widen a project whose own page did not change).
        var filter = request.filter
        var prefetched: [String: ProjectRead] = [:]
        var closureComplete = true
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
            // A closure cut short by a failure may leave out projects still needed: none is removed.
            closureComplete = resolved.failures.isEmpty
        }

        var tally = SyncTally()
        var toRead: [UpstreamProjectEntry] = []
        var listed = Set<String>()
        let known = state == nil ? [:] : try await store.syncProjectStates(repositoryID: repositoryID, url: request.upstream.url)
        let scope = filter.projectScope
        // One entry per project: a listing that names one twice (Foo_Bar and foo-bar) counts
        // with the higher serial, or with none when a spelling has none.
        var entries: [UpstreamProjectEntry] = []
        var position: [String: Int] = [:]
        for entry in root.projects where scope.contains(entry.normalized) {
            guard let at = position[entry.normalized] else {
                position[entry.normalized] = entries.count
                entries.append(entry)
                continue
            }
            entries[at].serial = entries[at].serial.flatMap { first in entry.serial.map { max(first, $0) } }
        }
        for entry in entries {
            listed.insert(entry.normalized)
            // Skipped when its serial is the one last applied in full.
            if !(serialsTrusted && entry.serial != nil && known[entry.normalized]?.serial == entry.serial) {
                toRead.append(entry)
            }
        }
        if journal == nil, let included = scope.included {
            for missing in included.subtracting(listed).sorted() {
                tally.failures.append(SyncFailure(subject: missing, .badResponse("the upstream index does not list '\(missing)'")))
                // Kept as it is: an include the listing lacks is a failure to look into, not a removal.
                listed.insert(missing)
            }
        }
        let etags = known.compactMapValues(\.etag)
        report.projectsChecked = toRead.count

        // Projects are read, planned and acquired in slices, so memory stays bounded by the
        // slice, not by the size of the upstream; the slices' changes land together at the end.
        let version = try await store.repository(id: repositoryID).latestVersion
        let step = ChunkStep(
            request: request, filter: filter, repositoryID: repositoryID, version: version, client: client, now: now, prefetched: prefetched,
            etags: etags)
        var index = 0
        while index < toRead.count {
            let slice = Array(toRead[index..<min(index + 2_000, toRead.count)])
            index += slice.count
            try await process(slice, step, into: &tally)
        }
        if request.mirror, journal == nil, closureComplete {
            // What the repository holds that upstream no longer lists (or the filter no longer
            // wants) goes; projects that failed to read stay as they are.
            let vanished = try await store.projectNames(repositoryID: repositoryID, version: version).subtracting(listed)
            if root.projects.isEmpty, !vanished.isEmpty {
                // An empty listing is far likelier a broken upstream than a deliberate wipe.
                tally.failures.append(
                    SyncFailure(
                        subject: request.upstream.simpleRoot,
                        .badResponse("the upstream lists no projects at all; nothing was removed (check the upstream URL)")))
            } else {
                let local = try await localFiles(repositoryID: repositoryID, version: version, projects: vanished)
                tally.apply(SyncPlanner.plan(offered: [:], local: local, mirror: true), acquired: [], local: local)
                // Their recorded serials and ETags go too: a project that comes back is read in full.
                for project in vanished { tally.projectStates[project] = .some(nil) }
            }
        }
        // A project with a failure is read again next time, whatever its serial says.
        for project in tally.failedProjects { tally.projectStates[project] = .some(nil) }

        report.failures += tally.failures
        let completion = SyncCompletion(
            changes: tally.changes, root: report.failures.isEmpty ? (root.serial, rootETag, changesURL) : nil, projects: tally.projectStates)
        let newVersion = try await store.completeSync(
            repositoryID: repositoryID, distributionName: request.distribution, url: request.upstream.url, filter: fingerprint,
            completion: completion)
        report.repositoryVersion = newVersion?.number
        if newVersion != nil {
            report.filesAdded = tally.filesAdded
            report.filesRemoved = Set(tally.changes.remove).count
            report.projectsChanged = tally.changedProjects.count
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
        _ upstream: UpstreamIndex, client: UpstreamClient, etag: String?, knownSerial: Int64?, knownChanges: String?
    ) async throws -> (UpstreamRoot, etag: String?, changesURL: String?)? {
        for attempt in 0...client.settings.maxRetries {
            let response = try await client.page(upstream.simpleRoot, accept: Self.accept, etag: attempt == 0 ? etag : nil)
            if response.status == 304 { return nil }
            guard response.status == 200 else {
                throw ReplicationError.badResponse("\(upstream.simpleRoot) answered \(response.status); is \(upstream.url) a Python package index?")
            }
            let root = try SimplePageReader.root(response.body, contentType: response.contentType, serialHeader: response.serial, page: upstream.simpleRoot)
            let changes = response.headers.first(name: "x-wheelhouse-changes").flatMap { UpstreamIndex.resolve($0, against: upstream.simpleRoot) }
            // Serials compare only within one journal: a replaced upstream distribution starts over.
            if let knownSerial, let serial = root.serial, serial < knownSerial, knownChanges == nil || knownChanges == changes {
                logger.warning("upstream listing is older than the last sync; reading again", metadata: ["serial": "\(serial)", "known": "\(knownSerial)"])
                try await Task.sleep(for: .milliseconds(500 * (1 << min(attempt, 5))))
                continue
            }
            return (root, response.etag, changes)
        }
        throw ReplicationError.stale(
            "\(upstream.simpleRoot) keeps serving a listing older than serial \(knownSerial ?? 0), which was already applied: a cache in front of the upstream lags behind, or the upstream was restored from a backup (then sync once with --full)")
    }

    enum ProjectRead: Sendable {
        case read(UpstreamProject, refused: [RefusedFile], etag: String?)
        case notModified
        case gone
        case failed(SyncFailure)
    }

    func readProject(_ entry: UpstreamProjectEntry, upstream: UpstreamIndex, client: UpstreamClient, etag: String?) async -> ProjectRead {
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
                let (project, refused) = try SimplePageReader.project(
                    response.body, contentType: response.contentType, serialHeader: response.serial, page: url, fallbackName: entry.name)
                if let listed = entry.serial, let serial = project.serial, serial < listed {
                    try await Task.sleep(for: .milliseconds(500 * (1 << min(attempt, 5))))
                    continue
                }
                progress(.projectRead(entry.normalized))
                return .read(project, refused: refused, etag: response.etag)
            }
            throw ReplicationError.stale("\(url) keeps serving a page older than the serial \(entry.serial ?? 0) the listing names; it was not applied")
        } catch let error as ReplicationError {
            return .failed(SyncFailure(subject: entry.normalized, error))
        } catch {
            return .failed(SyncFailure(subject: entry.normalized, .badResponse("\(error)")))
        }
    }

    /// A package for an upstream file: the one already stored with the same bytes, or the
    /// file downloaded, verified and read.
    func acquire(_ file: UpstreamFile, client: UpstreamClient, now: Timestamp) async -> Result<Package, SyncFailure> {
        do {
            if let known = try await store.storedPackage(filename: file.filename, sha256: file.sha256) { return .success(known) }
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
    /// Warehouse's `info` members for metadata not read yet (no `metadata_version`).
    static let unknownMetadataMembers = CoreMetadata(parsing: []).warehouseInfoMembers

    /// Records upstream files without downloading them, in one transaction: identity, size,
    /// upload time and requires-python from the page, name and version from the filename, and
    /// the PEP 658 metadata hash, whose file the server fetches with the distribution's on
    /// first request. Files whose page does not declare a size are downloaded instead.
    func recordOnDemand(_ files: [UpstreamFile], keep: Bool, client: UpstreamClient, now: Timestamp) async throws -> [Result<Package, SyncFailure>] {
        var results = [Result<Package, SyncFailure>?](repeating: nil, count: files.count)
        var news: [(index: Int, package: NewPackage)] = []
        for (index, file) in files.enumerated() {
            guard let distribution = file.distribution, let size = file.size else {
                results[index] = await acquire(file, client: client, now: now)
                continue
            }
            // Every Warehouse `info` member, null until the metadata is fetched, but what the page told.
            let members = Self.unknownMetadataMembers.map { member -> (String, JSONValue) in
                switch member.0 {
                case "name": (member.0, .string(distribution.name.original))
                case "version": (member.0, .string(distribution.versionText))
                case "requires_python": (member.0, .optional(file.requiresPython))
                default: member
                }
            }
            news.append(
                (index, NewPackage(
                    filename: file.filename, sha256: file.sha256, size: size, md5: nil, blake2b256: nil, name: distribution.name.original,
                    version: distribution.versionText, packageType: distribution.packageType, pythonVersion: distribution.pythonVersion,
                    requiresPython: file.requiresPython, metadataJSON: JSONValue.object(members).rendered, metadataSHA256: file.coreMetadataSHA256,
                    uploadTime: file.uploadTime ?? now, upstreamURL: file.url, keepFetched: keep)))
        }
        for (item, package) in zip(news, try await store.record(news.map(\.package))) {
            results[item.index] = .success(package)
            progress(.fileStored(package.filename, bytes: 0))
        }
        return results.map { $0! }
    }
}
