import ContentStore
import Digests
import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import IndexServer
import NIOCore
import PythonPackaging
import Testing
import TestSupport

@Suite("Uploads through the legacy API")
struct UploadTests {
    static func wheel(version: String = "1.0", author: String = "someone") -> [UInt8] {
        ArchiveBuilder.wheel(name: "demo", version: version, metadata: ArchiveBuilder.metadata(name: "demo", version: version, extra: "Author: \(author)\n"))
    }

    /// twine's form for `demo-1.0-py3-none-any.whl` with these bytes.
    static func demoUpload(_ bytes: [UInt8]) -> MultipartBuilder {
        .upload(filename: "demo-1.0-py3-none-any.whl", data: bytes, name: "demo", version: "1.0", sha256: Digest.sha256(bytes).hex)
    }

    func post(_ client: any TestClientProtocol, _ form: MultipartBuilder, authorized: Bool = true, path: String = "/pypi/default/legacy/") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: form.contentType]
        if authorized { headers.append(contentsOf: ServerFixture.authorization) }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: form.build()))
    }

    @Test("an upload lands in a new version at once; the identical file again changes nothing")
    func accepted() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let bytes = Self.wheel()
        let form = Self.demoUpload(bytes)
        try await fixture.test { client in
            let response = try await post(client, form)
            #expect(response.status == .ok, "\(response.text)")
            let page = try await client.execute(uri: "/pypi/default/simple/demo/", method: .get)
            #expect(page.text.contains("demo-1.0-py3-none-any.whl#sha256=\(Digest.sha256(bytes))"))
            let again = try await post(client, form)
            #expect(again.status == .ok)
        }
        #expect(try await fixture.store.repository(named: "default").latestVersion == 1)
    }

    @Test("other bytes under a used filename: 400 'File already exists', the original stays")
    func conflict() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let original = Self.wheel()
        let rebuilt = Self.wheel(author: "someone else")
        try await fixture.test { client in
            _ = try await post(client, .upload(filename: "demo-1.0-py3-none-any.whl", data: original, name: "demo", version: "1.0", sha256: Digest.sha256(original).hex))
            let refused = try await post(client, .upload(filename: "demo-1.0-py3-none-any.whl", data: rebuilt, name: "demo", version: "1.0", sha256: Digest.sha256(rebuilt).hex))
            #expect(refused.status == .badRequest)
            #expect(refused.text.hasPrefix("File already exists"))
            let file = try await client.execute(uri: "/pulp/content/default/demo-1.0-py3-none-any.whl", method: .get)
            #expect(Array(file.body.readableBytesView) == original)
        }
        // Refused before anything was stored: no second package, no stored copy of the rebuild.
        #expect(try await fixture.store.packages(filename: "demo-1.0-py3-none-any.whl").map(\.sha256) == [Digest.sha256(original)])
        #expect(!(try await fixture.store.blobs.contains(sha256: Digest.sha256(rebuilt))))
    }

    @Test("archived and quarantined projects take no uploads (PEP 792); deprecated ones do")
    func statusRefusesUploads() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let bytes = Self.wheel()
        let form = Self.demoUpload(bytes)
        for status in [ProjectStatus.archived, .quarantined] {
            try await fixture.store.modify(repositoryID: fixture.repository.id, changes: .init(status: ["demo": .init(status, reason: "read only")]))
            try await fixture.test { client in
                let refused = try await post(client, form)
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains("'demo' is \(status.rawValue) (read only)"), "\(refused.text)")
            }
        }
        #expect(try await fixture.store.packages(repositoryID: fixture.repository.id, version: fixture.store.repository(named: "default").latestVersion).isEmpty)
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: .init(status: ["demo": .init(.deprecated)]))
        try await fixture.test { client in
            let accepted = try await post(client, form)
            #expect(accepted.status == .ok, "\(accepted.text)")
        }
    }

    @Test("authentication: missing is 401 with a challenge, wrong is 403")
    func authentication() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let bytes = Self.wheel()
        let form = Self.demoUpload(bytes)
        try await fixture.test { client in
            let anonymous = try await post(client, form, authorized: false)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            let wrong = try await client.execute(
                uri: "/pypi/default/legacy/", method: .post,
                headers: [.contentType: form.contentType, .authorization: "Basic " + Data("admin:nope".utf8).base64EncodedString()],
                body: ByteBuffer(bytes: form.build()))
            #expect(wrong.status == .forbidden)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains("wheelhouse_uploads_total{outcome=\"unauthorized\"} 2"), "both count as unauthorized")
        }
        #expect(try await fixture.store.repository(named: "default").latestVersion == 0)
    }

    @Test("five wrong passwords from one address and it is refused at once (429) for a minute, the right password too")
    func signInThrottle() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let form = Self.demoUpload(Self.wheel())
        try await fixture.test { client in
            func attempt(_ password: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/pypi/default/legacy/", method: .post,
                    headers: [.contentType: form.contentType, .authorization: "Basic " + Data("admin:\(password)".utf8).base64EncodedString()],
                    body: ByteBuffer(bytes: form.build()))
            }
            for _ in 0..<SignInThrottle.allowedFailures { #expect(try await attempt("guess").status == .forbidden) }
            let refused = try await attempt(ServerFixture.password)
            #expect(refused.status == .tooManyRequests && Int(refused.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
        #expect(try await fixture.store.repository(named: "default").latestVersion == 0)
    }

    @Test("refusals: wrong digest, no digest, truncated body, bad archive, disagreeing form, no action, too large")
    func refusals() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let bytes = Self.wheel()
        let filename = "demo-1.0-py3-none-any.whl"
        try await fixture.test { client in
            let wrongDigest = try await post(client, .upload(filename: filename, data: bytes, name: "demo", version: "1.0", sha256: String(repeating: "0", count: 64)))
            #expect(wrongDigest.status == .badRequest && wrongDigest.text.contains("does not match"))
            let noDigest = try await post(client, .upload(filename: filename, data: bytes, name: "demo", version: "1.0", sha256: nil))
            #expect(noDigest.status == .badRequest && noDigest.text.contains("at least one message digest"))
            let form = MultipartBuilder.upload(filename: filename, data: bytes, name: "demo", version: "1.0", sha256: Digest.sha256(bytes).hex)
            let truncated = try await client.execute(
                uri: "/pypi/default/legacy/", method: .post, headers: [.contentType: form.contentType] + ServerFixture.authorization,
                body: ByteBuffer(bytes: form.build().dropLast(40)))
            #expect(truncated.status == .badRequest && truncated.text.contains("closing boundary"))
            let garbage = Array("not a zip file at all".utf8)
            let bad = try await post(client, .upload(filename: filename, data: garbage, name: "demo", version: "1.0", sha256: Digest.sha256(garbage).hex))
            #expect(bad.status == .badRequest && bad.text.contains("refused"))
            let otherName = try await post(client, .upload(filename: filename, data: bytes, name: "other", version: "1.0", sha256: Digest.sha256(bytes).hex))
            #expect(otherName.status == .badRequest && otherName.text.contains("names the project"))
            var noAction = MultipartBuilder()
            noAction.field("sha256_digest", Digest.sha256(bytes).hex)
            noAction.file("content", filename: filename, bytes)
            #expect(try await post(client, noAction).status == .badRequest)
            let huge = [UInt8](repeating: 1, count: (1 << 20) + 10)
            let tooLarge = try await post(client, .upload(filename: filename, data: huge, name: "demo", version: "1.0", sha256: Digest.sha256(huge).hex))
            #expect(tooLarge.status == .contentTooLarge)
            let unsafe = try await post(client, .upload(filename: "../demo-1.0-py3-none-any.whl", data: bytes, name: "demo", version: "1.0", sha256: Digest.sha256(bytes).hex))
            #expect(unsafe.status == .badRequest)
        }
        #expect(try await fixture.store.repository(named: "default").latestVersion == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test("form bounds: an action that is not an upload is refused before the file, part count and name bytes are capped")
    func formBounds() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let filename = "demo-1.0-py3-none-any.whl"
        try await fixture.test { client in
            // The file is over the size limit: the 400 shows the action was judged before it.
            var otherAction = MultipartBuilder()
            otherAction.field(":action", "remove_pkg")
            otherAction.file("content", filename: filename, [UInt8](repeating: 1, count: (1 << 20) + 10))
            let refused = try await post(client, otherAction)
            #expect(refused.status == .badRequest && refused.text.contains("Unsupported ':action' 'remove_pkg'"), "\(refused.text)")
            var manyParts = MultipartBuilder()
            for index in 0...2_000 { manyParts.field("classifiers", "Topic :: \(index)") }
            let tooMany = try await post(client, manyParts)
            #expect(tooMany.status == .badRequest && tooMany.text.contains("more than 2000 parts"))
            var longNames = MultipartBuilder()
            for index in 0..<600 { longNames.field(String(repeating: "n", count: 15_000) + "\(index)", "") }
            #expect(try await post(client, longNames).status == .contentTooLarge)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test("a distribution serving a fixed version refuses uploads")
    func fixedDistribution() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let publication = try await fixture.store.publish(repositoryID: fixture.repository.id)
        _ = try await fixture.store.createDistribution(name: "frozen", basePath: "frozen", target: .publication(publication.id))
        let bytes = Self.wheel()
        try await fixture.test { client in
            let refused = try await post(
                client, .upload(filename: "demo-1.0-py3-none-any.whl", data: bytes, name: "demo", version: "1.0", sha256: Digest.sha256(bytes).hex),
                path: "/pypi/frozen/legacy/")
            #expect(refused.status == .badRequest && refused.text.contains("does not accept uploads"))
        }
    }
}

/// Digests of test bytes.
enum Digest {
    static func sha256(_ bytes: [UInt8]) -> SHA256Digest { FileDigests.of(bytes).sha256 }
}
