import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import ManagementAPI
import NIOCore
import Testing

@Suite("Chunked uploads")
struct ChunkedUploadTests {
    /// A multipart body with the chunk as `file` and, when given, its `sha256`.
    static func chunk(_ bytes: [UInt8], sha256: String? = nil) -> (HTTPFields, ByteBuffer) {
        let boundary = "chunk-boundary"
        var body = ""
        if let sha256 { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"sha256\"\r\n\r\n\(sha256)\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        var buffer = ByteBuffer(string: body)
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n--\(boundary)--\r\n")
        var headers = ManagementFixture.authorization
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return (headers, buffer)
    }

    @Test("Content-Range is read strictly: in range, end inclusive, no overflow")
    func ranges() {
        #expect(ManagementRoutes.parseRange("bytes 0-99/100")! == (0, 99, 100))
        #expect(ManagementRoutes.parseRange("bytes 100-100/100") == nil)
        #expect(ManagementRoutes.parseRange("bytes 5-4/100") == nil)
        #expect(ManagementRoutes.parseRange("bytes -1-4/100") == nil)
        #expect(ManagementRoutes.parseRange("bytes 0-99999999999999999999/100") == nil)
        #expect(ManagementRoutes.parseRange("items 0-9/10") == nil)
    }

    @Test("a chunk must match its range, its sha256 and the upload; content from an incomplete upload fails, saying which bytes are missing")
    func chunks() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let upload = try await client.call("/pulp/api/v3/uploads/", .post, json: #"{"size":10}"#)
            #expect(upload.status == .created)
            let href = try #require(upload.body["pulp_href"] as? String)
            let (headers, body) = Self.chunk(Array("hello".utf8))
            var ranged = headers
            ranged[ManagementRoutes.contentRange] = "bytes 0-4/10"
            let accepted = try await client.execute(uri: href, method: .put, headers: ranged, body: body)
            #expect(accepted.status == .ok)
            #expect(String(buffer: accepted.body).contains(#""chunks":[{"offset":0,"size":5}]"#))

            var wrongLength = headers
            wrongLength[ManagementRoutes.contentRange] = "bytes 5-8/10"
            #expect(try await client.execute(uri: href, method: .put, headers: wrongLength, body: body).status == .badRequest)
            var wrongTotal = headers
            wrongTotal[ManagementRoutes.contentRange] = "bytes 5-9/11"
            #expect(try await client.execute(uri: href, method: .put, headers: wrongTotal, body: body).status == .badRequest)
            let (damagedHeaders, damaged) = Self.chunk(Array("world".utf8), sha256: String(repeating: "0", count: 64))
            var damagedRanged = damagedHeaders
            damagedRanged[ManagementRoutes.contentRange] = "bytes 5-9/10"
            #expect(try await client.execute(uri: href, method: .put, headers: damagedRanged, body: damaged).status == .badRequest)

            let task = try await client.finished(
                try await client.call(
                    "/pulp/api/v3/content/python/packages/", .post, json: #"{"upload":"\#(href)","relative_path":"demo-1.0-py3-none-any.whl"}"#))
            #expect(task["state"] as? String == "failed")
            #expect(((task["error"] as? [String: Any])?["description"] as? String)?.contains("missing bytes 5–9") == true)

            #expect(try await client.call(href, .delete).status == .noContent)
            #expect(try await client.call(href).status == .notFound)
        }
    }
}
