import ArgumentParser
import ContentStore
import Foundation
import PythonPackaging
import Replication

/// `wheelhouse replicate`: mirror the distributions of an upstream Pulp or Wheelhouse.
struct ReplicateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicate",
        abstract: "Replicate the python distributions of an upstream Pulp or Wheelhouse (the capsule role).",
        discussion: """
            Lists the upstream's distributions through its REST API (/pulp/api/v3/), and for each one makes a remote, a \
            repository and a distribution of the same name and base path here, synced incrementally from the upstream's \
            base_url. The distributions switch to their new versions together, and only when every sync succeeded; \
            otherwise each keeps serving what it served, and the command exits non-zero naming the failures. The upstream \
            is stored (by --name) with its settings and the last run, so that the next run reads only what changed.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The upstream's base URL, such as https://pulp.example.com (its API is at <url><api-root>api/v3/).")
    var upstream: String
    @Option(help: "The name to store the upstream under (default: its host and port).")
    var name: String?
    @Option(help: "The upstream's API root.")
    var apiRoot = "/pulp/"
    @Option(help: "Replicate only distributions with these labels: k=v,k2=v2 (pulp_label_select).")
    var select: String?
    @Option(help: "How replicas keep files: immediate, on_demand or streamed.")
    var policy = "immediate"
    @Option(help: "What to remove when the upstream no longer lists a distribution: all, labeled (only replicas of this upstream) or nodelete.")
    var deletePolicy = "labeled"
    @Option(help: "Also replicate from `serve` at this interval (such as 15m); the schedule is stored with the upstream.")
    var every: String?
    @OptionGroup var credentials: CredentialOptions
    @Option(help: "PEM file of certificate authorities to trust.")
    var caCert: String?
    @Flag(help: "Do not verify the upstream's TLS certificate.")
    var noTlsValidation = false

    func run() async throws {
        guard let deletes = DeletePolicy(rawValue: deletePolicy) else {
            throw CommandFailure("unknown delete policy '\(deletePolicy)'; use all, labeled or nodelete")
        }
        var definition = UpstreamPulpDefinition(baseURL: upstream)
        definition.apiRoot = apiRoot
        definition.qSelect = select.map { "pulp_label_select=\"\($0)\"" }
        definition.remotePolicy = policy
        definition.policy = deletes
        definition.username = credentials.username
        definition.password = try credentials.resolvedPassword()
        definition.caCert = caCert
        definition.tlsValidation = !noTlsValidation
        definition.intervalSeconds = try every.map(SyncOptions.seconds)
        if let seconds = definition.intervalSeconds, seconds < 60 { throw CommandFailure("--every must be at least 1m") }
        try definition.check()
        let storeName = name ?? URL(string: upstream).flatMap { url in url.host.map { host in url.port.map { "\(host):\($0)" } ?? host } } ?? upstream

        let contentStore = try await store.openStore(creating: true)
        let stored = try await contentStore.saveUpstreamPulp(name: storeName, definition: definition.encoded(), replacing: true)
        let report: ReplicationReport
        do {
            report = try await Replicator(store: contentStore, logger: Log.logger).run(stored)
        } catch {
            if store.json {
                let code = (error as? ReplicationError)?.code ?? "error"
                Output.line(
                    JSONValue.object([("upstream", .string(upstream)), ("error", .object([("code", .string(code)), ("reason", .string("\(error)"))]))])
                        .rendered)
            }
            throw error
        }
        if store.json { Output.line(report.json.rendered) } else { print(report.summary) }
        if let seconds = definition.intervalSeconds, !store.json {
            print("`wheelhouse serve` on this data directory replicates from '\(storeName)' every \(seconds) seconds.")
        }
        if report.failed { throw ExitCode(1) }
    }
}
