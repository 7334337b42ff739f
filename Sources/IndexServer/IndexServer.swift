public import ContentStore
public import Hummingbird
public import Logging
import ServiceLifecycle

/// Brings the bytes of a package recorded without them (on-demand content) into the store —
/// its PEP 658 metadata file when the flag is set — or throws saying why not. For content that
/// is not kept (streamed) it answers a verified file to pass on instead, which the server
/// releases once sent. The replication side provides it; the server only calls it.
public typealias FetchMissingFile = @Sendable (_ package: Package, _ metadata: Bool) async throws -> PassedOnFile?

/// Wheelhouse's HTTP side: per distribution at `/pypi/<base_path>/` the simple API (PEP 503 and
/// 691), the Warehouse JSON API and twine's upload API; files at `/packages/…` by sha256 (PyPI's
/// layout, which pages link to) and at `/pulp/content/<base_path>/<filename>` (pulp_python's);
/// and `/livez`, `/readyz` and `/metrics`.
public enum IndexServer {
    /// Builds the application: routes, the page cache and the watcher that notices changes
    /// other processes make to the store.
    public static func buildApplication(
        configuration: ServerConfiguration, store: ContentStore, logger: Logger, fetchMissing: FetchMissingFile? = nil,
        extensions: ServerExtensions = ServerExtensions(), onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let cache = IndexCache(store: store)
        let metrics = ServerMetrics()
        let router = Router(context: IndexRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessMiddleware(metrics: metrics))
        let authenticator = BasicAuthenticator(store: store)
        let routes = Routes(
            store: store, cache: cache, metrics: metrics, configuration: configuration, fetchMissing: fetchMissing,
            fileBodies: FileBodyCache(maximumFileSize: configuration.cachedFileMaximumSize, budget: configuration.fileCacheBudget),
            intactFiles: IntactFiles(),
            authenticator: authenticator)
        routes.register(on: router)
        extensions.register(router, ServerContext(store: store, configuration: configuration, authenticator: authenticator, logger: logger))
        let connections = ConnectionCount(limits: configuration.connectionLimits)
        return Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ResponseHeadHandlerInstaller(), ConnectionGuard(count: connections)], idleTimeout: .seconds(75))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "wheelhouse"),
            services: [ChangeWatcher(cache: cache, interval: configuration.changePollInterval, logger: logger)] + extensions.services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}

/// Everything a route handler needs.
struct Routes: Sendable {
    let store: ContentStore
    let cache: IndexCache
    let metrics: ServerMetrics
    let configuration: ServerConfiguration
    let fetchMissing: FetchMissingFile?
    let fileBodies: FileBodyCache
    let intactFiles: IntactFiles
    let authenticator: BasicAuthenticator

    func register(on router: Router<IndexRequestContext>) {
        router.get("livez") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            do {
                _ = try await store.generation()
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "the database is not reachable\n")))
            }
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.prometheusText())))
        }
        router.get("pypi/{base}") { request, context in try await summary(request, context) }
        router.get("pypi/{base}/simple") { request, context in try await simpleRoot(request, context) }
        router.get("pypi/{base}/changes") { request, context in try await changes(request, context) }
        router.get("pypi/{base}/simple/{project}") { request, context in try await simpleProject(request, context) }
        router.get("pypi/{base}/pypi/{project}/json") { request, context in try await projectJSON(request, context, version: nil) }
        router.get("pypi/{base}/pypi/{project}/{version}/json") { request, context in
            try await projectJSON(request, context, version: Routes.parameter(context, "version"))
        }
        router.get("pypi/{base}/integrity/{project}/{version}/{filename}/provenance") { request, context in
            try await provenance(request, context)
        }
        router.post("pypi/{base}/legacy") { request, context in try await upload(request, context) }
        router.post("pypi/{base}/simple") { request, context in try await upload(request, context) }
        router.get("pulp/content/{base}/{filename}") { request, context in try await distributionFile(request, context, bodyWanted: true) }
        router.head("pulp/content/{base}/{filename}") { request, context in try await distributionFile(request, context, bodyWanted: false) }
        // One catch-all rather than four parameters: downloads are the most frequent request,
        // and this halves their route lookup.
        router.get("packages/**") { request, context in try await packageFile(request, context, bodyWanted: true) }
        router.head("packages/**") { request, context in try await packageFile(request, context, bodyWanted: false) }
    }
}
