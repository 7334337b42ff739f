package import ContentStore
package import Hummingbird

/// Why a request's credentials were not accepted.
package enum SignInFailure: Error, Sendable {
    /// No `Authorization: Basic …` header, or one that cannot be read.
    case missing
    /// The user name and password do not match an account.
    case wrong(username: String)
    /// Too many failures for this user from this address: try again in `seconds`.
    case throttled(username: String, seconds: Int64)
}

/// HTTP basic authentication against the store's accounts, with failed sign-ins counted per
/// client address and user name (`SignInThrottle`), for uploads and the management API alike.
package struct BasicAuthenticator: Sendable {
    let store: ContentStore
    let throttle = SignInThrottle()

    package init(store: ContentStore) { self.store = store }

    /// Who a request signs in as: an account by its password or one of its tokens, or
    /// `__token__` with an upload token.
    package func authenticate(_ request: Request, from address: String) async throws -> SignedIn {
        guard let (username, password) = Self.credentials(in: request) else { throw SignInFailure.missing }
        // Counted per address and user name: guessing one account's password from an address
        // (or from behind a proxy that many share) locks out that account there, not everyone.
        let attempt = address + "\u{0}" + username
        if let seconds = throttle.wait(for: attempt) { throw SignInFailure.throttled(username: username, seconds: seconds) }
        guard let signedIn = try await store.signIn(username: username, password: password) else {
            throttle.failed(attempt)
            throw SignInFailure.wrong(username: username)
        }
        throttle.succeeded(attempt)
        return signedIn
    }

    /// The user name and password of an `Authorization: Basic …` header, unchecked.
    private static func credentials(in request: Request) -> (username: String, password: String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Base64.decode(String(header.dropFirst(6)).trimmingSpaces()),
            let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
