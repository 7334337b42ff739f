import ContentStore
import PythonPackaging
@testable import Replication
import Testing

/// Whole syncs against an upstream in this process, over real HTTP.
@Suite("Syncing over HTTP")
struct SyncOverHTTPTests {
    @Test("Pulp's published distribution, by the URL Pulp documents: links are read against the content app the API redirects to, and an added release, a removal and a yank are followed though the listing never changes")
    func pulpPublished() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            upstream.state.withLock { $0.layout = .pulpPublished }
            upstream.add("alpha", Wheels.file("alpha", "1.0"))
            upstream.add("beta", Wheels.file("beta", "1.0"), Wheels.file("beta", "1.1"))
            let url = base + "/pypi/base/"
            let first = try await fixture.sync(url)
            #expect(first.failures.isEmpty && first.filesAdded == 3, "\(first.failures)")

            upstream.add("alpha", Wheels.file("alpha", "2.0"))
            let added = try await fixture.sync(url)
            #expect(added.failures.isEmpty && added.filesAdded == 1, "\(added.failures)")
            #expect(try await fixture.served().keys.contains("alpha-2.0-py3-none-any.whl"))

            upstream.remove("beta-1.0-py3-none-any.whl")
            upstream.yank("beta-1.1-py3-none-any.whl", reason: "broken")
            let changed = try await fixture.sync(url)
            #expect(changed.failures.isEmpty && changed.filesRemoved == 1, "\(changed.failures)")
            let served = try await fixture.served()
            #expect(served["beta-1.0-py3-none-any.whl"] == nil)
            #expect(served["beta-1.1-py3-none-any.whl"]?.yanked == true && served["beta-1.1-py3-none-any.whl"]?.yankedReason == "broken")

