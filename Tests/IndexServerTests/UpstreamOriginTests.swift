@testable import IndexServer
import Testing

@Suite("Naming an upstream in error messages")
struct UpstreamOriginTests {
    @Test("only scheme, host and port are shown: no credentials, path or query", arguments: [
        ("https://user:token@files.example:8443/packages/a.whl?sig=1", "https://files.example:8443"),
        ("http://127.0.0.1:9000/files/six.whl", "http://127.0.0.1:9000"),
        ("https://files.example?sig=secret", "https://files.example"),
        ("files.example/a.whl", "<no URL>"),
    ])
    func origin(url: String, expected: String) {
        #expect(Routes.origin(of: url) == expected)
    }
}
