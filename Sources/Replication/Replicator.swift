public import ContentStore
import Foundation
public import Logging
import PythonPackaging

/// Replicates an upstream Pulp (or Wheelhouse): lists its python distributions through its
/// REST API, plans with `ReplicationPlan`, syncs each one that changed into a local repository
/// of the same name (through a remote of the same name, incrementally), and only when every
/// sync succeeded switches all the local distributions to their new versions, and removes
/// what the delete policy says, in one transaction. A failure leaves every distribution
/// serving what it served before.
public struct Replicator: Sendable {
    public let store: ContentStore
    public let logger: Logger

    /// The label replicas carry: `UpstreamPulp: <upstream uuid>`, as pulpcore labels them.
    public static let markerKey = "UpstreamPulp"
    /// Distributions synced at once.
    static let concurrency = 4
    /// The most distributions taken from one upstream.
    static let maximumDistributions = 100_000

    public init(store: ContentStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// One run; `q` replaces the stored `q_select` for this run (and then nothing is removed).
    public func run(_ upstream: StoredUpstreamPulp, q override: String? = nil) async throws -> ReplicationReport {
        let started = ContinuousClock.now
        let definition = try UpstreamPulpDefinition.decoded(upstream.definition)
        try definition.check()
        var report = ReplicationReport(upstream: definition.baseURL)
        let client = try UpstreamClient(settings: definition.connection, index: definition.baseURL, logger: logger)
        let listing: [UpstreamDistribution]
        do {
            listing = try await list(definition, q: override ?? definition.qSelect, client: client)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
        report.listed = listing.count
        report.requests = client.requests

        let marker = (key: Self.markerKey, value: upstream.uuid)
        try await adoptUnused(named: Set(listing.map(\.name)), marker: marker)
        let local = try await store.distributions().map { distribution in
            let servesVersion = if case .repositoryVersion = distribution.target { true } else { false }
            return ReplicationPlan.Local(name: distribution.name, basePath: distribution.basePath, labels: distribution.labels, servesVersion: servesVersion)
        }
        let plan = ReplicationPlan.make(
            upstream: listing, local: local, marker: marker, policy: definition.policy, marks: upstream.marks,
            selective: override != nil, validBasePath: { (try? ContentStore.validate(basePath: $0)) != nil })
        report.unchanged = plan.unchanged
        report.refused = plan.refused

        let results = await concurrentMap(plan.sync, limit: Self.concurrency) { distribution in
            await replicate(distribution, definition: definition, marker: marker)
        }
        var change = ReplicaSwitch(upstreamPulpID: upstream.id, marker: marker)
        let listed = Dictionary(listing.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in plan.unchanged + plan.sync.map(\.name) {
            if let mark = listed[name]?.noContentChangeSince { change.marks[name] = mark }
        }
        for (distribution, result) in zip(plan.sync, results) {
            switch result {
            case .success(let (sync, versionID)):
                report.synced.append((distribution.name, sync))
                report.requests += sync.upstreamRequests
                change.entries.append(
                    .init(
                        name: distribution.name, basePath: distribution.basePath, versionID: versionID,
                        labels: distribution.labels.merging([marker.key: marker.value]) { $1 }))
            case .failure(let error):
                report.failures[distribution.name] = Self.describe(error)
            }
        }
        if report.failures.isEmpty {
            change.removals = plan.remove
            try await store.applyReplication(change)
            report.removed = plan.remove
            report.switched = true
        }
        report.seconds = (ContinuousClock.now - started).seconds
        return report
    }

    /// Every python distribution the upstream lists (following `next`).
    private func list(_ definition: UpstreamPulpDefinition, q: String?, client: UpstreamClient) async throws -> [UpstreamDistribution] {
        var url: String? = try definition.listURL(offset: 0, q: q)
        var distributions: [UpstreamDistribution] = []
        while let page = url {
            let response = try await client.page(page, accept: "application/json", etag: nil, limit: 64 << 20)
            switch response.status {
            case 200: break
            case 401, 403:
                throw ReplicationError.configuration("\(page) answered \(response.status): the upstream refused the credentials; check the username and password")
            case 404:
                throw ReplicationError.badResponse("\(page) answered 404: is \(definition.baseURL) a Pulp or Wheelhouse with the python plugin, and is the API root \(definition.apiRoot)?")
            default:
                throw ReplicationError.badResponse("\(page) answered \(response.status)")
            }
            let parsed = try UpstreamDistribution.page(response.body, from: response.url)
            distributions += parsed.distributions
            guard distributions.count <= Self.maximumDistributions else {
                throw ReplicationError.badResponse("the upstream lists more than \(Self.maximumDistributions) distributions; narrow them with a label selector")
            }
            url = parsed.distributions.isEmpty ? nil : parsed.next
        }
        return distributions
    }

    /// Syncs one distribution into its replica repository; the version to switch to.
    private func replicate(
        _ distribution: UpstreamDistribution, definition: UpstreamPulpDefinition, marker: (key: String, value: String)
    ) async -> Result<(SyncReport, Int64), any Error> {
        do {
            var remote = RemoteDefinition(url: distribution.baseURL)
            remote.policy = definition.syncPolicy.rawValue
            remote.username = definition.username
            remote.password = definition.password
            remote.caCert = definition.caCert
            remote.clientCert = definition.clientCert
            remote.clientKey = definition.clientKey
            remote.tlsValidation = definition.tlsValidation
            let connection = definition.connection
            remote.downloadConcurrency = connection.downloadConcurrency
            remote.maxRetries = connection.maxRetries
            remote.timeout = connection.timeoutSeconds
            if let existing = try? await store.remote(named: distribution.name), existing.labels[marker.key] != marker.value {
                throw ReplicationError.configuration("a local remote named '\(distribution.name)' was not replicated from this upstream; rename it")
            }
            try await store.saveRemote(name: distribution.name, definition: remote.encoded(), replacing: true, labels: [marker.key: marker.value])
            let repository = try await replicaRepository(distribution.name, marker: marker)
            var request = try remote.syncRequest()
            request.repositoryID = repository.id
            request.mirror = true
            let report = try await Synchronizer(store: store, logger: logger).run(request)
            if report.failed {
                throw ReplicationError.unreachable(report.failures.map { "\($0.subject): \($0.error.message)" }.joined(separator: "; "))
            }
            let latest = try await store.repository(id: repository.id).latestVersion
            return .success((report, try await store.repositoryVersion(repositoryID: repository.id, number: latest).id))
        } catch {
            return .failure(error)
        }
    }

    /// A fresh store's `default` (a distribution serving its own repository, which never held
    /// anything, with no labels) is taken over by the upstream's distribution of that name:
    /// nothing is lost, and a new capsule replicates its centre's `default` as it is.
    private func adoptUnused(named names: Set<String>, marker: (key: String, value: String)) async throws {
        for distribution in try await store.distributions() where names.contains(distribution.name) && distribution.labels.isEmpty {
            guard case .repository(let id) = distribution.target, let repository = try? await store.repository(id: id),
                repository.name == distribution.name, repository.latestVersion == 0, repository.labels.isEmpty
            else { continue }
            var repositoryChanges = RepositoryChanges()
            repositoryChanges.labels = [marker.key: marker.value]
            try await store.updateRepository(id: repository.id, repositoryChanges)
            var changes = DistributionChanges()
            changes.labels = [marker.key: marker.value]
            try await store.updateDistribution(id: distribution.id, changes)
        }
    }

    private func replicaRepository(_ name: String, marker: (key: String, value: String)) async throws -> Repository {
        if let existing = try? await store.repository(named: name) {
            guard existing.labels[marker.key] == marker.value else {
                throw ReplicationError.configuration("a local repository named '\(name)' was not replicated from this upstream; rename it")
            }
            return existing
        }
        let created = try await store.createRepository(name: name)
        var changes = RepositoryChanges()
        changes.labels = [marker.key: marker.value]
        return try await store.updateRepository(id: created.id, changes)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ReplicationError: error.message
        case let error as StoreError: error.message
        default: String(describing: error)
        }
    }
}
