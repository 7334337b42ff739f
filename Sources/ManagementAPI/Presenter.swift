import ContentStore
import PythonPackaging
import Replication

/// The management API's objects as Pulp shows them: its field names and formats (hrefs,
/// PRNs, microsecond UTC times, `pulp_labels`), so that pulp-cli and pulpcore's replication
/// read them unchanged.
struct Presenter: Sendable {
    let store: ContentStore
    /// Where clients reach the server, for `base_url`.
    let origin: String

    static func time(_ timestamp: Timestamp?) -> JSONValue { timestamp.map { .string($0.iso8601) } ?? .null }

    static func labels(_ labels: [String: String]) -> JSONValue { .object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }

    /// The fields every object starts with.
    static func header(_ kind: Href.Kind, _ uuid: String, created: Timestamp, updated: Timestamp?) -> [(String, JSONValue)] {
        [
            ("pulp_href", .string(Href.of(kind, uuid))), ("prn", .string(Href.prn(kind, uuid))), ("pulp_created", time(created)),
            ("pulp_last_updated", time(updated ?? created)),
        ]
    }

    func repository(_ repository: Repository) async throws -> JSONValue {
        let href = Href.of(.repository, repository.uuid)
        let remote = try await repository.remoteID.asyncMap { try await store.remote(id: $0).uuid }
        return .object(
            Self.header(.repository, repository.uuid, created: repository.createdAt, updated: repository.updatedAt) + [
                ("versions_href", .string(href + "versions/")), ("pulp_labels", Self.labels(repository.labels)),
                ("latest_version_href", .string(Href.version(repository: repository.uuid, number: repository.latestVersion))),
                ("name", .string(repository.name)), ("description", .optional(repository.description)),
                ("retain_repo_versions", repository.retainRepoVersions.map { .integer(Int64($0)) } ?? .null), ("retain_checkpoints", .null),
                ("remote", .optional(remote.map { Href.of(.remote, $0) })), ("autopublish", false), ("allow_package_substitution", true),
                ("error_on_reject", true),
            ])
    }

    func version(_ version: RepositoryVersion, of repository: Repository) async throws -> JSONValue {
        let href = Href.version(repository: repository.uuid, number: version.number)
        let summary = try await store.contentSummary(VersionReference(repositoryID: repository.id, number: version.number))
        func part(_ count: Int, _ filter: String) -> JSONValue {
            count == 0 ? .object([]) : .object([("python.python", .object([("count", .integer(Int64(count))), ("href", .string(Href.Kind.package.list + "?\(filter)=" + href))]))])
        }
        return .object([
            ("pulp_href", .string(href)), ("prn", .string(Href.versionPRN(version.uuid))), ("pulp_created", Self.time(version.createdAt)),
            ("pulp_last_updated", Self.time(version.createdAt)), ("number", .integer(Int64(version.number))),
            ("repository", .string(Href.of(.repository, repository.uuid))),
            ("base_version", .null),
            (
                "content_summary",
                .object([
                    ("added", part(summary.added, "repository_version_added")), ("removed", part(summary.removed, "repository_version_removed")),
                    ("present", part(summary.present, "repository_version")),
                ])
            ),
        ])
    }

    /// The href of a repository version known by its row id.
    func versionHref(id: Int64) async throws -> String {
        let version = try await store.repositoryVersion(id: id)
        return Href.version(repository: try await store.repository(id: version.repositoryID).uuid, number: version.number)
    }

