import ContentStore
import Foundation
import Glibc
import Logging
import PythonPackaging
import Testing
import _NIOFileSystem

@Suite("Write safety")
struct WriteSafetyTests {
    @Test("start-up removes the temporary files of writers that are gone and keeps those of running ones")
    func interruptedWrites() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let temporary = fixture.directory.appendingPathComponent("tmp")
        // A running process (this test's parent), one that cannot exist (beyond Linux's
        // largest pid), this process's own id (an earlier process that had it), no pid at all.
        let running = "upload-\(getppid())-1"
        let abandoned = ["upload-4194305-2", "upload-\(getpid())-3", "upload-left-by-a-crash"]
        for name in [running] + abandoned {
            try Data("partial".utf8).write(to: temporary.appendingPathComponent(name))
        }
        let writer = try await fixture.store.blobs.makeWriter()
        #expect(writer.path.lastComponent!.string.hasPrefix("upload-\(getpid())-"))
        await writer.abandon()

        _ = try await ContentStore.open(directory: FilePath(fixture.directory.path), logger: Logger(label: "test"), removingInterruptedWrites: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [running])
    }

    @Test("stores opened at once on a fresh data directory all migrate it without a clash")
    func concurrentFirstOpen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wheelhouse-open-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try await ContentStore.open(directory: FilePath(directory.path), logger: Logger(label: "test")) }
            }
            try await group.waitForAll()
        }
        let store = try await ContentStore.open(directory: FilePath(directory.path), logger: Logger(label: "test"))
        #expect(try await store.repositories().isEmpty)
    }

    @Test("an upload into a project archived meanwhile is refused in the transaction that would add it")
    func statusCheckedWhenAdding() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let repository = try await fixture.store.createRepository(name: "default")
        let package = try await fixture.ingestWheel(name: "demo", version: "1.0")
        try await fixture.store.checkAcceptsUpload(filename: package.filename, sha256: package.sha256, project: "demo", repositoryID: repository.id)
        try await fixture.store.modify(repositoryID: repository.id, changes: .init(status: ["demo": .init(.archived, reason: "moved")]))
        let error = await #expect(throws: StoreError.self) {
            try await fixture.store.addUploads([package], repositoryID: repository.id)
        }
        #expect(error?.code == .invalid && error?.message.hasPrefix("The project 'demo' is archived (moved)") == true)
        #expect(try await fixture.store.repository(id: repository.id).latestVersion == 1)
        try await fixture.store.modify(repositoryID: repository.id, changes: .init(status: ["demo": .init(.deprecated)]))
        let added = try await fixture.store.addUploads([package], repositoryID: repository.id)
        #expect(added?.number == 3)
    }
}
