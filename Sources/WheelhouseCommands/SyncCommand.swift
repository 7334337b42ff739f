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
    var upstream: String
    @Option(help: "The distribution whose repository receives the content (created when missing).")
    var distribution = "default"
    @Option(help: "A requirement to mirror, such as 'django~=4.2,!=4.2.1' (repeatable; default: every project).")
    var include: [String] = []
    @Option(help: "A requirement not to mirror; a bare name leaves the project out (repeatable).")
    var exclude: [String] = []
    @Option(help: "A requirements file whose requirements are added to the include list.")
    var requirements: String?
    @Option(help: "immediate (download and verify now) or on_demand (record now, fetch each file when first asked for).")
    var policy = "immediate"
    @Flag(help: "Only add: keep what upstream no longer offers.")
    var additive = false
    @Flag(help: "Leave out pre-releases.")
    var noPrereleases = false
    @Option(help: "Only these package types: sdist, bdist_wheel, bdist_egg (repeatable).")
    var packageType: [String] = []
    @Option(help: "Leave out wheels for a platform: windows, macos, linux, freebsd (repeatable).")
    var excludePlatform: [String] = []
    @Option(help: "Keep only the N newest releases of each project.")
    var keepLatest = 0
    @Option(help: "Hold back files uploaded upstream less than this long ago: 7d, 12h, 30m or seconds.")
    var minAge: String?
    @Flag(help: "Also mirror what the included releases require, transitively (read from upstream metadata).")
    var withDependencies = false
    @Option(help: "A Python version whose dependencies to follow, such as 3.11 (repeatable; default 3.9 to 3.14).")
    var targetPython: [String] = []
    @Option(help: "A platform tag whose dependencies to follow, such as linux_x86_64 (repeatable; default Linux, macOS and Windows).")
    var targetPlatform: [String] = []
    @Option(help: "User name for the upstream (password from $WHEELHOUSE_UPSTREAM_PASSWORD or --password).")
    var username: String?
    @Option(help: "Password for the upstream.")
    var password: String?
    @Option(help: "An HTTP proxy: http://[user:password@]host:port.")
    var proxyURL: String?
    @Option(help: "PEM file of certificate authorities to trust.")
    var caCert: String?
    @Option(help: "PEM client certificate.")
    var clientCert: String?
    @Option(help: "PEM client key.")
    var clientKey: String?
    @Flag(help: "Do not verify the upstream's TLS certificate.")
    var noTlsValidation = false
    @Option(help: "Files downloaded at once.")
    var downloadConcurrency = 8
    @Option(help: "Seconds to wait to connect and for each read.")
    var timeout: Int64 = 30
    @Option(help: "Further attempts after timeouts, dropped connections, 5xx and 429.")
    var maxRetries = 3

    func run() async throws {
        let request = try makeRequest()
        let contentStore = try await store.openStore()
        let display = ProgressDisplay(enabled: !store.json && isatty(STDERR_FILENO) == 1)
        let synchronizer = Synchronizer(store: contentStore, logger: Log.logger, progress: display.update)
        let report = try await synchronizer.run(request)
        display.finish()
        if store.json { Output.line(report.json.rendered) } else { print(report.summary) }
        if report.failed { throw ExitCode(1) }
    }

    private func makeRequest() throws -> SyncRequest {
        var includes = try include.map(Self.requirement)
        if let requirements {
            guard let text = try? String(contentsOfFile: requirements, encoding: .utf8) else {
                throw CommandFailure("cannot read the requirements file \(requirements)")
            }
            let file = RequirementsFile(parsing: text)
            if let problem = file.problems.first { throw CommandFailure("\(requirements): \(problem)") }
            includes += file.entries.map(\.requirement)
        }
        var platforms = Set<PlatformFamily>()
        for name in excludePlatform {
            guard let family = PlatformFamily(filterName: name), family != .any, family != .other else {
                throw CommandFailure("unknown platform '\(name)'; use windows, macos, linux or freebsd")
            }
            platforms.insert(family)
        }
        let types: Set<String> = ["sdist", "bdist_wheel", "bdist_egg"]
        if let unknown = packageType.first(where: { !types.contains($0) }) {
            throw CommandFailure("unknown package type '\(unknown)'; use sdist, bdist_wheel or bdist_egg")
        }
        let filter = RemoteFilter(
            includes: includes, excludes: try exclude.map(Self.requirement), prereleases: !noPrereleases, packageTypes: Set(packageType),
            excludePlatforms: platforms, keepLatestPackages: max(0, keepLatest), minimumAgeSeconds: try minAge.map(Self.seconds) ?? 0)
        let connection = ConnectionSettings(
            username: username, password: password ?? ProcessInfo.processInfo.environment["WHEELHOUSE_UPSTREAM_PASSWORD"],
            proxyURL: proxyURL, caCertificatePath: caCert, clientCertificatePath: clientCert, clientKeyPath: clientKey,
            tlsValidation: !noTlsValidation, timeoutSeconds: max(1, timeout), maxRetries: max(0, maxRetries),
            downloadConcurrency: max(1, downloadConcurrency))
        guard let chosenPolicy = SyncPolicy(rawValue: policy) else {
            throw CommandFailure(policy == "streamed" ? "the 'streamed' policy is not available yet; use on_demand or immediate" : "unknown policy '\(policy)'; use immediate or on_demand")
        }
        if !withDependencies, !(targetPython.isEmpty && targetPlatform.isEmpty) {
            throw CommandFailure("--target-python and --target-platform apply to --with-dependencies; add it")
        }
        return SyncRequest(
            upstream: try UpstreamIndex(url: upstream), filter: filter, connection: connection, mirror: !additive, distribution: distribution,
            dependencies: withDependencies ? DependencyTargets(pythons: targetPython, platforms: targetPlatform) : nil, policy: chosenPolicy)
    }

    private static func requirement(_ text: String) throws -> Requirement {
        do {
            return try Requirement(parsing: text)
        } catch {
            throw CommandFailure("'\(text)' is not a PEP 508 requirement: \(error)")
        }
    }

    /// `7d`, `12h`, `30m`, `45s` or plain seconds.
    static func seconds(_ text: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = trimmed.last, let factor = units[unit], let number = Int64(trimmed.dropLast()), number >= 0 { return number * factor }
        if let number = Int64(trimmed), number >= 0 { return number }
        throw CommandFailure("'\(text)' is not a duration; write it as 7d, 12h, 30m or a number of seconds")
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
            let elapsed = max(0.001, Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18)
            return "\r\(counts.projects) projects read, \(counts.files) files, \(counts.bytes / 1_048_576) MiB (\(Int(Double(counts.bytes) / 1_048_576 / elapsed)) MiB/s)   "
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