    func remote(_ remote: StoredRemote) throws -> JSONValue {
        let definition = try RemoteDefinition.decoded(remote.definition)
        let hidden: [(String, Bool)] = [
            ("client_key", definition.clientKey != nil), ("proxy_username", false), ("proxy_password", false),
            ("username", definition.username != nil), ("password", definition.password != nil),
        ]
        let strings = { (items: [String]) in JSONValue.array(items.map(JSONValue.string)) }
        return .object(
            Self.header(.remote, remote.uuid, created: remote.createdAt, updated: remote.updatedAt) + [
                ("name", .string(remote.name)), ("url", .string(definition.url)), ("pulp_labels", Self.labels(remote.labels)),
                ("policy", .string(definition.policy)),
                ("hidden_fields", .array(hidden.map { .object([("name", .string($0.0)), ("is_set", .bool($0.1))]) })),
                ("ca_cert", .optional(definition.caCert)), ("client_cert", .optional(definition.clientCert)),
                ("tls_validation", .bool(definition.tlsValidation)), ("proxy_url", .optional(definition.proxyURL)),
                ("max_retries", .integer(Int64(definition.maxRetries))), ("total_timeout", .integer(definition.timeout)),
                ("connect_timeout", .null), ("sock_connect_timeout", .null), ("sock_read_timeout", .null), ("headers", .null),
                ("download_concurrency", .integer(Int64(definition.downloadConcurrency))), ("rate_limit", .null),
                ("includes", strings(definition.includes)), ("excludes", strings(definition.excludes)),
                ("prereleases", .bool(definition.prereleases)), ("package_types", strings(definition.packageTypes)),
                ("keep_latest_packages", .integer(Int64(definition.keepLatestPackages))), ("exclude_platforms", strings(definition.excludePlatforms)),
                // PEP 740 provenance is always mirrored.
                ("provenance", true),
            ])
    }

    func publication(_ publication: Publication) async throws -> JSONValue {
        let version = try await store.repositoryVersion(id: publication.repositoryVersionID)
        let repository = try await store.repository(id: version.repositoryID)
        let serving = try await store.distributions().filter { $0.target == .publication(publication.id) }
        return .object(
            Self.header(.publication, publication.uuid, created: publication.createdAt, updated: nil) + [
                ("repository_version", .string(Href.version(repository: repository.uuid, number: version.number))),
                ("repository", .string(Href.of(.repository, repository.uuid))),
                ("distributions", .array(serving.map { .string(Href.of(.distribution, $0.uuid)) })),
            ])
    }

    func distribution(_ distribution: Distribution) async throws -> JSONValue {
        var repository: JSONValue = .null
        var version: JSONValue = .null
        var publication: JSONValue = .null
        switch distribution.target {
        case .repository(let id): repository = .string(Href.of(.repository, try await store.repository(id: id).uuid))
        case .repositoryVersion(let id): version = .string(try await versionHref(id: id))
        case .publication(let id): publication = .string(Href.of(.publication, try await store.publication(id: id).uuid))
        case .none: break
        }
        let unchangedSince = try await store.lastContentChange(distributionID: distribution.id) ?? distribution.createdAt
        return .object(
            Self.header(.distribution, distribution.uuid, created: distribution.createdAt, updated: distribution.updatedAt) + [
                ("base_path", .string(distribution.basePath)), ("base_url", .string("\(origin)/pypi/\(distribution.basePath)/")),
                ("content_guard", .null), ("content_guard_prn", .null), ("no_content_change_since", Self.time(unchangedSince)),
                ("hidden", false), ("pulp_labels", Self.labels(distribution.labels)), ("name", .string(distribution.name)),
                ("repository", repository), ("repository_version", version), ("publication", publication), ("allow_uploads", true),
                ("remote", .null),
            ])
    }

    /// A package as pulp_python shows its content: core metadata fields (lists as JSON text,
    /// as pulp_python stores them) and the file's name, type, size and digests.
    static func package(_ package: Package, provenance: String? = nil) -> JSONValue {
        var info: [String: JSONInput] = [:]
        if case .object(let members)? = JSONInput.parse(package.metadataJSON) { info = members }
        let text = { (key: String) in JSONValue.string(info[key]?.text ?? "") }
        let list = { (key: String) -> JSONValue in
            guard case .array(let items)? = info[key] else { return "[]" }
            return .string(JSONValue.array(items.compactMap { $0.text.map(JSONValue.string) }).rendered)
        }
        var urls: [JSONValue] = []
        if case .object(let members)? = info["project_urls"] {
            for (label, url) in members.sorted(by: { $0.key < $1.key }) { urls.append(.string("\(label), \(url.text ?? "")")) }
        }
        return .object(
            header(.package, package.uuid, created: package.uploadTime, updated: nil) + [
                ("pulp_labels", .object([])), ("vuln_report", .null),
                ("artifact", package.keepFetched ? .string(Href.of(.artifact, artifactID(package.sha256))) : .null),
                ("author", text("author")), ("author_email", text("author_email")), ("description", text("description")),
                ("home_page", text("home_page")), ("keywords", text("keywords")), ("license", text("license")),
                ("metadata_version", text("metadata_version")), ("name", .string(package.name)), ("platform", text("platform")),
                ("summary", text("summary")), ("version", .string(package.version)), ("classifiers", list("classifiers")),
                ("download_url", text("download_url")), ("supported_platform", .string("")), ("maintainer", text("maintainer")),
                ("maintainer_email", text("maintainer_email")), ("obsoletes_dist", list("obsoletes_dist")), ("project_url", .string("")),
                ("project_urls", .string(JSONValue.array(urls).rendered)), ("provides_dist", list("provides_dist")),
                ("requires_external", list("requires_external")), ("requires_dist", list("requires_dist")),
                ("requires_python", .string(package.requiresPython ?? "")), ("description_content_type", text("description_content_type")),
                ("provides_extras", list("provides_extra")), ("dynamic", list("dynamic")), ("license_expression", text("license_expression")),
                ("license_file", list("license_files")), ("filename", .string(package.filename)), ("packagetype", .string(package.packageType)),
                ("python_version", .string(package.pythonVersion)), ("size", .integer(package.size)), ("sha256", .string(package.sha256.hex)),
                ("metadata_sha256", .optional(package.metadataSHA256?.hex)),
                ("provenance", .optional(provenance.map { Href.prn(.provenance, $0) })),
            ])
    }

