import ContentStore
import Foundation
import PythonPackaging
import Testing

@Suite("Integrity at rest: stored files against their records")
struct IntegrityTests {
    @Test("an intact file passes; one flipped byte or a missing file is named; a restore takes only the recorded bytes")
    func checkAndRestore() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let package = try await fixture.ingestCorpus("six-1.16.0-py2.py3-none-any.whl")
        let files = try await fixture.store.recordedFiles()
        #expect(Set(files.map(\.names)) == [["six-1.16.0-py2.py3-none-any.whl"], ["six-1.16.0-py2.py3-none-any.whl.metadata"]])
        let file = try #require(files.first { $0.sha256 == package.sha256 })
        #expect(file.size == package.size)
        for recorded in files { #expect(try await fixture.store.check(recorded) == nil) }

        let path = fixture.store.blobs.path(for: package.sha256).string
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var damaged = original
        damaged[damaged.count / 2] ^= 0x01
        try damaged.write(to: URL(fileURLWithPath: path))
        guard case .altered(let sha256, let size) = try await fixture.store.check(file) else {
            Issue.record("a flipped byte went unnoticed")
            return
        }
        #expect(sha256 != package.sha256 && size == package.size)

        await #expect(throws: StoreError.self) { try await fixture.store.restore(try await fixture.write(Array(damaged)), as: file) }
        try await fixture.store.restore(try await fixture.write(Array(original)), as: file)
        #expect(try await fixture.store.check(file) == nil)

        try FileManager.default.removeItem(atPath: path)
        #expect(try await fixture.store.check(file) == .missing)
        await #expect(throws: StoreError.self) { try await fixture.store.recordedFiles(basePaths: ["nowhere"]) }
    }

    @Test("a damaged PEP 658 metadata file is made again from the intact distribution file that holds it")
    func metadataRegenerated() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let package = try await fixture.ingestCorpus("six-1.16.0-py2.py3-none-any.whl")
        let metadata = try #require(try await fixture.store.recordedFiles().first { $0.size == nil })
        #expect(metadata.sha256 == package.metadataSHA256)
        let path = fixture.store.blobs.path(for: metadata.sha256).string
        try Data("not the metadata".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try await fixture.store.check(metadata) != nil)
        #expect(try await fixture.store.regenerateMetadata(metadata))
        #expect(try await fixture.store.check(metadata) == nil)

        // Without an intact distribution file there is nothing to make it from.
        try Data("damaged".utf8).write(to: URL(fileURLWithPath: fixture.store.blobs.path(for: package.sha256).string))
        try FileManager.default.removeItem(atPath: path)
        #expect(!(try await fixture.store.regenerateMetadata(metadata)))
    }
}
