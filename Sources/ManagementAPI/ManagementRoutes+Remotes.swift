import ContentStore
import Hummingbird
import IndexServer
import PythonPackaging
import Replication

/// `remotes/python/python/`: the stored remotes (the same ones `wheelhouse remote` keeps),
/// with pulp_python's fields.
extension ManagementRoutes {
    /// Pulp's remote fields that Wheelhouse has no use for: set, they are refused.
    static let unsupportedRemoteFields = [
        "headers", "rate_limit", "proxy_username", "proxy_password", "connect_timeout", "sock_connect_timeout", "sock_read_timeout",
    ]

    func listRemotes(_ request: Request) async throws -> Response {
        let filter = try ListFilter(Self.parameters(request))
        let remotes = filter.apply(try await store.remotes()) {
            ListFilter.Subject(name: $0.name, labels: $0.labels, created: $0.createdAt.microseconds)
        }
        let presenter = presenter(request)
        return APIResponse.json(try await Page(request).render(remotes, request: request) { try presenter.remote($0) })
    }

    func createRemote(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        let name = try fields.requiredString("name")
        var definition = RemoteDefinition(url: try fields.requiredString("url"))
        try apply(fields, to: &definition)
        if (try? await store.remote(named: name)) != nil { throw APIFailure.field("name", "This field must be unique.") }
        let remote = try await store.saveRemote(name: name, definition: definition.encoded(), labels: try fields.labels() ?? [:])
        return APIResponse.json(try presenter(request).remote(remote), status: .created)
    }

    func readRemote(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let remote = try await store.remote(uuid: try Self.uuid(context, "Python Remote"))
        return APIResponse.json(FieldSelection(request).apply(try presenter(request).remote(remote)))
    }

    func updateRemote(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let remote = try await store.remote(uuid: try Self.uuid(context, "Python Remote"))
        let fields = try await RequestFields.read(request)
        var definition = try RemoteDefinition.decoded(remote.definition)
        if fields.has("url") { definition.url = try fields.requiredString("url") }
        try apply(fields, to: &definition)
        let name = fields.has("name") ? try fields.requiredString("name") : remote.name
        if name != remote.name, (try? await store.remote(named: name)) != nil { throw APIFailure.field("name", "This field must be unique.") }
        let labels = try fields.labels()
        let presenter = presenter(request)
        return try await quickTask("pulpcore.app.tasks.base.general_update", [Href.prn(.remote, remote.uuid)]) { [store, definition] in
            try await store.renameRemote(remote.name, to: name)
            let saved = try await store.saveRemote(name: name, definition: definition.encoded(), replacing: true, labels: labels)
            return TaskResult(result: try presenter.remote(saved))
        }
    }

    func deleteRemote(_ context: IndexRequestContext) async throws -> Response {
        let remote = try await store.remote(uuid: try Self.uuid(context, "Python Remote"))
        return try await quickTask("pulpcore.app.tasks.base.general_delete", [Href.prn(.remote, remote.uuid)]) { [store] in
            try await store.deleteRemote(name: remote.name)
            return TaskResult()
        }
    }

    /// Sets what the body gives on a remote's definition, then checks it as a new remote's.
    private func apply(_ fields: RequestFields, to definition: inout RemoteDefinition) throws {
        try Self.refuseUnsupported(fields, Self.unsupportedRemoteFields)
        if try fields.bool("provenance") == false {
            throw APIFailure.field("provenance", "Wheelhouse always mirrors PEP 740 provenance (docs/provenance.md); leave this out or set it true.")
        }
        if let policy = try fields.string("policy") {
            guard SyncPolicy(rawValue: policy) != nil else {
                throw APIFailure.field("policy", "\"\(policy)\" is not a valid choice; use immediate, on_demand or streamed.")
            }
            definition.policy = policy
        }
        if let includes = try fields.strings("includes") { definition.includes = includes }
        if let excludes = try fields.strings("excludes") { definition.excludes = excludes }
        if let prereleases = try fields.bool("prereleases") { definition.prereleases = prereleases }
        if let types = try fields.strings("package_types") { definition.packageTypes = types }
        if let platforms = try fields.strings("exclude_platforms") { definition.excludePlatforms = platforms }
        if let keep = try fields.integer("keep_latest_packages") { definition.keepLatestPackages = Int(clamping: keep) }
        if let value = try fields.integer("download_concurrency") { definition.downloadConcurrency = Int(clamping: value) }
        if let value = try fields.integer("max_retries") { definition.maxRetries = Int(clamping: value) }
        if let value = try fields.integer("total_timeout") { definition.timeout = value }
        if let text = try fields.nullableString("proxy_url") { definition.proxyURL = text }
        try ConnectionFields(fields).apply(
            to: &definition, username: \.username, password: \.password, caCert: \.caCert, clientCert: \.clientCert, clientKey: \.clientKey,
            tlsValidation: \.tlsValidation)
        do {
            try definition.check()
        } catch {
            throw APIFailure.field("non_field_errors", "\(error)")
        }
    }
}
