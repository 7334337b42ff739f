import ContentStore
import Hummingbird
import IndexServer
import PythonPackaging

/// `distributions/python/pypi/` and `publications/python/pypi/`: what is served where.
extension ManagementRoutes {
    func listDistributions(_ request: Request) async throws -> Response {
        let filter = try ListFilter(Self.parameters(request), basePaths: true)
        let distributions = filter.apply(try await store.distributions()) {
            ListFilter.Subject(name: $0.name, labels: $0.labels, basePath: $0.basePath, created: $0.createdAt.microseconds)
        }
        let presenter = presenter(request)
        return APIResponse.json(try await Page(request).render(distributions, request: request) { try await presenter.distribution($0) })
    }

    func createDistribution(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        let name = try fields.requiredString("name")
        let basePath = try Self.basePath(fields)
        let target = try await distributionTarget(fields) ?? .none
        let labels = try fields.labels() ?? [:]
        if (try? await store.distribution(named: name)) != nil { throw APIFailure.field("name", "This field must be unique.") }
        if try await store.distributions().contains(where: { $0.basePath == basePath }) {
            throw APIFailure.field("base_path", "This field must be unique.")
        }
        let presenter = presenter(request)
        return try await quickTask("pulpcore.app.tasks.base.general_create", ["/api/v3/distributions/"]) { [store] in
            let distribution = try await store.createDistribution(name: name, basePath: basePath, target: target, labels: labels)
            return TaskResult(createdResources: [Href.of(.distribution, distribution.uuid)], result: try await presenter.distribution(distribution))
        }
    }

    func readDistribution(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let distribution = try await store.distribution(uuid: try Self.uuid(context, "Python Distribution"))
        return APIResponse.json(FieldSelection(request).apply(try await presenter(request).distribution(distribution)))
    }

    func updateDistribution(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let distribution = try await store.distribution(uuid: try Self.uuid(context, "Python Distribution"))
        let fields = try await RequestFields.read(request)
        var changes = DistributionChanges()
        if fields.has("name") { changes.name = try fields.requiredString("name") }
        if fields.has("base_path") { changes.basePath = try Self.basePath(fields) }
        changes.target = try await distributionTarget(fields)
        changes.labels = try fields.labels()
        let presenter = presenter(request)
        return try await quickTask("pulpcore.app.tasks.base.general_update", [Href.prn(.distribution, distribution.uuid)]) { [store, changes] in
            let updated = try await store.updateDistribution(id: distribution.id, changes)
            return TaskResult(result: try await presenter.distribution(updated))
        }
    }

    func deleteDistribution(_ context: IndexRequestContext) async throws -> Response {
        let distribution = try await store.distribution(uuid: try Self.uuid(context, "Python Distribution"))
        return try await quickTask("pulpcore.app.tasks.base.general_delete", [Href.prn(.distribution, distribution.uuid)]) { [store] in
            try await store.deleteDistribution(name: distribution.name)
            return TaskResult()
        }
    }

    /// A base path Wheelhouse can serve: one path segment (Pulp allows nested ones).
    private static func basePath(_ fields: RequestFields) throws(APIFailure) -> String {
        let basePath = try fields.requiredString("base_path")
        do {
            try ContentStore.validate(basePath: basePath)
        } catch {
            throw .field("base_path", "'\(basePath)' is not a base path Wheelhouse serves: use one segment of letters, digits, '.', '_' and '-'.")
        }
        return basePath
    }

