/// The one error type of `Replication`: what went wrong talking to an upstream or storing
/// what it sent, with a message that says what to do.
public enum ReplicationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The remote's settings cannot be used (a bad URL, an unreadable certificate).
    case configuration(String)
    /// The upstream could not be reached, or kept failing after the retries.
    case unreachable(String)
    /// The upstream answered with something that is not a usable index page or file.
    case badResponse(String)
    /// The upstream's page is older than one already seen (a cache lagging behind).
    case stale(String)
    /// Downloaded bytes do not match the upstream's declared sha256 or size.
    case digestMismatch(String)
    /// The store refused the file (not a readable distribution, or a filename already used
    /// with other bytes).
    case refused(String)

    /// A stable name for the kind of failure, as `--json` reports it.
    public var code: String {
        switch self {
        case .configuration: "configuration"
        case .unreachable: "unreachable"
        case .badResponse: "bad-response"
        case .stale: "stale"
        case .digestMismatch: "digest-mismatch"
        case .refused: "refused"
        }
    }

    public var message: String {
        switch self {
        case .configuration(let message), .unreachable(let message), .badResponse(let message), .stale(let message),
            .digestMismatch(let message), .refused(let message):
            message
        }
    }

    public var description: String { message }
}
