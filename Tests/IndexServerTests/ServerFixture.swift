import ContentStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IndexServer
import Logging
import NIOCore
import TestSupport
import _NIOFileSystem

/// A server over a fresh store with the `default` repository and distribution and an
/// `admin` account, driven through Hummingbird's test client.
struct ServerFixture {
    let store: ContentStore
    let directory: URL
    let repository: Repository

    static let password = "test-password"

    static func make() async throws -> ServerFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wheelhouse-server-\(UUID().uuidString)")
        let store = try await ContentStore.open(directory: FilePath(directory.path), logger: Logger(label: "test"))
        let repository = try await store.createRepository(name: "default")
        _ = try await store.createDistribution(name: "default", basePath: "default", target: .repository(repository.id))
        _ = try await store.ensureAdmin(password: password)
        return ServerFixture(store: store, directory: directory, repository: repository)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs `body` with a test client of the server.
    /// By default the routes are driven without an HTTP/1.1 pipeline (files are streamed
    /// there); `live` runs the real server on a port, where files beyond the memory cache
    /// (`fileCacheBudget`) go out with `sendfile`.
    func test(
        live: Bool = false, fileCacheBudget: Int64 = 64 << 20, limits: ConnectionLimits = ConnectionLimits(),
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let configuration = ServerConfiguration(
            port: 0, maximumUploadSize: 1 << 20, changePollInterval: .milliseconds(20), fileCacheBudget: fileCacheBudget, sendfile: live,
            connectionLimits: limits)
        let app = IndexServer.buildApplication(configuration: configuration, store: store, logger: Logger(label: "test"))
        try await app.test(live ? .live : .router, body)
    }

    /// Adds a corpus file to the repository directly.
    func add(corpus filename: String) async throws -> Package {
        let writer = try await store.blobs.makeWriter()
        try await writer.write(ByteBuffer(bytes: Array(try Corpus.data(filename))))
        let package = try await store.ingest(try await writer.finish(), filename: filename, uploadTime: .now(), strict: false)
        try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [package.id]))
        return package
    }

    /// Adds a small wheel of the project `demo` to the repository directly.
    func add(demoVersion version: String) async throws -> Package {
        let writer = try await store.blobs.makeWriter()
        try await writer.write(ByteBuffer(bytes: ArchiveBuilder.wheel(name: "demo", version: version)))
        let package = try await store.ingest(try await writer.finish(), filename: "demo-\(version)-py3-none-any.whl", uploadTime: .now(), strict: false)
        try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [package.id]))
        return package
    }

    static var authorization: HTTPFields {
        [.authorization: "Basic " + Data("admin:\(password)".utf8).base64EncodedString()]
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }
}
