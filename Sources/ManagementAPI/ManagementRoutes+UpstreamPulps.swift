import ContentStore
import Hummingbird
import IndexServer
import PythonPackaging
import Replication

/// `upstream-pulps/`: the Pulps (or Wheelhouses) this server replicates from, and
/// `replicate/`, which runs a replication as a task in a task group.
extension ManagementRoutes {
    func listUpstreamPulps(_ request: Request) async throws -> Response {
        let filter = try ListFilter(Self.parameters(request))
        let upstreams = filter.apply(try await store.upstreamPulps()) {
            ListFilter.Subject(name: $0.name, labels: [:], created: $0.createdAt.microseconds)
        }
        return APIResponse.json(try await Page(request).render(upstreams, request: request) { try Self.present($0) })
    }

    func createUpstreamPulp(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        let name = try fields.requiredString("name")
        var definition = UpstreamPulpDefinition(baseURL: try fields.requiredString("base_url"))
        try apply(fields, to: &definition)
        if (try? await store.upstreamPulp(named: name)) != nil { throw APIFailure.field("name", "This field must be unique.") }
        let stored = try await store.saveUpstreamPulp(name: name, definition: definition.encoded())
        return APIResponse.json(try Self.present(stored), status: .created)
    }

    func readUpstreamPulp(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let upstream = try await store.upstreamPulp(uuid: try Self.uuid(context, "Upstream Pulp"))
        return APIResponse.json(FieldSelection(request).apply(try Self.present(upstream)))
    }

    func updateUpstreamPulp(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let upstream = try await store.upstreamPulp(uuid: try Self.uuid(context, "Upstream Pulp"))
        let fields = try await RequestFields.read(request)
        var definition = try UpstreamPulpDefinition.decoded(upstream.definition)
        if fields.has("base_url") { definition.baseURL = try fields.requiredString("base_url") }
        try apply(fields, to: &definition)
        let name = fields.has("name") ? try fields.requiredString("name") : upstream.name
        try await store.renameUpstreamPulp(id: upstream.id, to: name)
        let saved = try await store.saveUpstreamPulp(name: name, definition: definition.encoded(), replacing: true)
        return APIResponse.json(try Self.present(saved))
    }

    func deleteUpstreamPulp(_ context: IndexRequestContext) async throws -> Response {
        let upstream = try await store.upstreamPulp(uuid: try Self.uuid(context, "Upstream Pulp"))
        try await store.deleteUpstreamPulp(id: upstream.id)
        return APIResponse.noContent()
    }

    /// `POST {upstream}replicate/` (`{"q_select": …}` for this run only): a task group with
    /// one task that lists, syncs and switches; `202 {"task_group": href}`.
    func replicate(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let upstream = try await store.upstreamPulp(uuid: try Self.uuid(context, "Upstream Pulp"))
        let fields = try await RequestFields.read(request)
        let q = try fields.string("q_select")
        let group = try await store.createTaskGroup(description: "Replicating from \(upstream.name)")
        let resources: Set<String> = [Href.prn(.upstreamPulp, upstream.uuid), "/api/v3/distributions/"]
        _ = try await runner.submit(name: "pulpcore.app.tasks.replica.replicate_distributions", resources: resources, group: group.id) {
            [store, logger = server.logger] in
            let report = try await Replicator(store: store, logger: logger).run(try await store.upstreamPulp(uuid: upstream.uuid), q: q)
            if report.failed {
                throw TaskFailure(
                    "Replication failed; every distribution serves what it served before: "
                        + report.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
            }
            return TaskResult(result: report.json)
        }
        try await store.finishDispatching(groupID: group.id)
        return APIResponse.json(.object([("task_group", .string(Href.of(.taskGroup, group.uuid)))]), status: .accepted)
    }

    private func apply(_ fields: RequestFields, to definition: inout UpstreamPulpDefinition) throws {
        if let root = try fields.string("api_root") { definition.apiRoot = root }
        if let domain = try fields.nullableString("domain") { definition.domain = domain }
        try ConnectionFields(fields).apply(
            to: &definition, username: \.username, password: \.password, caCert: \.caCert, clientCert: \.clientCert, clientKey: \.clientKey,
            tlsValidation: \.tlsValidation)
        if let q = try fields.nullableString("q_select") { definition.qSelect = q }
        if let policy = try fields.nullableString("remote_policy") { definition.remotePolicy = policy }
        if let text = try fields.string("policy") {
            guard let policy = DeletePolicy(rawValue: text) else {
                throw APIFailure.field("policy", "\"\(text)\" is not a valid choice; use all, labeled or nodelete.")
            }
            definition.policy = policy
        }
        if fields.has("download_concurrency") { definition.downloadConcurrency = try fields.integer("download_concurrency").map { Int(clamping: $0) } }
        if fields.has("max_retries") { definition.maxRetries = try fields.integer("max_retries").map { Int(clamping: $0) } }
        if fields.has("total_timeout") { definition.totalTimeout = try fields.integer("total_timeout") }
        do {
            try definition.check()
        } catch {
            throw APIFailure.field("non_field_errors", "\(error)")
        }
    }

    static func present(_ upstream: StoredUpstreamPulp) throws -> JSONValue {
        let definition = try UpstreamPulpDefinition.decoded(upstream.definition)
        let hidden: [(String, Bool)] = [
            ("client_key", definition.clientKey != nil), ("username", definition.username != nil), ("password", definition.password != nil),
        ]
        let number = { (value: Int?) in value.map { JSONValue.integer(Int64($0)) } ?? .null }
        return .object(
            Presenter.header(.upstreamPulp, upstream.uuid, created: upstream.createdAt, updated: upstream.updatedAt) + [
                ("name", .string(upstream.name)), ("base_url", .string(definition.baseURL)), ("api_root", .string(definition.apiRoot)),
                ("domain", .optional(definition.domain)), ("ca_cert", .optional(definition.caCert)), ("client_cert", .optional(definition.clientCert)),
                ("tls_validation", .bool(definition.tlsValidation)), ("download_concurrency", number(definition.downloadConcurrency)),
                ("max_retries", number(definition.maxRetries)), ("total_timeout", definition.totalTimeout.map(JSONValue.integer) ?? .null),
                ("connect_timeout", .null), ("sock_connect_timeout", .null), ("sock_read_timeout", .null),
                ("remote_policy", .optional(definition.remotePolicy)),
                ("hidden_fields", .array(hidden.map { .object([("name", .string($0.0)), ("is_set", .bool($0.1))]) })),
                ("q_select", .optional(definition.qSelect)), ("last_replication", Presenter.time(upstream.lastReplication)),
                ("policy", .string(definition.policy.rawValue)),
            ])
    }
}
