/// How the index server runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The largest file an upload may carry.
    public var maximumUploadSize: Int64
    /// How often to look for changes made by other processes (the CLI, a sync).
    public var changePollInterval: Duration
    /// Files up to this size are served from memory once read.
    public var cachedFileMaximumSize: Int64
    /// The most bytes of files kept in memory (0 turns the cache off).
    public var fileCacheBudget: Int64
    /// Send larger file bodies with `sendfile` from the HTTP/1.1 pipeline. Off only where
    /// there is no such pipeline (Hummingbird's router-level tests); then files are streamed.
    public var sendfile: Bool
    /// The scheme, host and port clients reach the server at (`https://pypi.example.com`),
    /// for the absolute URLs in pages; nil takes them from each request.
    public var publicURL: String?
    /// How many connections may be open, and how soon a request head must arrive.
    public var connectionLimits: ConnectionLimits

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maximumUploadSize: Int64 = 1 << 30, changePollInterval: Duration = .milliseconds(100),
        cachedFileMaximumSize: Int64 = 1 << 20, fileCacheBudget: Int64 = 64 << 20, sendfile: Bool = true, publicURL: String? = nil,
        connectionLimits: ConnectionLimits = ConnectionLimits()
    ) {
        self.connectionLimits = connectionLimits
        self.publicURL = publicURL.map { String($0.reversed().drop { $0 == "/" }.reversed()) }
        self.host = host
        self.port = port
        self.maximumUploadSize = maximumUploadSize
        self.changePollInterval = changePollInterval
        self.cachedFileMaximumSize = cachedFileMaximumSize
        self.fileCacheBudget = fileCacheBudget
        self.sendfile = sendfile
    }

    /// Reads `HOST:PORT` (`127.0.0.1:8080`, `[::1]:8080`, `:8080`).
    public static func parse(bind: String) -> (host: String, port: Int)? {
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(bind[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
