import ArgumentParser
import Foundation
import PythonPackaging
import Replication

/// How to mirror an upstream, as `sync` and `remote create` take it on the command line.
struct SyncOptions: ParsableArguments {
    @Option(help: "The distribution whose repository receives the content (created when missing).")
    var distribution = "default"
    @Option(help: "A requirement to mirror, such as 'django~=4.2,!=4.2.1' (repeatable; default: every project).")
    var include: [String] = []
    @Option(help: "A requirement not to mirror; a bare name leaves the project out (repeatable).")
    var exclude: [String] = []
    @Option(help: "A requirements file whose requirements are added to the include list.")
    var requirements: String?
    @Option(help: "immediate (download and verify now), on_demand (record now, fetch and keep each file when first asked for) or streamed (fetch on every request, keep nothing).")
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
    @OptionGroup var credentials: CredentialOptions
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

    /// The remote these options describe, for the upstream at `url`.
    func definition(url: String) throws -> RemoteDefinition {
        var remote = RemoteDefinition(url: url)
        remote.distribution = distribution
        remote.policy = policy
        remote.mirror = !additive
        remote.includes = include
        if let requirements {
            guard let text = try? String(contentsOfFile: requirements, encoding: .utf8) else {
                throw CommandFailure("cannot read the requirements file \(requirements)")
            }
            let file = RequirementsFile(parsing: text)
            if let problem = file.problems.first { throw CommandFailure("\(requirements): \(problem)") }
            // An empty include list means every project: a file that names none must not say that.
            guard !file.entries.isEmpty else {
                throw CommandFailure("\(requirements) names no project; an empty include list would mirror the whole upstream")
            }
            remote.includes += file.entries.map(\.requirement.description)
        }
        remote.excludes = exclude
        remote.prereleases = !noPrereleases
        remote.packageTypes = packageType
        remote.excludePlatforms = excludePlatform
        remote.keepLatestPackages = keepLatest
        remote.minAgeSeconds = try minAge.map(Self.seconds) ?? 0
        remote.withDependencies = withDependencies
        remote.targetPythons = targetPython
        remote.targetPlatforms = targetPlatform
        remote.username = credentials.username
        remote.password = try credentials.resolvedPassword()
        remote.proxyURL = proxyURL
        remote.caCert = caCert
        remote.clientCert = clientCert
        remote.clientKey = clientKey
        remote.tlsValidation = !noTlsValidation
        remote.downloadConcurrency = downloadConcurrency
        remote.timeout = timeout
        remote.maxRetries = maxRetries
        try remote.check()  // every setting checked now, not at the first sync
        return remote
    }

    /// `7d`, `12h`, `30m`, `45s` or plain seconds, up to 100 years.
    static func seconds(_ text: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let factor = trimmed.last.flatMap { units[$0] }
        guard let number = Int64(factor == nil ? trimmed : String(trimmed.dropLast())), number >= 0 else {
            throw CommandFailure("'\(text)' is not a duration; write it as 7d, 12h, 30m or a number of seconds")
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: factor ?? 1)
        guard !overflow, value <= 100 * 366 * 86400 else { throw CommandFailure("'\(text)' is longer than 100 years; give a shorter duration") }
        return value
    }
}
