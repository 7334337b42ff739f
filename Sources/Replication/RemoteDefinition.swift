import Foundation
import PythonPackaging

/// A remote as stored and as the command line gives it: an upstream and how to mirror it,
/// with pulp_python's remote field names (so that the management API can show them as Pulp
/// does), plus Wheelhouse's own settings (`distribution`, `mirror`, dependencies, cool-down,
/// schedule). `syncRequest()` checks and turns it into what the synchronizer runs.
public struct RemoteDefinition: Codable, Sendable, Hashable {
    public var url: String
    public var distribution = "default"
    public var policy = SyncPolicy.immediate.rawValue
    /// Make the repository equal the filtered upstream; false only adds.
    public var mirror = true
    public var includes: [String] = []
    public var excludes: [String] = []
    public var prereleases = true
    public var packageTypes: [String] = []
    public var excludePlatforms: [String] = []
    public var keepLatestPackages = 0
    public var minAgeSeconds: Int64 = 0
    public var withDependencies = false
    public var targetPythons: [String] = []
    public var targetPlatforms: [String] = []
    public var username: String?
    public var password: String?
    public var proxyURL: String?
    public var caCert: String?
    public var clientCert: String?
    public var clientKey: String?
    public var tlsValidation = true
    public var downloadConcurrency = 8
    public var timeout: Int64 = 30
    public var maxRetries = 3
    /// Seconds between scheduled syncs by `wheelhouse serve`; nil syncs only when asked.
    public var syncIntervalSeconds: Int64?

    enum CodingKeys: String, CodingKey {
        case url, distribution, policy, mirror, includes, excludes, prereleases, username, password
        case packageTypes = "package_types", excludePlatforms = "exclude_platforms", keepLatestPackages = "keep_latest_packages"
        case minAgeSeconds = "min_age_seconds", withDependencies = "with_dependencies", targetPythons = "target_pythons"
        case targetPlatforms = "target_platforms", proxyURL = "proxy_url", caCert = "ca_cert", clientCert = "client_cert"
        case clientKey = "client_key", tlsValidation = "tls_validation", downloadConcurrency = "download_concurrency"
        case timeout = "total_timeout", maxRetries = "max_retries", syncIntervalSeconds = "sync_interval_seconds"
    }

    public init(url: String) { self.url = url }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var remote = RemoteDefinition(url: try container.decode(String.self, forKey: .url))
        func read<Value: Decodable>(_ key: CodingKeys, into path: WritableKeyPath<RemoteDefinition, Value>) throws {
            if let value = try container.decodeIfPresent(Value.self, forKey: key) { remote[keyPath: path] = value }
        }
        try read(.distribution, into: \.distribution)
        try read(.policy, into: \.policy)
        try read(.mirror, into: \.mirror)
        try read(.includes, into: \.includes)
        try read(.excludes, into: \.excludes)
        try read(.prereleases, into: \.prereleases)
        try read(.packageTypes, into: \.packageTypes)
        try read(.excludePlatforms, into: \.excludePlatforms)
        try read(.keepLatestPackages, into: \.keepLatestPackages)
        try read(.minAgeSeconds, into: \.minAgeSeconds)
        try read(.withDependencies, into: \.withDependencies)
        try read(.targetPythons, into: \.targetPythons)
        try read(.targetPlatforms, into: \.targetPlatforms)
        try read(.tlsValidation, into: \.tlsValidation)
        try read(.downloadConcurrency, into: \.downloadConcurrency)
        try read(.timeout, into: \.timeout)
        try read(.maxRetries, into: \.maxRetries)
        remote.username = try container.decodeIfPresent(String.self, forKey: .username)
        remote.password = try container.decodeIfPresent(String.self, forKey: .password)
        remote.proxyURL = try container.decodeIfPresent(String.self, forKey: .proxyURL)
        remote.caCert = try container.decodeIfPresent(String.self, forKey: .caCert)
        remote.clientCert = try container.decodeIfPresent(String.self, forKey: .clientCert)
        remote.clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
        remote.syncIntervalSeconds = try container.decodeIfPresent(Int64.self, forKey: .syncIntervalSeconds)
        self = remote
    }

    /// The stored form: JSON with pulp_python's field names.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// A remote from its stored JSON form.
    public static func decoded(_ text: String) throws(ReplicationError) -> RemoteDefinition {
        do {
            return try JSONDecoder().decode(RemoteDefinition.self, from: Data(text.utf8))
        } catch {
            throw .configuration("a stored remote cannot be read: \(error)")
        }
    }

    /// Checks every setting as a new remote's must pass (the connection numbers in range too)
    /// and answers the request the synchronizer would run.
    @discardableResult
    public func check() throws(ReplicationError) -> SyncRequest {
        guard (1...256).contains(downloadConcurrency) else {
            throw .configuration("download concurrency \(downloadConcurrency) is out of range; give 1 to 256 files at once")
        }
        guard (1...86_400).contains(timeout) else {
            throw .configuration("timeout \(timeout) is out of range; give 1 to 86400 seconds")
        }
        guard (0...100).contains(maxRetries) else {
            throw .configuration("max retries \(maxRetries) is out of range; give 0 to 100")
        }
        return try syncRequest()
    }

    /// The request the synchronizer runs. Connection numbers out of range (stored before
    /// `check` refused them) are brought into it, so that a stored remote keeps syncing.
    public func syncRequest() throws(ReplicationError) -> SyncRequest {
        var platforms = Set<PlatformFamily>()
        for name in excludePlatforms {
            guard let family = PlatformFamily(filterName: name), family != .any, family != .other else {
                throw .configuration("unknown platform '\(name)'; use windows, macos, linux or freebsd")
            }
            platforms.insert(family)
        }
        let types: Set<String> = ["sdist", "bdist_wheel", "bdist_egg"]
        if let unknown = packageTypes.first(where: { !types.contains($0) }) {
            throw .configuration("unknown package type '\(unknown)'; use sdist, bdist_wheel or bdist_egg")
        }
        guard let chosenPolicy = SyncPolicy(rawValue: policy) else {
            throw .configuration("unknown policy '\(policy)'; use immediate, on_demand or streamed")
        }
        if !withDependencies, !(targetPythons.isEmpty && targetPlatforms.isEmpty) {
            throw .configuration("target Pythons and platforms apply to syncs with dependencies; add --with-dependencies")
        }
        let filter = RemoteFilter(
            includes: try includes.map(Self.requirement), excludes: try excludes.map(Self.requirement), prereleases: prereleases,
            packageTypes: Set(packageTypes), excludePlatforms: platforms, keepLatestPackages: max(0, keepLatestPackages),
            minimumAgeSeconds: max(0, minAgeSeconds))
        let connection = ConnectionSettings(
            username: username, password: password, proxyURL: proxyURL, caCertificate: caCert, clientCertificate: clientCert,
            clientKey: clientKey, tlsValidation: tlsValidation, timeoutSeconds: min(max(timeout, 1), 86_400),
            maxRetries: min(max(maxRetries, 0), 100), downloadConcurrency: min(max(downloadConcurrency, 1), 256))
        return SyncRequest(
            upstream: try UpstreamIndex(url: url), filter: filter, connection: connection, mirror: mirror, distribution: distribution,
            dependencies: withDependencies ? DependencyTargets(pythons: targetPythons, platforms: targetPlatforms) : nil, policy: chosenPolicy)
    }

    private static func requirement(_ text: String) throws(ReplicationError) -> Requirement {
        do {
            return try Requirement(parsing: text)
        } catch {
            throw .configuration("'\(text)' is not a PEP 508 requirement: \(error)")
        }
    }
}
