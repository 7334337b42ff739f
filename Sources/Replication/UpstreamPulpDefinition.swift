import Foundation

/// What to delete locally when the upstream no longer lists a distribution (pulpcore's
/// upstream-pulp `policy`): every distribution not listed, only those replicated from this
/// upstream (labelled `UpstreamPulp`), or nothing.
public enum DeletePolicy: String, Sendable, Hashable, CaseIterable, Codable {
    case all, labeled, nodelete
}

/// An upstream Pulp (or Wheelhouse) to replicate from, with pulpcore's upstream-pulp fields:
/// where its API is, how to reach it, which distributions to take (`q_select`), the download
/// policy of the replicas (`remote_policy`) and what to delete (`policy`).
public struct UpstreamPulpDefinition: Codable, Sendable, Hashable {
    public var baseURL: String
    public var apiRoot = "/pulp/"
    public var domain: String?
    public var username: String?
    public var password: String?
    public var caCert: String?
    public var clientCert: String?
    public var clientKey: String?
    public var tlsValidation = true
    /// A `q` expression for the upstream's distribution list, such as `pulp_label_select="tier=edge"`.
    public var qSelect: String?
    public var remotePolicy: String?
    public var policy = DeletePolicy.all
    public var downloadConcurrency: Int?
    public var maxRetries: Int?
    public var totalTimeout: Int64?
    /// Replicate from `serve` every so many seconds (nil: only when asked).
    public var intervalSeconds: Int64?

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url", apiRoot = "api_root", domain, username, password, caCert = "ca_cert", clientCert = "client_cert"
        case clientKey = "client_key", tlsValidation = "tls_validation", qSelect = "q_select", remotePolicy = "remote_policy", policy
        case downloadConcurrency = "download_concurrency", maxRetries = "max_retries", totalTimeout = "total_timeout"
        case intervalSeconds = "interval_seconds"
    }

    public init(baseURL: String) { self.baseURL = baseURL }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(baseURL: try container.decode(String.self, forKey: .baseURL))
        apiRoot = try container.decodeIfPresent(String.self, forKey: .apiRoot) ?? apiRoot
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        caCert = try container.decodeIfPresent(String.self, forKey: .caCert)
        clientCert = try container.decodeIfPresent(String.self, forKey: .clientCert)
        clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
        tlsValidation = try container.decodeIfPresent(Bool.self, forKey: .tlsValidation) ?? true
        qSelect = try container.decodeIfPresent(String.self, forKey: .qSelect)
        remotePolicy = try container.decodeIfPresent(String.self, forKey: .remotePolicy)
        policy = try container.decodeIfPresent(DeletePolicy.self, forKey: .policy) ?? .all
        downloadConcurrency = try container.decodeIfPresent(Int.self, forKey: .downloadConcurrency)
        maxRetries = try container.decodeIfPresent(Int.self, forKey: .maxRetries)
        totalTimeout = try container.decodeIfPresent(Int64.self, forKey: .totalTimeout)
        intervalSeconds = try container.decodeIfPresent(Int64.self, forKey: .intervalSeconds)
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public static func decoded(_ text: String) throws(ReplicationError) -> UpstreamPulpDefinition {
        do {
            return try JSONDecoder().decode(UpstreamPulpDefinition.self, from: Data(text.utf8))
        } catch {
            throw .configuration("a stored upstream Pulp cannot be read: \(error)")
        }
    }

    /// Checks the settings, as a new upstream's must pass.
    public func check() throws(ReplicationError) {
        _ = try listURL(offset: 0, q: nil)
        if let remotePolicy, SyncPolicy(rawValue: remotePolicy) == nil {
            throw .configuration("unknown remote policy '\(remotePolicy)'; use immediate, on_demand or streamed")
        }
        if let domain, !(domain.isEmpty || domain == "default") {
            throw .configuration("domains are not supported: leave domain unset or 'default'")
        }
        _ = try connection.clientConfiguration()
    }

    /// The download policy of the replicas.
    public var syncPolicy: SyncPolicy { remotePolicy.flatMap(SyncPolicy.init(rawValue:)) ?? .immediate }

    /// How to reach the upstream, for its API and for the content its distributions serve.
    public var connection: ConnectionSettings {
        ConnectionSettings(
            username: username, password: password, caCertificate: caCert, clientCertificate: clientCert, clientKey: clientKey,
            tlsValidation: tlsValidation, timeoutSeconds: min(max(totalTimeout ?? 30, 1), 86_400), maxRetries: min(max(maxRetries ?? 3, 0), 100),
            downloadConcurrency: min(max(downloadConcurrency ?? 8, 1), 256))
    }

    /// The first page of the upstream's python distributions (`q` selects).
    func listURL(offset: Int, q: String?) throws(ReplicationError) -> String {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw .configuration("the upstream's base URL '\(baseURL)' is not an http or https URL, such as https://pulp.example.com")
        }
        guard apiRoot.hasPrefix("/"), apiRoot.hasSuffix("/"), !apiRoot.contains("?"), !apiRoot.contains("#") else {
            throw .configuration("the API root '\(apiRoot)' must start and end with '/', such as /pulp/")
        }
        var components = URLComponents()
        components.scheme = scheme
        components.host = url.host
        components.port = url.port
        components.path = apiRoot + "api/v3/distributions/python/pypi/"
        components.queryItems = (q.map { [URLQueryItem(name: "q", value: $0)] } ?? []) + [
            URLQueryItem(name: "offset", value: String(offset)), URLQueryItem(name: "limit", value: "100"),
        ]
        guard let text = components.string else { throw .configuration("cannot make the upstream's API URL from '\(baseURL)'") }
        return text
    }
}
