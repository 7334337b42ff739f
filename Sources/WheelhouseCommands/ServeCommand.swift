import ArgumentParser
import ContentStore
import Foundation
import IndexServer
import ManagementAPI
import Replication
import ServiceLifecycle

/// `wheelhouse serve`: the index server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the package index (simple API, JSON API, uploads, files).",
        discussion: """
            With no configuration it uses ./wheelhouse-data and 127.0.0.1:8080. On an empty data directory it \
            creates a repository and a distribution named `default` and an `admin` account whose password comes \
            from WHEELHOUSE_ADMIN_PASSWORD or is generated and printed once. WHEELHOUSE_UPLOAD_TOKEN, if set, is \
            accepted as the password of the user `__token__`.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to listen on, HOST:PORT.")
    var bind = "127.0.0.1:8080"

    @Option(help: "The largest file an upload may carry, in bytes.")
    var maxUploadSize: Int64 = 1 << 30

    @Option(help: "Bytes of small files (up to 1 MiB each) kept in memory for downloads; 0 turns this off (larger files always go out with sendfile).")
    var fileCacheBudget: Int64 = 64 << 20

    @Option(help: "The most connections open at once; bounded by the open-file limit.")
    var maxConnections = 4_096

    @Option(help: "The most connections open at once from one address (behind a reverse proxy every client has the proxy's: raise it to --max-connections).")
    var maxConnectionsPerAddress = 256

    @Option(help: "The URL clients reach the server at, such as https://pypi.example.com behind a TLS proxy (default: $WHEELHOUSE_PUBLIC_URL, else each request's Host, over https when X-Forwarded-Proto says so).")
    var publicURL: String?

    func run() async throws {
        guard let (host, port) = ServerConfiguration.parse(bind: bind) else {
            throw ValidationError("--bind must be HOST:PORT, such as 127.0.0.1:8080 or 0.0.0.0:8080")
        }
        let environment = ProcessInfo.processInfo.environment
        // Settings are checked before anything is created or changed.
        let adminPassword = environment["WHEELHOUSE_ADMIN_PASSWORD"]
        guard adminPassword?.isEmpty != true else {
            throw ValidationError("WHEELHOUSE_ADMIN_PASSWORD is set but empty; give it a password, or unset it to keep the stored one")
        }
        let publicURL = self.publicURL ?? environment["WHEELHOUSE_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let publicURL {
            // It is written into every page as it is: letters, digits and `.-:[]_/` only.
            let safe = publicURL.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || Array(".-:[]_/".utf8).contains(byte)
            }
            guard safe, let url = URLComponents(string: publicURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host?.isEmpty == false, url.path.isEmpty || url.path == "/", url.query == nil
            else { throw ValidationError("--public-url must be a scheme and host, such as https://pypi.example.com or http://10.0.0.5:8080") }
        }
        let logger = Log.logger
        let contentStore = try await store.openStore(creating: true, removingInterruptedWrites: true)
        if let generated = try await contentStore.ensureAdmin(password: adminPassword) {
            Output.line("Created the account 'admin' with the password: \(generated)")
            Output.line("(It is stored hashed and will not be shown again; set WHEELHOUSE_ADMIN_PASSWORD to choose one.)")
        }
        // The token account exists exactly while the variable is set: unsetting it revokes the token.
        if let token = environment["WHEELHOUSE_UPLOAD_TOKEN"], !token.isEmpty {
            try await contentStore.setPassword(username: "__token__", password: token)
        } else {
            try await contentStore.removeAccount(username: "__token__")
        }
        // Every connection holds a file descriptor: the soft limit (often 1,024) is raised to the
        // hard one, and connections are kept well under it, so that files and the database
        // can still be opened when clients hold every connection allowed.
        let descriptors = Self.raiseOpenFileLimit()
        let limits = ConnectionLimits(maximum: max(16, min(maxConnections, descriptors - 256)), perAddress: max(1, maxConnectionsPerAddress))
        if limits.maximum < maxConnections {
            logger.warning(
                "connections are limited by the open-file limit; raise it (ulimit -n, LimitNOFILE=) for more",
                metadata: ["server.max_connections": "\(limits.maximum)", "server.open_file_limit": "\(descriptors)"])
        }
        let configuration = ServerConfiguration(
            host: host, port: port, maximumUploadSize: maxUploadSize, fileCacheBudget: fileCacheBudget, publicURL: publicURL,
            connectionLimits: limits)
        let distributions = try await contentStore.distributions()
        // On-demand content is fetched from its upstream when first asked for. Upstreams that
        // need credentials or TLS settings take them from the environment, as `sync` does.
        let credentialsIndex = environment["WHEELHOUSE_UPSTREAM_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let fetcher = LazyFetcher(
            store: contentStore, settings: Self.lazyFetchSettings(environment), credentialsIndex: credentialsIndex, logger: logger)
        if let warning = try await fetcher.credentialsWarning() { logger.warning("\(warning)") }
        let management = ManagementAPI(store: contentStore, logger: logger)
        let interrupted = try await management.failInterruptedTasks()
        if interrupted > 0 { logger.warning("tasks the previous run left unfinished are marked failed", metadata: ["tasks": "\(interrupted)"]) }
        let app = IndexServer.buildApplication(
            configuration: configuration, store: contentStore, logger: logger, fetchMissing: { try await fetcher.fetch($0, metadata: $1) },
            extensions: management.extensions
        ) { actualPort in
            let shownHost = host == "0.0.0.0" ? "127.0.0.1" : (host.contains(":") ? "[\(host)]" : host)
            for distribution in distributions {
                Output.line("Index:  http://\(shownHost):\(actualPort)/pypi/\(distribution.basePath)/simple/")
                Output.line("Upload: http://\(shownHost):\(actualPort)/pypi/\(distribution.basePath)/legacy/")
            }
        }
        let scheduled = ScheduledSyncs(store: contentStore, logger: logger)
        var lifecycle = ServiceGroupConfiguration(services: [app, scheduled], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Requests still running 30 seconds after SIGTERM/SIGINT (a slow download) are cancelled.
        lifecycle.maximumGracefulShutdownDuration = .seconds(30)
        let group = ServiceGroup(configuration: lifecycle)
        do {
            try await group.run()
        } catch {
            await fetcher.shutdown()
            throw error
        }
        await fetcher.shutdown()
    }

    /// Raises the soft limit on open files to the hard one; the limit now in force.
    static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Connection settings for on-demand fetches: `WHEELHOUSE_UPSTREAM_USERNAME`,
    /// `WHEELHOUSE_UPSTREAM_PASSWORD` (sent only to `WHEELHOUSE_UPSTREAM_URL`'s host, or to the
    /// one index synced from), `WHEELHOUSE_UPSTREAM_CA_CERT`, `WHEELHOUSE_UPSTREAM_PROXY`.
    static func lazyFetchSettings(_ environment: [String: String]) -> ConnectionSettings {
        ConnectionSettings(
            username: environment["WHEELHOUSE_UPSTREAM_USERNAME"], password: environment["WHEELHOUSE_UPSTREAM_PASSWORD"],
            proxyURL: environment["WHEELHOUSE_UPSTREAM_PROXY"], caCertificate: environment["WHEELHOUSE_UPSTREAM_CA_CERT"], maxRetries: 1)
    }
}