    /// `set_label/` (`{key, value}`) and `unset_label/` (`{key}`): one label, at once.
    func setLabel(_ request: Request, _ context: IndexRequestContext, set: Bool) async throws -> Response {
        let distribution = try await store.distribution(uuid: try Self.uuid(context, "Python Distribution"))
        let fields = try await RequestFields.read(request)
        let key = try fields.requiredString("key")
        guard RequestFields.isLabelKey(key) else { throw APIFailure.field("key", "Use letters, digits, '_', '-', '.', '/' and ' '.") }
        var labels = distribution.labels
        var changes = DistributionChanges()
        if set {
            let value = try fields.string("value") ?? ""
            labels[key] = value
            changes.labels = labels
            try await store.updateDistribution(id: distribution.id, changes)
            return APIResponse.json(.object([("key", .string(key)), ("value", .string(value))]), status: .created)
        }
        guard labels.removeValue(forKey: key) != nil else { throw APIFailure.field("key", "Label '\(key)' does not exist.") }
        changes.labels = labels
        try await store.updateDistribution(id: distribution.id, changes)
        return APIResponse.json(.object([("key", .string(key))]), status: .created)
    }

    /// What a body points a distribution at: `repository`, `repository_version` or
    /// `publication` (at most one set); nil when it names none of them.
    private func distributionTarget(_ fields: RequestFields) async throws -> DistributionTarget? {
        try Self.refuseUnsupported(fields, ["content_guard", "remote", "hidden"])
        guard fields.has("repository") || fields.has("repository_version") || fields.has("publication") else { return nil }
        var targets: [DistributionTarget] = []
        if let uuid = try Self.reference(fields, "repository", .repository) {
            targets.append(.repository(try await existing("repository") { try await store.repository(uuid: uuid).id }))
        }
        if let text = try fields.string("repository_version") {
            guard let (uuid, number) = Href.version(text) else { throw APIFailure.field("repository_version", "Invalid hyperlink - No URL match.") }
            targets.append(
                .repositoryVersion(
                    try await existing("repository_version") {
                        try await store.repositoryVersion(repositoryID: try await store.repository(uuid: uuid).id, number: number).id
                    }))
        }
        if let uuid = try Self.reference(fields, "publication", .publication) {
            targets.append(.publication(try await existing("publication") { try await store.publication(uuid: uuid).id }))
        }
        guard targets.count <= 1 else {
            throw APIFailure.field("non_field_errors", "Only one of the attributes 'repository', 'repository_version' and 'publication' may be used simultaneously.")
        }
        return targets.first ?? DistributionTarget.none
    }

    /// The id `lookup` finds, or a 400 saying the object the field names does not exist.
    private func existing(_ field: String, _ lookup: () async throws -> Int64) async throws -> Int64 {
        do {
            return try await lookup()
        } catch let error as StoreError where error.code == .notFound {
            throw APIFailure.field(field, "Invalid hyperlink - Object does not exist.")
        }
    }

    func listPublications(_ request: Request) async throws -> Response {
        let presenter = presenter(request)
        return APIResponse.json(try await Page(request).render(try await store.publications(), request: request) { try await presenter.publication($0) })
    }

    func createPublication(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        let repository: Repository
        var number: Int?
        if let text = try fields.string("repository_version") {
            guard let (uuid, version) = Href.version(text) else { throw APIFailure.field("repository_version", "Invalid hyperlink - No URL match.") }
            repository = try await store.repository(uuid: uuid)
            number = version
        } else if let uuid = try Self.reference(fields, "repository", .repository) {
            repository = try await store.repository(uuid: uuid)
        } else {
            throw APIFailure.field("non_field_errors", "Either the 'repository' or 'repository_version' need to be specified.")
        }
        let presenter = presenter(request)
        return try await queuedTask("pulp_python.app.tasks.publish.publish", ["shared:" + Href.prn(.repository, repository.uuid)]) { [store, number] in
            let publication = try await store.publish(repositoryID: repository.id, version: number)
            return TaskResult(createdResources: [Href.of(.publication, publication.uuid)], result: try await presenter.publication(publication))
        }
    }

    func readPublication(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let publication = try await store.publication(uuid: try Self.uuid(context, "Python Publication"))
        return APIResponse.json(FieldSelection(request).apply(try await presenter(request).publication(publication)))
    }

    func deletePublication(_ context: IndexRequestContext) async throws -> Response {
        let publication = try await store.publication(uuid: try Self.uuid(context, "Python Publication"))
        try await store.deletePublication(id: publication.id)
        return APIResponse.noContent()
    }
}
