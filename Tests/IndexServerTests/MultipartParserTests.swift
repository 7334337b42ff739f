import Testing
import TestSupport

@testable import IndexServer

@Suite("Multipart parsing")
struct MultipartParserTests {
    @Test("the same events whatever the chunk boundaries")
    func chunking() throws {
        var form = MultipartBuilder()
        form.field("name", "demo")
        form.field("empty", "")
        form.file("content", filename: "demo-1.0.tar.gz", Array((0..<3000).map { UInt8($0 % 251) }) + Array("\r\n--not-the-boundary".utf8))
        let body = form.build()
        let expected = try Self.parse(body, boundary: form.boundary, chunk: body.count)
        #expect(expected.fields == ["name": "demo", "empty": ""])
        #expect(expected.file.count == 3000 + 20)
        for chunk in [1, 2, 3, 7, 50, 64, 1000] {
            let parsed = try Self.parse(body, boundary: form.boundary, chunk: chunk)
            #expect(parsed.fields == expected.fields && parsed.file == expected.file && parsed.complete, "chunks of \(chunk)")
        }
    }

    @Test("the boundary from a Content-Type header")
    func boundary() {
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(MultipartParser.boundary(fromContentType: "application/json") == nil)
    }

    @Test("malformed parts are errors, not crashes")
    func malformed() {
        var parser = MultipartParser(boundary: "b")
        #expect(throws: MultipartParser.Failure.self) { _ = try parser.feed(Array("--b\r\nX-Other: 1\r\n\r\nvalue\r\n--b--".utf8)) }
        var noBreak = MultipartParser(boundary: "b")
        #expect(throws: MultipartParser.Failure.self) { _ = try noBreak.feed(Array("--bXYZ".utf8)) }
    }

    static func parse(_ body: [UInt8], boundary: String, chunk: Int) throws -> (fields: [String: String], file: [UInt8], complete: Bool) {
        var parser = MultipartParser(boundary: boundary)
        var fields: [String: String] = [:]
        var file: [UInt8] = []
        var current: String?
        var value: [UInt8] = []
        var offset = 0
        while offset < body.count {
            let end = min(offset + chunk, body.count)
            for event in try parser.feed(body[offset..<end]) {
                switch event {
                case .partStart(let name, _):
                    current = name
                    value = []
                case .data(let bytes):
                    if current == "content" { file += bytes } else { value += bytes }
                case .partEnd:
                    if let current, current != "content" { fields[current] = String(decoding: value, as: UTF8.self) }
                    current = nil
                }
            }
            offset = end
        }
        return (fields, file, parser.isComplete)
    }
}
