package import ContentStore
public import Hummingbird
public import NIOCore

/// The context of a request to the index: Hummingbird's, with the client's address (for
/// limits on failed sign-ins).
public struct IndexRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Who the request signed in as, once it has.
    package var signedIn: SignedIn?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address, for counting what it does.
    package var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
