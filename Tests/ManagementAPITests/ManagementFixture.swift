import ContentStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IndexServer
import Logging
import ManagementAPI
import NIOCore
import _NIOFileSystem

/// A server with the management API over a fresh store with an `admin` account, driven
/// through Hummingbird's test client (the task runner runs as the server's service).
struct ManagementFixture {
    let store: ContentStore
    let directory: URL

    static let password = "test-password"

    static func make() async throws -> ManagementFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wheelhouse-api-\(UUID().uuidString)")
        let store = try await ContentStore.open(directory: FilePath(directory.path), logger: Logger(label: "test"))
        _ = try await store.ensureAdmin(password: password)
        return ManagementFixture(store: store, directory: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let configuration = ServerConfiguration(port: 0, maximumUploadSize: 1 << 20, changePollInterval: .milliseconds(20))
        let api = ManagementAPI(store: store, logger: Logger(label: "test"))
        let app = IndexServer.buildApplication(configuration: configuration, store: store, logger: Logger(label: "test"), extensions: api.extensions)
        try await app.test(.router, body)
    }

    static let authorization: HTTPFields = [
        .authorization: "Basic " + Data("admin:\(password)".utf8).base64EncodedString(), .contentType: "application/json",
    ]
}

extension TestClientProtocol {
    /// A management request as pulp-cli sends it: signed in, JSON body.
    func call(_ path: String, _ method: HTTPRequest.Method = .get, json: String? = nil, headers: HTTPFields = ManagementFixture.authorization) async throws
        -> (status: HTTPResponse.Status, body: [String: Any], response: TestResponse)
    {
        let response = try await execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
        return (response.status, object, response)
    }

    /// Follows a `202 {"task": href}` until the task is final, as pulp-cli does; the task.
    func finished(_ accepted: (status: HTTPResponse.Status, body: [String: Any], response: TestResponse)) async throws -> [String: Any] {
        guard accepted.status == .accepted, let href = accepted.body["task"] as? String else {
            throw FixtureError("expected 202 with a task, got \(accepted.status): \(String(buffer: accepted.response.body))")
        }
        for _ in 0..<400 {
            let task = try await call(href).body
            if ["completed", "failed", "canceled"].contains(task["state"] as? String ?? "") { return task }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw FixtureError("task \(href) did not finish")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