    static func provenance(_ provenance: StoredProvenance) -> JSONValue {
        .object(
            header(.provenance, provenance.uuid, created: provenance.createdAt, updated: nil) + [
                ("pulp_labels", .object([])), ("vuln_report", .null), ("package", .string(Href.of(.package, provenance.packageUUID))),
                ("provenance", .rendered(String(decoding: provenance.document, as: UTF8.self))), ("sha256", .string(provenance.sha256.hex)),
            ])
    }

    static func user(_ account: Account) -> JSONValue {
        .object([
            ("pulp_href", .string(Href.of(.user, String(account.id)))), ("prn", .string(Href.prn(.user, String(account.id)))),
            ("id", .integer(account.id)), ("username", .string(account.username)), ("first_name", .string(account.profile.firstName)),
            ("last_name", .string(account.profile.lastName)), ("email", .string(account.profile.email)),
            ("is_staff", .bool(account.profile.isStaff)), ("is_active", .bool(account.profile.isActive)),
            ("date_joined", time(account.createdAt)), ("groups", .array([])), ("hidden_fields", .array([])),
        ])
    }

    /// An artifact's identifier: its sha256's first 128 bits in UUID form (artifacts are
    /// stored by digest).
    static func artifactID(_ sha256: SHA256Digest) -> String {
        let hex = Array(sha256.hex.prefix(32))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }

    static func task(_ task: StoredTask, group: String?) -> JSONValue {
        let parsed = { (text: String?) -> JSONValue in text.map(JSONValue.rendered) ?? .null }
        let created = JSONInput.parse(task.createdResources).flatMap { input -> [String]? in
            guard case .array(let items) = input else { return nil }
            return items.compactMap(\.text)
        } ?? []
        return .object(
            header(.task, task.uuid, created: task.createdAt, updated: task.finishedAt ?? task.startedAt) + [
                ("state", .string(task.state.rawValue)), ("name", .string(task.name)), ("logging_cid", .string("")), ("created_by", .null),
                ("unblocked_at", time(task.startedAt)), ("started_at", time(task.startedAt)), ("finished_at", time(task.finishedAt)),
                ("error", parsed(task.error)), ("worker", .null), ("parent_task", .null), ("child_tasks", .array([])),
                ("task_group", .optional(group.map { Href.of(.taskGroup, $0) })), ("progress_reports", .rendered(task.progress)),
                ("created_resources", .array(created.map(JSONValue.string))),
                ("created_resource_prns", .array(created.compactMap(prn(ofHref:)).map(JSONValue.string))),
                ("reserved_resources_record", .rendered(task.reservedResources)), ("result", parsed(task.result)), ("pulp_api_version", "v3"),
            ])
    }

    /// The PRN of an object's href, when it names one by UUID.
    static func prn(ofHref href: String) -> String? {
        for kind in Href.Kind.allCases {
            if let uuid = Href.uuid(href, of: kind) { return Href.prn(kind, uuid) }
        }
        return nil
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
