import ContentStore
import Foundation
import Logging
import PythonPackaging
@testable import Replication
import TestSupport
import Testing
import _NIOFileSystem

/// A capsule's store in a fresh temporary directory, synced from an upstream over HTTP.
struct SyncFixture {
    let store: ContentStore
    let directory: URL

    static func make() async throws -> SyncFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wheelhouse-sync-\(UUID().uuidString)")
        let store = try await ContentStore.open(directory: FilePath(directory.path), logger: Logger(label: "test"))
        return SyncFixture(store: store, directory: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Syncs the `default` distribution from `url`.
    func sync(
        _ url: String, includes: [String] = [], policy: SyncPolicy = .immediate, mirror: Bool = true, full: Bool = false
    ) async throws -> SyncReport {
        var request = SyncRequest(
            upstream: try UpstreamIndex(url: url), filter: RemoteFilter(includes: try includes.map { try Requirement(parsing: $0) }),
            connection: ConnectionSettings(maxRetries: 0), mirror: mirror, policy: policy)
        request.full = full
        return try await Synchronizer(store: store, logger: Logger(label: "test")).run(request)
    }

    /// The files the `default` distribution serves, by filename.
    func served() async throws -> [String: PackageInVersion] {
        let content = try #require(try await store.servedContent(basePath: "default"))
        guard let repositoryID = content.repositoryID, let version = content.version else { return [:] }
        let packages = try await store.packages(repositoryID: repositoryID, version: version)
        return Dictionary(uniqueKeysWithValues: packages.map { ($0.package.filename, $0) })
    }
}

/// Test wheels: small, real, and distinct by name and version.
enum Wheels {
    static func file(_ name: String, _ version: String) -> ScriptedUpstream.File {
        ScriptedUpstream.File("\(name)-\(version)-py3-none-any.whl", ArchiveBuilder.wheel(name: name, version: version))
    }
}
