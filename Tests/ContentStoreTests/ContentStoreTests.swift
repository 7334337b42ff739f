import ContentStore
import PythonPackaging
import Foundation
import Testing
import TestSupport
import _NIOFileSystem

@Suite("Content store")
struct ContentStoreTests {
    @Test("repositories: create, find, refuse duplicates")
    func repositories() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let repository = try await fixture.store.createRepository(name: "main", retainRepoVersions: 3)
        #expect(repository.latestVersion == 0)
        #expect(try await fixture.store.repository(named: "main").id == repository.id)
        await #expect(throws: StoreError.self) { try await fixture.store.createRepository(name: "main") }
        await #expect(throws: StoreError.self) { try await fixture.store.repository(named: "missing") }
    }

    @Test("ingesting stores the file by its sha256 once, with its metadata")
    func ingest() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let package = try await fixture.ingestCorpus("requests-2.32.3-py3-none-any.whl")
        #expect(package.sha256.hex == "70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6")
        #expect(package.nameNormalized == "requests" && package.version == "2.32.3" && package.packageType == "bdist_wheel")
        #expect(package.requiresPython == ">=3.8")
        #expect(package.metadataSHA256?.hex == "658ee8454c1e2e76fb8c2127116f61156b3b22941b3559c00389dca70038581a")
        let path = fixture.store.blobs.path(for: package.sha256)
        #expect(FileManager.default.fileExists(atPath: path.string))
        #expect(try await fixture.store.blobs.contains(sha256: package.metadataSHA256!))
        let again = try await fixture.ingestCorpus("requests-2.32.3-py3-none-any.whl")
        #expect(again.id == package.id)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.appendingPathComponent("tmp").path)
        #expect(leftovers.isEmpty)
    }

    @Test("sdists get PEP 658 metadata only from Metadata-Version 2.2 on, and not with dynamic dependencies")
    func sdistMetadata() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let old = try await fixture.ingestCorpus("requests-2.32.3.tar.gz")
        #expect(old.metadataSHA256 == nil)
        #expect(old.packageType == "sdist" && old.pythonVersion == "source")
        // Metadata 2.2: served, unless a field installers resolve with is marked Dynamic (PEP 643).
        func sdist(_ version: String, dynamic: String) async throws -> Package {
            let metadata = "Metadata-Version: 2.2\nName: demo\nVersion: \(version)\n" + dynamic
            let bytes = ArchiveBuilder.sdist(name: "demo", version: version, metadata: metadata)
            return try await fixture.store.ingest(try await fixture.write(bytes), filename: "demo-\(version).tar.gz", uploadTime: .now(), strict: false)
        }
        #expect(try await sdist("1.0", dynamic: "").metadataSHA256 != nil)
        #expect(try await sdist("2.0", dynamic: "Dynamic: License\n").metadataSHA256 != nil)
        #expect(try await sdist("3.0", dynamic: "Dynamic: Requires-Dist\n").metadataSHA256 == nil)
    }

    @Test("a file that fails the checks leaves nothing behind")
    func rejected() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let blob = try await fixture.write(Array("not a wheel".utf8))
        await #expect(throws: (any Error).self) {
            try await fixture.store.ingest(blob, filename: "demo-1.0-py3-none-any.whl", uploadTime: .now(), strict: true)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.appendingPathComponent("tmp").path).isEmpty)
        #expect(!(try await fixture.store.blobs.contains(sha256: blob.digests.sha256)))
    }

    @Test("versions: add, remove, idempotence, and filenames that never change bytes")
    func versions() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let store = fixture.store
        let repository = try await store.createRepository(name: "main")
        let first = try await fixture.ingestWheel(name: "demo", version: "1.0")
        let v1 = try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [first.id]))
        #expect(v1?.number == 1)
        #expect(try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [first.id])) == nil)
        let rebuilt = try await fixture.ingestWheel(name: "demo", version: "1.0", extra: "Author: someone else\n")
        #expect(rebuilt.id != first.id)
        do {
            try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [rebuilt.id]))
            Issue.record("a second file under the same filename was accepted")
        } catch let error as StoreError {
            #expect(error.code == .conflict)
            #expect(error.message.hasPrefix("File already exists"))
        }
        let v2 = try await store.modify(repositoryID: repository.id, changes: ContentChanges(remove: [first.id]))
        #expect(v2?.number == 2)
        #expect(try await store.packages(repositoryID: repository.id, version: 2).isEmpty)
        #expect(try await store.packages(repositoryID: repository.id, version: 1).map(\.package.id) == [first.id])
        await #expect(throws: StoreError.self) {
            try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [rebuilt.id]))
        }
        #expect(try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [first.id]))?.number == 3)
    }

    @Test("distributions journal every visible change with rising serials")
    func journal() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let store = fixture.store
        let repository = try await store.createRepository(name: "main")
        let demo = try await fixture.ingestWheel(name: "demo", version: "1.0")
        try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [demo.id]))
        let distribution = try await store.createDistribution(name: "main", basePath: "main", target: .repository(repository.id))
        let initial = try #require(try await store.servedContent(basePath: "main"))
        #expect(initial.lastSerial > 0)
        #expect(try await store.projects(in: initial).map(\.normalized) == ["demo"])
        let other = try await fixture.ingestWheel(name: "Other_Thing", version: "2.0")
        try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [other.id]))
        let after = try #require(try await store.servedContent(basePath: "main"))
        #expect(after.lastSerial > initial.lastSerial)
        let projects = try await store.projects(in: after)
        #expect(projects.map(\.normalized) == ["demo", "other-thing"])
        #expect(projects.first { $0.normalized == "demo" }!.lastSerial == initial.lastSerial)
        #expect(projects.first { $0.normalized == "other-thing" }!.lastSerial == after.lastSerial)

        try await store.modify(repositoryID: repository.id, changes: ContentChanges(yank: [demo.id: "broken"]))
        let served = try #require(try await store.servedContent(basePath: "main"))
        let yanked = try #require(try await store.project("demo", in: served))
        #expect(yanked.files.map(\.yanked) == [true])
        #expect(yanked.files.first?.yankedReason == "broken")
        let entries = try await store.journal(distributionID: distribution.id, since: 0)
        #expect(entries.map(\.action) == ["add", "add", "yank"])
        #expect(entries.map(\.serial) == entries.map(\.serial).sorted())
    }

    @Test("a distribution on a publication or version does not move with the repository")
    func frozenTargets() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let store = fixture.store
        let repository = try await store.createRepository(name: "main")
        let demo = try await fixture.ingestWheel(name: "demo", version: "1.0")
        try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [demo.id]))
        let publication = try await store.publish(repositoryID: repository.id)
        _ = try await store.createDistribution(name: "frozen", basePath: "frozen", target: .publication(publication.id))
        try await store.modify(repositoryID: repository.id, changes: ContentChanges(remove: [demo.id]))
        let frozen = try #require(try await store.servedContent(basePath: "frozen"))
        #expect(frozen.version == 1)
        #expect(try await store.project("demo", in: frozen) != nil)
        try await store.updateDistribution(name: "frozen", target: .repository(repository.id))
        let moved = try #require(try await store.servedContent(basePath: "frozen"))
        #expect(try await store.project("demo", in: moved) == nil)
        #expect(moved.lastSerial > frozen.lastSerial)
        await #expect(throws: StoreError.self) {
            try await store.createDistribution(name: "other", basePath: "frozen", target: .none)
        }
        await #expect(throws: StoreError.self) {
            try await store.createDistribution(name: "bad", basePath: "a/b", target: .none)
        }
    }

    @Test("retain_repo_versions keeps the newest versions")
    func retention() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let store = fixture.store
        let repository = try await store.createRepository(name: "main", retainRepoVersions: 2)
        for index in 1...4 {
            let package = try await fixture.ingestWheel(name: "demo", version: "\(index).0")
            try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [package.id]))
        }
        #expect(try await store.versions(ofRepository: repository.id).map(\.number) == [3, 4])
        #expect(try await store.packages(repositoryID: repository.id, version: 4).count == 4)
    }

    @Test("retain_repo_versions with a distribution serving publications: the served one stays, the rest go")
    func retentionWithPublications() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let store = fixture.store
        let repository = try await store.createRepository(name: "main", retainRepoVersions: 2)
        let first = try await fixture.ingestWheel(name: "demo", version: "1.0")
        try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [first.id]))
        let pinned = try await store.publish(repositoryID: repository.id)
        _ = try await store.createDistribution(name: "pinned", basePath: "pinned", target: .publication(pinned.id))
        for index in 2...6 {
            let package = try await fixture.ingestWheel(name: "demo", version: "\(index).0")
            try await store.modify(repositoryID: repository.id, changes: ContentChanges(add: [package.id]))
            _ = try await store.publish(repositoryID: repository.id)
        }
        // Version 1 is served through its publication; 2 to 4 had publications nobody serves.
        #expect(try await store.versions(ofRepository: repository.id).map(\.number) == [1, 5, 6])
        #expect(try await store.packages(repositoryID: repository.id, version: 1).map(\.package.version) == ["1.0"])
    }

    @Test("an unknown user is refused only after a password hash, as a wrong password is; hashes past the queue's bound are refused as busy")
    func signInCosts() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    do {
                        return try await fixture.store.verify(username: "nobody", password: "x") ? "yes" : "no"
                    } catch let error as StoreError where error.code == .busy {
                        return "busy"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.contains("busy"), "twelve unknown-user checks at once must queue hashes")
        #expect(Set(outcomes).isSubset(of: ["no", "busy"]))
    }

    @Test("the admin account: generated once, or set from the environment")
    func accounts() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let generated = try #require(try await fixture.store.ensureAdmin(password: nil))
        #expect(try await fixture.store.verify(username: "admin", password: generated))
        #expect(try await fixture.store.ensureAdmin(password: nil) == nil)
        #expect(!(try await fixture.store.verify(username: "admin", password: "wrong")))
        _ = try await fixture.store.ensureAdmin(password: "s3cret")
        #expect(try await fixture.store.verify(username: "admin", password: "s3cret"))
    }

    @Test("a new data directory and its database are readable by their owner only, whatever the umask")
    func privateFiles() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.store.createRepository(name: "touch")
        func mode(_ path: String) throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        #expect(try mode(fixture.directory.path) == 0o700)
        for name in [ContentStore.databaseFilename, ContentStore.databaseFilename + "-wal", "migrate.lock"] {
            #expect(try mode(fixture.directory.appendingPathComponent(name).path) == 0o600, "\(name)")
        }
    }
}
