import ContentStore
import PythonPackaging
import Testing
import TestSupport

@Suite("Content recorded on demand")
struct OnDemandContentTests {
    let filename = "six-1.17.0-py2.py3-none-any.whl"

    /// six's wheel as a sync records it without its bytes, served upstream at `url`.
    func recorded(sha256: SHA256Digest, size: Int, url: String) -> NewPackage {
        NewPackage(
            filename: filename, sha256: sha256, size: Int64(size), md5: nil, blake2b256: nil, name: "six", version: "1.17.0",
            packageType: "bdist_wheel", pythonVersion: "py2.py3", requiresPython: nil, metadataJSON: "{}", metadataSHA256: nil,
            uploadTime: .now(), upstreamURL: url)
    }

    @Test("a recorded package counts as stored only once its bytes are kept, and follows upstream when it moves")
    func storedPackage() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let bytes = [UInt8](try Corpus.data(filename))
        let listed = try #require(try Corpus.checksums().first { $0.filename == filename }?.sha256)
        let sha256 = try #require(SHA256Digest(hex: listed))
        let first = try await fixture.store.record(recorded(sha256: sha256, size: bytes.count, url: "https://files.example/\(filename)"))
        #expect(try await fixture.store.storedPackage(filename: filename, sha256: sha256) == nil)
        // Recorded again from where upstream serves it now: the new location is the one fetched.
        let moved = try await fixture.store.record(recorded(sha256: sha256, size: bytes.count, url: "https://cdn.example/\(filename)"))
        #expect(moved.id == first.id && moved.upstreamURL == "https://cdn.example/\(filename)")
        try await fixture.store.keep(try await fixture.write(bytes), for: moved)
        #expect(try await fixture.store.storedPackage(filename: filename, sha256: sha256)?.id == first.id)
        #expect(try await fixture.store.storedPackage(filename: filename, sha256: SHA256Digest(hex: String(repeating: "0", count: 64))!) == nil)
        #expect(try await fixture.store.storedPackage(filename: "six-1.16.0-py2.py3-none-any.whl", sha256: sha256) == nil)
    }
}
