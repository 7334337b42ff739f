import ArgumentParser
import ContentStore
import Foundation
import PythonPackaging
import Replication
import Synchronization

/// `wheelhouse sync`: mirror an upstream index into a distribution's repository.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Mirror an upstream Python index (PyPI, pulp_python, another Wheelhouse, any PEP 503/691 index) into a distribution.",
        discussion: """
            Reads the upstream's simple API, downloads what the filters select, verifies every file's sha256 and size, \
            and applies the result as one new repository version. A re-sync reads only the projects whose serial rose \
            (or whose page changed, for upstreams without usable serials). Exits non-zero when anything failed.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The upstream index: a base URL (https://pypi.org/, http://host/pypi/BASE_PATH/) or its simple/ root.")
    var upstream: String?
    @Option(help: "A remote stored with `wheelhouse remote create`, instead of --upstream and the options below.")
    var remote: String?
    @OptionGroup var options: SyncOptions
    @Flag(help: "Read every project as on a first sync, ignoring the serials and ETags recorded (after an upstream was restored from a backup).")
    var full = false
    @Flag(help: "Only ask the upstream what changed (its journal or listing) and report how many project pages a sync would read; no repository changes.")
    var dryRun = false

    func run() async throws {
        let contentStore = try await store.openStore(creating: remote == nil)
        let definition: RemoteDefinition
        switch (upstream, remote) {
        case (let url?, nil): definition = try options.definition(url: url)
        case (nil, let name?):
            let placeholder = "http://stored.remote/"
            guard try options.definition(url: placeholder) == SyncOptions.parse([]).definition(url: placeholder) else {
                throw CommandFailure("a stored remote brings its own settings; change them with `wheelhouse remote create \(name) --replace …`")
            }
            definition = try RemoteDefinition.decoded(try await contentStore.remote(named: name).definition)
        default: throw CommandFailure("give either --upstream URL or --remote NAME")
        }
        let display = ProgressDisplay(enabled: !store.json && isatty(STDERR_FILENO) == 1)
        let synchronizer = Synchronizer(store: contentStore, logger: Log.logger, progress: display.update)
        let outcome: Result<SyncReport, any Error>
        do {
            var request = try definition.syncRequest()
            request.full = full
            request.dryRun = dryRun
            outcome = .success(try await synchronizer.run(request))
        } catch {
            outcome = .failure(error)
        }
        display.finish()
        switch outcome {
        case .success(let report):
            if store.json { Output.line(report.json.rendered) } else { print(report.summary) }
        case .failure(let error) where store.json:
            // The last line is still a JSON object, one that says why the sync stopped.
            let code = (error as? ReplicationError)?.code ?? "error"
            Output.line(
                JSONValue.object([
                    ("upstream", .string(definition.url)), ("error", .object([("code", .string(code)), ("reason", .string("\(error)"))])),
                ]).rendered)
        case .failure:
            break
        }
        if let remote, !dryRun {
            do {
                try await contentStore.recordRemoteSync(name: remote, outcome: outcome)
            } catch {
                Log.logger.warning("the sync's result could not be recorded on the remote", metadata: ["remote": "\(remote)", "error": "\(error)"])
            }
        }
        if try outcome.get().failed { throw ExitCode(1) }
    }
}

extension ContentStore {
    /// Records how a stored remote's sync ended: its summary, or the error that stopped it.
    func recordRemoteSync(name: String, outcome: Result<SyncReport, any Error>) async throws {
        let result: JSONValue
        switch outcome {
        case .success(let report): result = report.json
        case .failure(let error): result = .object([("error", .string("\(error)"))])
        }
        try await recordRemoteSync(name: name, at: .now(), result: result.rendered)
    }
}

/// One status line on standard error, rewritten as a sync reads projects and stores files.
final class ProgressDisplay: Sendable {
    private struct Counts {
        var projects = 0
        var files = 0
        var bytes: Int64 = 0
        var lastDrawn = ContinuousClock.now - .seconds(1)
    }
    private let enabled: Bool
    private let started = ContinuousClock.now
    private let counts = Mutex(Counts())

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ event: SyncProgress) {
        guard enabled else { return }
        let line: String? = counts.withLock { counts in
            switch event {
            case .projectRead: counts.projects += 1
            case .fileStored(_, let bytes):
                counts.files += 1
                counts.bytes += bytes
            }
            let now = ContinuousClock.now
            guard now - counts.lastDrawn >= .milliseconds(200) else { return nil }
            counts.lastDrawn = now
            let elapsed = max(0.001, (now - started) / .seconds(1))
            return "\r\(counts.projects) projects read, \(counts.files) files, \(counts.bytes / 1_048_576) MiB (\(Int(Double(counts.bytes) / 1_048_576 / elapsed)) MiB/s)   "
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
