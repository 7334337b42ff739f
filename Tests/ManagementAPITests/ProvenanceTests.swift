import ContentStore
import Digests
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

@Suite("content/python/provenance/ and packages' attestations, as pulp-cli sends them")
struct ProvenanceAPITests {
    static let filename = "demo-1.0-py3-none-any.whl"
    static let wheel = ArchiveBuilder.wheel(name: "demo", version: "1.0")
    static var sha256: String { FileDigests.of(wheel).sha256.hex }

    static func multipart(_ fields: [(String, String)], file: (name: String, filename: String, bytes: [UInt8])) -> (HTTPFields, ByteBuffer) {
        var form = MultipartBuilder()
        for (name, value) in fields { form.field(name, value) }
        form.file(file.name, filename: file.filename, file.bytes)
        var headers = ManagementFixture.authorization
        headers[.contentType] = form.contentType
        return (headers, ByteBuffer(bytes: form.build()))
    }

    @Test("a package created with attestations names its provenance; the provenance lists by package and reads whole")
    func packageWithAttestations() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let attestation = AttestationBuilder.attestation(filename: Self.filename, sha256: Self.sha256)
            let (headers, body) = Self.multipart(
                [("relative_path", Self.filename), ("attestations", "[\(attestation)]")], file: ("file", Self.filename, Self.wheel))
            let response = try await client.execute(uri: "/pulp/api/v3/content/python/packages/", method: .post, headers: headers, body: body)
            let task = try await client.finished((response.status, try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any], response))
            #expect(task["state"] as? String == "completed", "\(task)")
            let created = task["created_resources"] as? [String] ?? []
            let provenanceHref = try #require(created.first { $0.contains("/content/python/provenance/") })
            let packageHref = try #require(created.first { $0.contains("/content/python/packages/") })

            let package = try await client.call(packageHref).body
            #expect((package["provenance"] as? String)?.hasPrefix("prn:python.packageprovenance:") == true)
            let listed = try await client.call("/pulp/api/v3/content/python/provenance/?package=\(packageHref)").body
            #expect(listed["count"] as? Int == 1)
            let provenance = try await client.call(provenanceHref).body
            #expect(provenance["package"] as? String == packageHref)
            let document = try #require(provenance["provenance"] as? [String: Any])
            let bundles = try #require(document["attestation_bundles"] as? [[String: Any]])
            #expect((bundles.first?["publisher"] as? [String: Any])?["username"] as? String == "admin")
        }
    }

    @Test("a provenance file for a package: created once, checked against the package (400 for another file's), a second refused")
    func provenanceForPackage() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let (headers, body) = Self.multipart([("relative_path", Self.filename)], file: ("file", Self.filename, Self.wheel))
            let response = try await client.execute(uri: "/pulp/api/v3/content/python/packages/", method: .post, headers: headers, body: body)
            let task = try await client.finished((response.status, try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any], response))
            let packageHref = try #require((task["created_resources"] as? [String])?.first)

            let wrong = AttestationBuilder.provenance([AttestationBuilder.attestation(filename: Self.filename, sha256: String(repeating: "1", count: 64))])
            let (badHeaders, badBody) = Self.multipart([("package", packageHref)], file: ("file", "provenance.json", Array(wrong.utf8)))
            let refused = try await client.execute(uri: "/pulp/api/v3/content/python/provenance/", method: .post, headers: badHeaders, body: badBody)
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("sha256"))

            let right = AttestationBuilder.provenance([AttestationBuilder.attestation(filename: Self.filename, sha256: Self.sha256)])
            for expected in ["completed", "failed"] {
                let (goodHeaders, goodBody) = Self.multipart([("package", packageHref)], file: ("file", "provenance.json", Array(right.utf8)))
                let accepted = try await client.execute(uri: "/pulp/api/v3/content/python/provenance/", method: .post, headers: goodHeaders, body: goodBody)
                let done = try await client.finished((accepted.status, try JSONSerialization.jsonObject(with: Data(buffer: accepted.body)) as! [String: Any], accepted))
                #expect(done["state"] as? String == expected, "\(done)")
            }
            #expect(try await fixture.store.provenances(packageUUIDs: nil, offset: 0, limit: 10).count == 1)
        }
    }

    @Test("a remote always mirrors provenance: `provenance: true` is accepted and shown, false is refused with the reason")
    func remoteProvenanceField() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let refused = try await client.call(
                "/pulp/api/v3/remotes/python/python/", .post, json: #"{"name": "a", "url": "https://example.com/simple/", "provenance": false}"#)
            #expect(refused.status == .badRequest)
            #expect((refused.body["provenance"] as? [String])?.first?.contains("always mirrors") == true)
            let created = try await client.call(
                "/pulp/api/v3/remotes/python/python/", .post, json: #"{"name": "b", "url": "https://example.com/simple/", "provenance": true}"#)
            #expect(created.status == .created && created.body["provenance"] as? Bool == true, "\(created.body)")
        }
    }
}
