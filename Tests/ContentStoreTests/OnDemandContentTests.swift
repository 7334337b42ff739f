import ContentStore
import Testing
import TestSupport

@Suite("Content recorded on demand")
struct OnDemandContentTests {
    @Test("a recorded package counts as stored only once its bytes are kept")
    func storedPackage() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let filename = "six-1.17.0-py2.py3-none-any.whl"
        let bytes = [UInt8](try Corpus.data(filename))
        let sha256 = try #require(try Corpus.checksums().first { $0.filename == filename }?.sha256)
        let recorded = try await fixture.store.record(
            NewPackage(
                filename: filename, sha256: sha256, size: Int64(bytes.count), md5: nil, blake2b256: nil, name: "six", version: "1.17.0",
                packageType: "bdist_wheel", pythonVersion: "py2.py3", requiresPython: nil, metadataJSON: "{}", metadataSHA256: nil,
                uploadTime: .now(), upstreamURL: "https://files.example/\(filename)"))
        #expect(try await fixture.store.storedPackage(filename: filename, sha256: sha256) == nil)
        try await fixture.store.keep(try await fixture.write(bytes), for: recorded)
        #expect(try await fixture.store.storedPackage(filename: filename, sha256: sha256)?.id == recorded.id)
        #expect(try await fixture.store.storedPackage(filename: filename, sha256: String(repeating: "0", count: 64)) == nil)
        #expect(try await fixture.store.storedPackage(filename: "six-1.16.0-py2.py3-none-any.whl", sha256: sha256) == nil)
    }
}
