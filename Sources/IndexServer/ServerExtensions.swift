package import ContentStore
package import Hummingbird
package import Logging
package import ServiceLifecycle

/// What the server lends the routes other modules add: the store, its settings, sign-in and
/// the logger.
package struct ServerContext: Sendable {
    package let store: ContentStore
    package let configuration: ServerConfiguration
    package let authenticator: BasicAuthenticator
    package let logger: Logger

    /// Where clients reach the server (the public URL, else the address the client used).
    package func origin(_ request: Request) -> String { Routes.origin(request, configuration) }
}

/// Routes and services added to the server by other modules (the management API), so that
/// the index server does not depend on them.
public struct ServerExtensions: Sendable {
    let register: @Sendable (Router<IndexRequestContext>, ServerContext) -> Void
    let services: [any Service]

    public init() {
        register = { _, _ in }
        services = []
    }

    package init(services: [any Service], register: @escaping @Sendable (Router<IndexRequestContext>, ServerContext) -> Void) {
        self.register = register
        self.services = services
    }
}
