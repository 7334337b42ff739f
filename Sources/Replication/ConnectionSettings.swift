import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// How to reach an upstream, with pulp_python's remote fields: credentials, proxy, TLS,
/// timeouts, retries and download concurrency.
public struct ConnectionSettings: Sendable, Hashable {
    public var username: String?
    public var password: String?
    /// `http://[user:password@]host:port`.
    public var proxyURL: String?
    /// PEM file of certificate authorities to trust instead of the system's.
    public var caCertificatePath: String?
    public var clientCertificatePath: String?
    public var clientKeyPath: String?
    public var tlsValidation: Bool
    /// Seconds to wait for a connection, and for each read.
    public var timeoutSeconds: Int64
    /// Further attempts after a timeout, a dropped connection, a 5xx or a 429.
    public var maxRetries: Int
    /// Files downloaded at once.
    public var downloadConcurrency: Int

    public init(
        username: String? = nil, password: String? = nil, proxyURL: String? = nil, caCertificatePath: String? = nil,
        clientCertificatePath: String? = nil, clientKeyPath: String? = nil, tlsValidation: Bool = true, timeoutSeconds: Int64 = 30,
        maxRetries: Int = 3, downloadConcurrency: Int = 8
    ) {
        self.username = username
        self.password = password
        self.proxyURL = proxyURL
        self.caCertificatePath = caCertificatePath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
        self.tlsValidation = tlsValidation
        self.timeoutSeconds = timeoutSeconds
        self.maxRetries = maxRetries
        self.downloadConcurrency = downloadConcurrency
    }

    /// The HTTP client configuration these settings describe.
    func clientConfiguration() throws(ReplicationError) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !tlsValidation { tls.certificateVerification = .none }
        do {
            if let caCertificatePath { tls.trustRoots = .file(caCertificatePath) }
            if let clientCertificatePath {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificatePath).map { .certificate($0) }
            }
            if let clientKeyPath { tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKeyPath, format: .pem)) }
        } catch {
            throw ReplicationError.configuration("cannot read the TLS certificate or key files: \(error)")
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .follow(max: 5, allowCycles: false),
            timeout: .init(connect: .seconds(timeoutSeconds), read: .seconds(timeoutSeconds)), decompression: .disabled)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(downloadConcurrency, 8))
        // A refused connection fails the attempt at once, and the client's own retries (with
        // backoff, `maxRetries`) decide what happens next. AsyncHTTPClient would otherwise keep
        // reconnecting until the request's deadline: an upstream that is down took two minutes
        // to report.
        configuration.connectionPool.retryConnectionEstablishment = false
        if let proxyURL {
            guard let url = URL(string: proxyURL), let host = url.host else {
                throw ReplicationError.configuration("the proxy URL '\(proxyURL)' has no host; write it as http://host:port")
            }
            let authorization = url.user.map { HTTPClient.Authorization.basic(username: $0, password: url.password ?? "") }
            configuration.proxy = .server(host: host, port: url.port ?? 3128, authorization: authorization)
        }
        return configuration
    }

    /// The `Authorization` header for the upstream, when credentials are set.
    var authorization: String? {
        guard let username else { return nil }
        return "Basic " + Data("\(username):\(password ?? "")".utf8).base64EncodedString()
    }
}
