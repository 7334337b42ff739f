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
    /// Certificate authorities to trust instead of the system's, and the client's certificate
    /// and key: each the path of a PEM file, or PEM text.
    public var caCertificate: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var tlsValidation: Bool
    /// Seconds to wait for a connection, and for each read.
    public var timeoutSeconds: Int64
    /// Further attempts after a timeout, a dropped connection, a 5xx or a 429.
    public var maxRetries: Int
    /// Files downloaded at once.
    public var downloadConcurrency: Int

    public init(
        username: String? = nil, password: String? = nil, proxyURL: String? = nil, caCertificate: String? = nil,
        clientCertificate: String? = nil, clientKey: String? = nil, tlsValidation: Bool = true, timeoutSeconds: Int64 = 30,
        maxRetries: Int = 3, downloadConcurrency: Int = 8
    ) {
        self.username = username
        self.password = password
        self.proxyURL = proxyURL
        self.caCertificate = caCertificate
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.tlsValidation = tlsValidation
        self.timeoutSeconds = timeoutSeconds
        self.maxRetries = maxRetries
        self.downloadConcurrency = downloadConcurrency
    }

    /// Whether a certificate or key setting is PEM text (as Pulp's API takes them) rather than a
    /// file's path.
    public static func isPEM(_ value: String) -> Bool { value.hasPrefix("-----BEGIN ") }

    /// Checks PEM text: certificates, or (`key`) a private key; the reason when it is not.
    public static func checkPEM(_ text: String, key: Bool) -> String? {
        do {
            if key {
                _ = try NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem)
            } else {
                guard !(try NIOSSLCertificate.fromPEMBytes(Array(text.utf8))).isEmpty else { return "it holds no certificate" }
            }
            return nil
        } catch {
            return "it is not a PEM \(key ? "private key" : "certificate"): \(error)"
        }
    }

    /// The HTTP client configuration these settings describe.
    func clientConfiguration() throws(ReplicationError) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !tlsValidation { tls.certificateVerification = .none }
        do {
            if let caCertificate {
                tls.trustRoots = Self.isPEM(caCertificate)
                    ? .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caCertificate.utf8))) : .file(caCertificate)
            }
            if let clientCertificate {
                let chain = Self.isPEM(clientCertificate)
                    ? try NIOSSLCertificate.fromPEMBytes(Array(clientCertificate.utf8)) : try NIOSSLCertificate.fromPEMFile(clientCertificate)
                tls.certificateChain = chain.map { .certificate($0) }
            }
            if let clientKey {
                let key = Self.isPEM(clientKey)
                    ? try NIOSSLPrivateKey(bytes: Array(clientKey.utf8), format: .pem) : try NIOSSLPrivateKey(file: clientKey, format: .pem)
                tls.privateKey = .privateKey(key)
            }
        } catch {
            throw ReplicationError.configuration("cannot read the TLS certificates or key (PEM text, or the path of a PEM file): \(error)")
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
