import ContentStore
import Hummingbird
import IndexServer
import PythonPackaging
import Replication

/// `repositories/python/python/`: create, list, read, update and delete repositories, their
/// versions, `modify/` and `sync/`.
extension ManagementRoutes {
    static let repositoryFields: Set<String> = [
        "name", "description", "retain_repo_versions", "retain_checkpoints", "pulp_labels", "remote", "autopublish",
        "allow_package_substitution", "error_on_reject",
    ]

    func listRepositories(_ request: Request) async throws -> Response {
        let filter = try ListFilter(Self.parameters(request))
        let repositories = filter.apply(try await store.repositories()) {
            ListFilter.Subject(name: $0.name, labels: $0.labels, created: $0.createdAt.microseconds)
        }
        let presenter = presenter(request)
        return APIResponse.json(try await Page(request).render(repositories, request: request) { try await presenter.repository($0) })
    }

    func createRepository(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        let name = try fields.requiredString("name")
        let changes = try await repositoryChanges(fields)
        if (try? await store.repository(named: name)) != nil { throw APIFailure.field("name", "This field must be unique.") }
        let repository = try await store.createRepository(
            name: name, description: changes.description ?? nil, retainRepoVersions: changes.retainRepoVersions ?? nil)
        let updated = changes.labels == nil && changes.remoteID == nil ? repository : try await store.updateRepository(id: repository.id, changes)
        return APIResponse.json(try await presenter(request).repository(updated), status: .created)
    }

    func readRepository(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let repository = try await store.repository(uuid: try Self.uuid(context, "Python Repository"))
        return APIResponse.json(FieldSelection(request).apply(try await presenter(request).repository(repository)))
    }

    func updateRepository(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let repository = try await store.repository(uuid: try Self.uuid(context, "Python Repository"))
        let fields = try await RequestFields.read(request)
        var changes = try await repositoryChanges(fields)
        if fields.has("name") { changes.name = try fields.requiredString("name") }
        let presenter = presenter(request)
        return try await quickTask("pulpcore.app.tasks.base.general_update", [Href.prn(.repository, repository.uuid)]) { [store, changes] in
            let updated = try await store.updateRepository(id: repository.id, changes)
            return TaskResult(result: try await presenter.repository(updated))
        }
    }

    func deleteRepository(_ context: IndexRequestContext) async throws -> Response {
        let repository = try await store.repository(uuid: try Self.uuid(context, "Python Repository"))
        return try await quickTask("pulpcore.app.tasks.base.general_delete", [Href.prn(.repository, repository.uuid)]) { [store] in
            try await store.deleteRepository(id: repository.id)
            return TaskResult()
        }
    }

    /// The settings a create or update sets (the name is the caller's).
    private func repositoryChanges(_ fields: RequestFields) async throws -> RepositoryChanges {
        try Self.refuseUnsupported(fields, ["autopublish", "retain_checkpoints"])
        var changes = RepositoryChanges()
        if let description = try fields.nullableString("description") { changes.description = .some(description) }
        if fields.has("retain_repo_versions") {
            let retain = try fields.integer("retain_repo_versions")
            if let retain, retain < 1 { throw APIFailure.field("retain_repo_versions", "Ensure this value is greater than or equal to 1.") }
            changes.retainRepoVersions = .some(retain.map { Int(clamping: $0) })
        }
        changes.labels = try fields.labels()
        if fields.has("remote") {
            changes.remoteID = .some(try await Self.reference(fields, "remote", .remote).asyncMap { try await remote(uuid: $0, field: "remote").id })
        }
        return changes
    }

    /// A remote a body names, or a 400 naming the field.
    func remote(uuid: String, field: String) async throws -> StoredRemote {
        do {
            return try await store.remote(uuid: uuid)
        } catch let error as StoreError where error.code == .notFound {
            throw APIFailure.field(field, "Invalid hyperlink - Object does not exist.")
        }
    }

    func listVersions(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let repository = try await store.repository(uuid: try Self.uuid(context, "Python Repository"))
        let versions = try await store.versions(ofRepository: repository.id).reversed()
        let presenter = presenter(request)
        return APIResponse.json(try await Page(request).render(Array(versions), request: request) { try await presenter.version($0, of: repository) })
    }