            // Nothing changed: every page answers 304, nothing is downloaded.
            upstream.clearLog()
            let unchanged = try await fixture.sync(url)
            #expect(unchanged.repositoryVersion == nil && unchanged.bytesDownloaded == 0)
            #expect(upstream.requests.filter { $0.hasPrefix("GET /content/base/simple/") && $0.hasSuffix(" 200") }.isEmpty, "\(upstream.requests)")
        }
    }

    @Test("pulp_python's live pages, whose serial is always 1000000000: a release added to a project is found though the JSON listing stays the same")
    func constantSerial() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            upstream.state.withLock { $0.constantSerial = 1_000_000_000 }
            upstream.add("alpha", Wheels.file("alpha", "1.0"))
            upstream.add("beta", Wheels.file("beta", "1.0"))
            #expect(try await fixture.sync(base + "/simple/").filesAdded == 2)
            upstream.add("beta", Wheels.file("beta", "2.0"))
            let second = try await fixture.sync(base + "/simple/")
            #expect(second.failures.isEmpty && second.filesAdded == 1, "\(second.failures)")
        }
    }

    @Test("an include list of named projects reads only their pages, never the listing; a re-sync with no change is one 304 per project")
    func includeOnly() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            for index in 0..<50 { upstream.add("p\(index)", Wheels.file("p\(index)", "1.0")) }
            let names = (0..<20).map { "p\($0)" }
            let first = try await fixture.sync(base + "/simple/", includes: names)
            #expect(first.failures.isEmpty && first.filesAdded == 20, "\(first.failures)")
            #expect(!upstream.requests.contains { $0.hasPrefix("GET /simple/ ") }, "the listing was downloaded")

            upstream.clearLog()
            let again = try await fixture.sync(base + "/simple/", includes: names)
            #expect(again.upstreamRequests == 20 && again.repositoryVersion == nil)
            #expect(upstream.requests.count == 20 && upstream.requests.allSatisfy { $0.hasSuffix(" 304") }, "\(upstream.requests)")

            upstream.add("p3", Wheels.file("p3", "2.0"))
            upstream.add("p40", Wheels.file("p40", "2.0"))
            let third = try await fixture.sync(base + "/simple/", includes: names)
            #expect(third.filesAdded == 1 && third.failures.isEmpty)
        }
    }

    @Test("an included project the upstream does not have is reported and keeps its files")
    func includeMissing() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            upstream.add("alpha", Wheels.file("alpha", "1.0"))
            upstream.add("beta", Wheels.file("beta", "1.0"))
            #expect(try await fixture.sync(base + "/simple/", includes: ["alpha", "beta"]).filesAdded == 2)
            upstream.remove("beta-1.0-py3-none-any.whl")
            let report = try await fixture.sync(base + "/simple/", includes: ["alpha", "beta"])
            #expect(report.failures.map(\.subject) == ["beta"])
            #expect(try await fixture.served().keys.sorted() == ["alpha-1.0-py3-none-any.whl", "beta-1.0-py3-none-any.whl"])
        }
    }

    @Test("on demand never downloads a file body: sizes HTML pages do not give are asked for with HEAD, and the summary says so")
    func onDemandWithoutSizes() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            upstream.state.withLock { $0.json = false }
            upstream.add("alpha", Wheels.file("alpha", "1.0"), Wheels.file("alpha", "1.1"))
            let report = try await fixture.sync(base + "/simple/", policy: .onDemand)
            #expect(report.failures.isEmpty && report.filesAdded == 2 && report.sizesFromHead == 2, "\(report.failures)")
            #expect(report.bytesDownloaded == 0)
            #expect(!upstream.requests.contains { $0.hasPrefix("GET /files/") }, "\(upstream.requests)")
            #expect(upstream.requests.filter { $0.hasPrefix("HEAD /files/") }.count == 2)
            let served = try await fixture.served()
            #expect(served["alpha-1.0-py3-none-any.whl"]?.package.size == Int64(Wheels.file("alpha", "1.0").bytes.count))

            // A server that refuses HEAD: the size comes from a GET of the first byte.
            let other = try await SyncFixture.make()
            defer { other.remove() }
            upstream.state.withLock { $0.refusesHead = true }
            upstream.clearLog()
            let ranged = try await other.sync(base + "/simple/", policy: .onDemand)
            #expect(ranged.failures.isEmpty && ranged.sizesFromHead == 2, "\(ranged.failures)")
            #expect(upstream.requests.filter { $0.hasPrefix("GET /files/") }.allSatisfy { $0.hasSuffix(" 206") }, "\(upstream.requests)")
            #expect(try await other.served()["alpha-1.1-py3-none-any.whl"]?.package.size == Int64(Wheels.file("alpha", "1.1").bytes.count))
        }
    }

    @Test("a dry run asks what changed and counts the pages a sync would read, reading none and storing nothing")
    func dryRun() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            for name in ["alpha", "beta", "gamma"] { upstream.add(name, Wheels.file(name, "1.0")) }
            var request = SyncRequest(upstream: try UpstreamIndex(url: base + "/simple/"), connection: ConnectionSettings(maxRetries: 0))
            request.dryRun = true
            let synchronizer = Synchronizer(store: fixture.store, logger: .init(label: "test"))
            let first = try await synchronizer.run(request)
            #expect(first.projectsChecked == 3 && first.repositoryVersion == nil && first.upstreamRequests == 1)
            #expect(try await fixture.store.distributions().isEmpty, "nothing was created")
            #expect(try await fixture.sync(base + "/simple/").filesAdded == 3)
            upstream.add("beta", Wheels.file("beta", "2.0"))
            upstream.clearLog()
            let again = try await synchronizer.run(request)
            #expect(again.projectsChecked == 1 && upstream.requests == ["GET /simple/ 200"])
        }
    }

    @Test("a project whose page failed is read again next time, even when the listing is unchanged, and a page gone from a listing that names it removes nothing")
    func failedProjectReadAgain() async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            upstream.state.withLock { $0.layout = .pulpPublished }
            upstream.add("alpha", Wheels.file("alpha", "1.0"))
            upstream.add("beta", Wheels.file("beta", "1.0"))
            let url = base + "/pypi/base/"
            #expect(try await fixture.sync(url).filesAdded == 2)
            upstream.add("beta", Wheels.file("beta", "2.0"))
            upstream.state.withLock { $0.scripted["/content/base/simple/beta/"] = ScriptedUpstream.Scripted(status: .internalServerError) }
            let failed = try await fixture.sync(url)
            #expect(failed.failures.map(\.subject) == ["beta"])
            upstream.state.withLock { $0.scripted["/content/base/simple/beta/"] = ScriptedUpstream.Scripted(status: .notFound) }
            let gone = try await fixture.sync(url)
            #expect(gone.failures.map(\.subject) == ["beta"] && gone.filesRemoved == 0)
            #expect(try await fixture.served().keys.contains("beta-1.0-py3-none-any.whl"))
            upstream.state.withLock { $0.scripted = [:] }
            let healed = try await fixture.sync(url)
            #expect(healed.failures.isEmpty && healed.filesAdded == 1, "beta was not read again")
            #expect(try await fixture.served().keys.contains("beta-2.0-py3-none-any.whl"))
        }
    }
}
