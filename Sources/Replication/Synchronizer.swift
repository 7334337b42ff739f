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
    /// The repository that receives the content instead, leaving every distribution as it is
    /// (a sync through the management API, as in Pulp).
    public var repositoryID: Int64?
    /// Also mirror what the included releases require, transitively, for these targets.
    public var dependencies: DependencyTargets?
    public var policy: SyncPolicy
    /// Read everything as on a first sync: no recorded serials, ETags or journal (an upstream
    /// restored from a backup, whose serials went back).
    public var full = false
    /// Only ask the upstream what changed and count the project pages a sync would read: no
    /// page is read and no repository changes (the dependency closure, which reads pages, is
    /// not followed: the named includes are counted).
    public var dryRun = false

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

/// Syncs a repository from an upstream index: asks what changed (the journal of another
/// Wheelhouse, the listing, or only the included projects' pages), reads the project pages
/// `ReadPlanner` names, plans each slice with `SyncPlanner`, downloads and verifies what is
/// missing, and applies the result as one new repository version together with the upstream
/// position it reflects.
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

    /// Runs one sync over HTTP and answers its summary.
    public func run(_ request: SyncRequest) async throws -> SyncReport {
        let client = try UpstreamClient(settings: request.connection, index: request.upstream.url, logger: logger)
        do {
            let report = try await run(request, over: client)
            await client.shutdown()
            return report
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Runs one sync over a connection the caller owns.
    func run(_ request: SyncRequest, over client: any UpstreamConnection) async throws -> SyncReport {
        let started = ContinuousClock.now
        var report = try await sync(request, client: client)
        report.upstreamRequests = client.requests
        report.bytesDownloaded = client.bytesDownloaded
        report.seconds = (ContinuousClock.now - started).seconds
        return report
    }

    private func sync(_ request: SyncRequest, client: any UpstreamConnection) async throws -> SyncReport {
        var report = SyncReport(upstream: request.upstream.url)
        if request.dryRun { return try await dryRun(request, client: client) }
        let repositoryID: Int64
        if let chosen = request.repositoryID {
            repositoryID = chosen
        } else {
            repositoryID = try await repositoryFor(distribution: request.distribution)
        }
        let fingerprint = fingerprint(request)
        let recorded = try await store.syncState(repositoryID: repositoryID, url: request.upstream.url)
        let state = recorded?.filter == fingerprint && !request.full ? recorded : nil
        var context = ReadContext(
            scope: request.filter.projectScope, recorded: state, known: [:], followsDependencies: request.dependencies != nil,
            coolingDown: request.filter.minimumAgeSeconds > 0)
        // Per-project state is loaded only once pages are to be read.
        let known = { state == nil ? [:] : try await store.syncProjectStates(repositoryID: repositoryID, url: request.upstream.url) }

        guard let (evidence, position) = try await askUpstream(request, context, client: client, report: &report) else { return report }
        context.known = try await known()
        let now = Timestamp.now()

        // With dependencies (which need an include list, so no listing is read), the include
        // list grows by what the included releases require; the pages read to find out are
        // used again below, and every project of the closure is looked at (a new requirer can
        // widen a project whose own page did not change).
        var filter = request.filter
        var prefetched: [String: ProjectRead] = [:]
        var closureComplete = true
        if let targets = request.dependencies, !filter.includes.isEmpty {
            let closure = DependencyClosure(
                filter: filter, targets: targets, store: store, client: client, now: now,
                readPage: { entry in await readProject(entry, upstream: request.upstream, client: client, etag: nil) })
            let resolved = await closure.resolve(filter.includes)
            filter.includes = resolved.requirements
            prefetched = resolved.pages
            report.failures += resolved.failures
            // A closure cut short by a failure (a metadata file, or a page it could not read) may
            // leave out projects still needed: none is removed.
            closureComplete = resolved.failures.isEmpty && !resolved.pages.values.contains { if case .failed = $0 { true } else { false } }
            context.scope = filter.projectScope
        }
        let plan = ReadPlanner.plan(evidence, context)
        report.projectsChecked = plan.reads.count

        var tally = SyncTally()
        // Projects are read, planned and acquired in slices, so memory stays bounded by the
        // slice, not by the size of the upstream; the slices' changes land together at the end.
        let version = try await store.repository(id: repositoryID).latestVersion
        let step = ChunkStep(
            request: request, filter: filter, repositoryID: repositoryID, version: version, client: client, now: now, prefetched: prefetched,
            goneMeansRemoved: plan.goneMeansRemoved)
        var index = 0
        while index < plan.reads.count {
            let slice = Array(plan.reads[index..<min(index + 2_000, plan.reads.count)])
            index += slice.count
            try await process(slice, step, into: &tally)
        }
        if request.mirror, let listed = plan.listed, closureComplete {
            try await removeUnlisted(listed, emptyListing: plan.emptyListing, request, repositoryID: repositoryID, version: version, into: &tally)
        }
        // A project with a failure is read again next time, in full, whatever its serial says
        // (it stays among the projects known, so that an unchanged listing reads it too).
        for project in tally.failedProjects { tally.projectStates[project] = .unknown }

        report.failures += tally.failures
        var applied = position
        if case .includes = evidence { applied = tally.pagePosition ?? UpstreamPosition() }
        report.upstreamSerial = report.upstreamSerial ?? applied.serial
        let completion = SyncCompletion(changes: tally.changes, position: report.failures.isEmpty ? applied : nil, projects: tally.projectStates)
        let newVersion = try await store.completeSync(
            repositoryID: repositoryID, distributionName: request.repositoryID == nil ? request.distribution : nil, url: request.upstream.url, filter: fingerprint,
            completion: completion)
        report.repositoryVersion = newVersion?.number
        report.sizesFromHead = tally.sizesFromHead
        if newVersion != nil {
            report.filesAdded = tally.filesAdded
            report.filesRemoved = Set(tally.changes.remove).count
            report.projectsChanged = tally.changedProjects.count
        }
        return report
    }

    /// A sync that only asks: the pages it would read, counted from what the upstream says
    /// and what the distribution's repository recorded (nothing when it does not exist yet).
    private func dryRun(_ request: SyncRequest, client: any UpstreamConnection) async throws -> SyncReport {
        var report = SyncReport(upstream: request.upstream.url)
        report.dryRun = true
        var repositoryID = request.repositoryID
        if repositoryID == nil, try await store.distributions().contains(where: { $0.name == request.distribution }) {
            let distribution = try await store.distribution(named: request.distribution)
            if let served = try await store.describe(distribution.target) {
                repositoryID = try await store.repository(named: served.repository).id
            }
        }
        var context = ReadContext(
            scope: request.filter.projectScope, recorded: nil, known: [:], followsDependencies: request.dependencies != nil,
            coolingDown: request.filter.minimumAgeSeconds > 0)
        if let repositoryID, !request.full, let recorded = try await store.syncState(repositoryID: repositoryID, url: request.upstream.url),
            recorded.filter == fingerprint(request)
        {
            context.recorded = recorded
            context.known = try await store.syncProjectStates(repositoryID: repositoryID, url: request.upstream.url)
        }
        guard let (evidence, _) = try await askUpstream(request, context, client: client, report: &report) else { return report }
        report.projectsChecked = ReadPlanner.plan(evidence, context).reads.count
        return report
    }

    /// The settings a sync's state is recorded under: state recorded under others is not reused.
    /// An additive sync leaves what a mirror would remove, so its state is not a mirror's; a
    /// change of policy reads everything again (an immediate sync after an on-demand one
    /// fetches the files that were only recorded).
    private func fingerprint(_ request: SyncRequest) -> String {
        request.filter.fingerprint + "|mirror=\(request.mirror)|policy=\(request.policy.rawValue)"
            + (request.dependencies.map { "|dependencies=" + $0.fingerprint } ?? "")
    }

    /// What the upstream says before any project page is read, and the position to record;
    /// nil when it says nothing changed (the sync ends there).
    private func askUpstream(
        _ request: SyncRequest, _ context: ReadContext, client: any UpstreamConnection, report: inout SyncReport
    ) async throws -> (UpstreamEvidence, UpstreamPosition)? {
        let recorded = context.recorded?.position ?? UpstreamPosition()
        var first: FirstRead
        switch ReadPlanner.start(context) {
        case .withoutJournal(let read):
            first = read
        case .journal(let url, let since):
            if let changes = await readChanges(url, since: since, client: client) {
                report.upstreamSerial = changes.serial
                guard !changes.projects.isEmpty else { return nil }
                return (.journal(changes), UpstreamPosition(serial: changes.serial, changesURL: url, listingSerials: recorded.listingSerials))
            }
            first = ReadPlanner.firstRead(context)
        }
        switch first {
        case .includedPages:
            return (.includes, UpstreamPosition())
        case .listing(let etag):
            guard let listing = try await readRoot(request.upstream, client: client, etag: etag, known: context.recorded?.position) else {
                report.upstreamSerial = recorded.serial
                // An unchanged listing that carries moving serials means unchanged projects.
                if recorded.listingSerials {
                    logger.info("upstream unchanged since the last sync", metadata: ["upstream": "\(request.upstream)"])
                    return nil
                }
                return (.unchangedListing, recorded)
            }
            report.upstreamSerial = listing.root.serial
            let trusts = ReadPlanner.trustsSerials(listing.root, etag: listing.etag, changesURL: listing.changesURL, context)
            return (
                .listing(listing.root, trustsSerials: trusts),
                UpstreamPosition(
                    serial: listing.root.serial, rootETag: listing.etag, changesURL: listing.changesURL,
                    listingSerials: ReadPlanner.serialsMove(listing.root))
            )
        }
    }

    /// Mirror mode: what the repository holds that upstream no longer lists (or the filter no
    /// longer wants) goes; projects that failed to read stay as they are.
    private func removeUnlisted(
        _ listed: Set<String>, emptyListing: Bool, _ request: SyncRequest, repositoryID: Int64, version: Int, into tally: inout SyncTally
    ) async throws {
        let vanished = try await store.projectNames(repositoryID: repositoryID, version: version).subtracting(listed)
        guard !vanished.isEmpty else { return }
        if emptyListing {
            tally.failures.append(
                SyncFailure(
                    subject: request.upstream.simpleRoot,
                    .badResponse("the upstream lists no projects at all; nothing was removed (check the upstream URL)")))
            return
        }
        let local = try await localFiles(repositoryID: repositoryID, version: version, projects: vanished)
        tally.apply(SyncPlanner.plan(offered: [:], local: local, mirror: true), acquired: [], local: local)
        // Their recorded serials and ETags go too: a project that comes back is read in full.
        for project in vanished { tally.projectStates[project] = .some(nil) }
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
}

/// Progress of a running sync.
public enum SyncProgress: Sendable {
    case projectRead(String)
    case fileStored(String, bytes: Int64)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