    func readVersion(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let repository = try await store.repository(uuid: try Self.uuid(context, "Repository Version"))
        guard let number = context.parameters.get("number").flatMap({ Int($0) }), number >= 0 else {
            throw APIFailure(.notFound, detail: "No Repository Version matches the given query.")
        }
        let version = try await store.repositoryVersion(repositoryID: repository.id, number: number)
        return APIResponse.json(FieldSelection(request).apply(try await presenter(request).version(version, of: repository)))
    }

    /// `POST {repository}modify/`: adds and removes content (by href; `*` removes all) in one
    /// new version.
    func modifyRepository(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let repository = try await store.repository(uuid: try Self.uuid(context, "Python Repository"))
        let fields = try await RequestFields.read(request)
        try Self.refuseUnsupported(fields, ["base_version"])
        let add = try await packageIDs(fields, "add_content_units")
        let removeAll = try fields.strings("remove_content_units") == ["*"]
        let remove = removeAll ? [] : try await packageIDs(fields, "remove_content_units")
        return try await queuedTask("pulpcore.app.tasks.repository.add_and_remove", [Href.prn(.repository, repository.uuid)]) { [store] in
            var removing = remove
            if removeAll {
                let latest = try await store.repository(id: repository.id).latestVersion
                removing = try await store.packages(repositoryID: repository.id, version: latest).map(\.package.id)
            }
            guard let version = try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: add, remove: removing)) else {
                return TaskResult()
            }
            return TaskResult(createdResources: [Href.version(repository: repository.uuid, number: version.number)])
        }
    }

    /// The packages a list of content hrefs names; a 400 for one that names none.
    private func packageIDs(_ fields: RequestFields, _ key: String) async throws -> [Int64] {
        var ids: [Int64] = []
        for href in try fields.strings(key) ?? [] {
            guard let uuid = Href.uuid(href, of: .package), let package = try? await store.package(uuid: uuid) else {
                throw APIFailure.field(key, "Invalid hyperlink - Object does not exist: \(href)")
            }
            ids.append(package.id)
        }
        return ids
    }

    /// `POST {repository}sync/`: syncs from the remote given (or the repository's own) into a
    /// new version, as a task. `mirror` (default false, as in Pulp) removes what the remote
    /// no longer has.
    func syncRepository(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let repository = try await store.repository(uuid: try Self.uuid(context, "Python Repository"))
        let fields = try await RequestFields.read(request)
        let remote: StoredRemote
        if let uuid = try Self.reference(fields, "remote", .remote) {
            remote = try await self.remote(uuid: uuid, field: "remote")
        } else if let id = repository.remoteID {
            remote = try await store.remote(id: id)
        } else {
            throw APIFailure.field("remote", "This field is required since a remote is not set on the repository.")
        }
        var sync = try RemoteDefinition.decoded(remote.definition).syncRequest()
        sync.mirror = try fields.bool("mirror") ?? false
        sync.repositoryID = repository.id
        let resources: Set<String> = [Href.prn(.repository, repository.uuid), "shared:" + Href.prn(.remote, remote.uuid)]
        return try await queuedTask("pulp_python.app.tasks.sync.sync", resources) { [store, logger = server.logger, sync] in
            let report = try await Synchronizer(store: store, logger: logger).run(sync)
            try? await store.recordRemoteSync(name: remote.name, at: .now(), result: report.json.rendered)
            if report.failed {
                throw TaskFailure(report.failures.map { "\($0.subject): \($0.error)" }.joined(separator: "; "))
            }
            let progress: [JSONValue] = [
                Self.progress("Fetching Project Metadata", "sync.fetching.project", done: report.projectsChecked),
                Self.progress("Downloading Artifacts", "sync.downloading.artifacts", done: report.filesAdded),
                Self.progress("Associating Content", "associating.content", done: report.filesAdded + report.filesRemoved),
            ]
            let created = report.repositoryVersion.map { [Href.version(repository: repository.uuid, number: $0)] } ?? []
            return TaskResult(createdResources: created, progress: progress)
        }
    }

    static func progress(_ message: String, _ code: String, done: Int) -> JSONValue {
        .object([
            ("message", .string(message)), ("code", .string(code)), ("state", "completed"), ("total", .null), ("done", .integer(Int64(done))),
            ("suffix", .null),
        ])
    }
}
