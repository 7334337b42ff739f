import ContentStore
import Foundation
import Logging
import PythonPackaging
@testable import Replication
import Testing

@Suite("Fetching on-demand content")
struct LazyFetcherTests {
    @Test("requests for the same streamed file at once share one upstream fetch, and the file goes once the last is done with it")
    func streamedShared() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            upstream.add("alpha", Wheels.file("alpha", "1.0"))
            let report = try await fixture.sync(base + "/simple/", policy: .streamed)
            #expect(report.failures.isEmpty && report.filesAdded == 1)
            let package = try #require(try await fixture.served()["alpha-1.0-py3-none-any.whl"]?.package)
            let fetcher = LazyFetcher(store: fixture.store, logger: Logger(label: "test"))
            upstream.clearLog()
            let held = try await withThrowingTaskGroup(of: PassedOnFile?.self) { group in
                for _ in 0..<8 { group.addTask { try await fetcher.fetch(package) } }
                return try await group.reduce(into: [PassedOnFile]()) { if let file = $1 { $0.append(file) } }
            }
            #expect(held.count == 8 && Set(held.map(\.path)).count == 1)
            #expect(upstream.requests.filter { $0.hasPrefix("GET /files/alpha-1.0") }.count == 1, "\(upstream.requests)")
            let path = held[0].path.string
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(Wheels.file("alpha", "1.0").bytes))
            for file in held.dropLast() { await file.release() }
            #expect(FileManager.default.fileExists(atPath: path), "still held by one request")
            await held.last?.release()
            #expect(!FileManager.default.fileExists(atPath: path))
            // A hold dropped without a release (the client hung up before its body was sent)
            // lets the file go too.
            var dropped = try await fetcher.fetch(package)
            let droppedPath = try #require(dropped?.path.string)
            dropped = nil
            for _ in 0..<100 where FileManager.default.fileExists(atPath: droppedPath) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(dropped == nil && !FileManager.default.fileExists(atPath: droppedPath))
            await fetcher.shutdown()
        }
    }

    @Test("credentials go to the index they belong to: a stored remote's to its own, the server's to WHEELHOUSE_UPSTREAM_URL or to the one index synced from")
    func credentialsByIndex() async throws {
        let fixture = try await SyncFixture.make()
        defer { fixture.remove() }
        let repository = try await fixture.store.createRepository(name: "r")
        _ = try await fixture.store.createDistribution(name: "r", basePath: "r", target: .repository(repository.id))
        func synced(_ url: String) async throws {
            _ = try await fixture.store.completeSync(
                repositoryID: repository.id, distributionName: "r", url: url, filter: "f",
                completion: SyncCompletion(changes: ContentChanges(), position: UpstreamPosition(), projects: [:]))
        }
        var remote = RemoteDefinition(url: "https://private.example/pypi/x/")
        remote.username = "capsule"
        remote.password = "remote-secret"
        _ = try await fixture.store.saveRemote(name: "private", definition: remote.encoded())
        let server = ConnectionSettings(username: "env", password: "env-secret")
        let basic = { (user: String, password: String) in ConnectionSettings(username: user, password: password).authorization }

        try await synced("https://one.example/simple/")
        let single = try await LazyFetcher(store: fixture.store, settings: server, logger: Logger(label: "t")).credentials()
        #expect(single == ["https://private.example:443": basic("capsule", "remote-secret"), "https://one.example:443": basic("env", "env-secret")])

        try await synced("http://two.example:8080/simple/")
        let several = try await LazyFetcher(store: fixture.store, settings: server, logger: Logger(label: "t")).credentials()
        #expect(several == ["https://private.example:443": basic("capsule", "remote-secret")], "several indexes: the server's credentials go nowhere")

        let named = try await LazyFetcher(store: fixture.store, settings: server, credentialsIndex: "http://two.example:8080/", logger: Logger(label: "t"))
            .credentials()
        #expect(named["http://two.example:8080"] == basic("env", "env-secret") && named["https://one.example:443"] == nil)
    }
}
