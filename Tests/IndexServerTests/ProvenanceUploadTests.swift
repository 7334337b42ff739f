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

@Suite("PEP 740: attestations uploaded with a file, served by the Integrity API and on the pages")
struct ProvenanceUploadTests {
    static let filename = "demo-1.0-py3-none-any.whl"

    /// twine's form with `attestations` (a JSON array) added, as `--attestations` sends it.
    static func form(_ bytes: [UInt8], attestations: String) -> MultipartBuilder {
        var form = MultipartBuilder()
        form.field(":action", "file_upload")
        form.field("protocol_version", "1")
        form.field("name", "demo")
        form.field("version", "1.0")
        form.field("filetype", "bdist_wheel")
        form.field("sha256_digest", Digest.sha256(bytes).hex)
        form.field("attestations", attestations)
        form.file("content", filename: filename, bytes)
        return form
    }

    func post(_ client: any TestClientProtocol, _ form: MultipartBuilder) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: form.contentType]
        headers.append(contentsOf: ServerFixture.authorization)
        return try await client.execute(uri: "/pypi/default/legacy/", method: .post, headers: headers, body: ByteBuffer(bytes: form.build()))
    }

    @Test("an attested upload: PEP 691 and HTML name the provenance URL, which serves one bundle by the uploader")
    func attested() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let bytes = UploadTests.wheel()
        let attestation = AttestationBuilder.attestation(filename: Self.filename, sha256: Digest.sha256(bytes).hex)
        try await fixture.test { client in
            let response = try await post(client, Self.form(bytes, attestations: "[\(attestation)]"))
            #expect(response.status == .ok, "\(response.text)")
            let json = try await client.execute(
                uri: "/pypi/default/simple/demo/", method: .get, headers: [.accept: "application/vnd.pypi.simple.v1+json"])
            let document = try JSONSerialization.jsonObject(with: Data(json.body.readableBytesView)) as! [String: Any]
            let file = (document["files"] as! [[String: Any]])[0]
            let url = try #require(file["provenance"] as? String)
            #expect(url.hasSuffix("/pypi/default/integrity/demo/1.0/\(Self.filename)/provenance/"))
            let html = try await client.execute(uri: "/pypi/default/simple/demo/", method: .get, headers: [.accept: "text/html"])
            #expect(html.text.contains("data-provenance=\"\(url)\""))

            let served = try await client.execute(uri: String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }), method: .get)
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == Provenance.mediaType)
            let provenance = try Provenance(parsing: Array(served.body.readableBytesView))
            #expect(provenance.publisherKinds == ["Wheelhouse user"])
            #expect(served.text.contains(attestation))
            #expect(served.text.contains(#""username":"admin""#))

            let other = try await client.execute(uri: "/pypi/default/integrity/demo/1.1/\(Self.filename)/provenance/", method: .get)
            #expect(other.status == .notFound)
        }
    }

    @Test("attestations about other bytes, or not JSON: 400 naming the problem, and nothing is stored")
    func refused() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let bytes = UploadTests.wheel()
        let wrongDigest = AttestationBuilder.attestation(filename: Self.filename, sha256: String(repeating: "0", count: 64))
        let otherFile = AttestationBuilder.attestation(filename: "demo-2.0-py3-none-any.whl", sha256: Digest.sha256(bytes).hex)
        try await fixture.test { client in
            for (attestations, reason) in [("[\(wrongDigest)]", "sha256"), ("[\(otherFile)]", "demo-2.0"), ("not json", "JSON array")] {
                let response = try await post(client, Self.form(bytes, attestations: attestations))
                #expect(response.status == .badRequest)
                #expect(response.text.hasPrefix("Invalid attestations supplied during upload"), "\(response.text)")
                #expect(response.text.contains(reason), "\(response.text)")
            }
            let page = try await client.execute(uri: "/pypi/default/simple/demo/", method: .get)
            #expect(page.status == .notFound)
        }
        #expect(try await fixture.store.packages(filename: Self.filename).isEmpty)
    }
}
