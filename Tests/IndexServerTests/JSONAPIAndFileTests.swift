import ContentStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@Suite("JSON API and files")
struct JSONAPIAndFileTests {
    @Test("the Warehouse JSON API: info, releases, urls, digests and serials")
    func jsonAPI() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        for filename in ["requests-2.31.0-py3-none-any.whl", "requests-2.32.3-py3-none-any.whl", "requests-2.32.3.tar.gz"] {
            _ = try await fixture.add(corpus: filename)
        }
        try await fixture.test { client in
            let response = try await client.execute(uri: "/pypi/default/pypi/requests/json", method: .get)
            #expect(response.status == .ok)
            let document = try response.json()
            let info = document["info"] as! [String: Any]
            #expect(info["version"] as? String == "2.32.3")
            #expect(info["requires_python"] as? String == ">=3.8")
            #expect((info["requires_dist"] as? [String])?.contains { $0.hasPrefix("charset") } == true)
            #expect(info["yanked"] as? Bool == false)
            #expect((document["last_serial"] as? Int ?? 0) > 0)
            #expect(document["vulnerabilities"] as? [Any] != nil)
            let releases = document["releases"] as! [String: [[String: Any]]]
            #expect(Set(releases.keys) == ["2.31.0", "2.32.3"])
            let urls = document["urls"] as! [[String: Any]]
            #expect(urls.count == 2)
            let wheel = urls.first { ($0["packagetype"] as? String) == "bdist_wheel" }!
            let digests = wheel["digests"] as! [String: Any]
            #expect(digests["sha256"] as? String == "70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6")
            #expect(digests["md5"] as? String == "83d50f7980b330c48f3bfe86372adcca")
            #expect(digests["blake2b_256"] as? String == "f99b335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54")
            #expect(wheel["python_version"] as? String == "py3")
            #expect(
                (wheel["url"] as? String)?.hasSuffix(
                    "/packages/70/76/1cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6/requests-2.32.3-py3-none-any.whl") == true)
            #expect((wheel["upload_time_iso_8601"] as? String)?.hasSuffix("Z") == true)

            let old = try await client.execute(uri: "/pypi/default/pypi/requests/2.31.0/json", method: .get)
            #expect(try old.json()["releases"] == nil)
            #expect((try old.json()["info"] as! [String: Any])["version"] as? String == "2.31.0")
            let absent = try await client.execute(uri: "/pypi/default/pypi/requests/9.9.9/json", method: .get)
            #expect(absent.status == .notFound)
            let unknown = try await client.execute(uri: "/pypi/default/pypi/nothing/json", method: .get)
            #expect(unknown.status == .notFound)
            let summary = try await client.execute(uri: "/pypi/default/", method: .get)
            #expect(summary.text == #"{"projects":1,"releases":2,"files":3}"#)
            // If-None-Match compares weakly and takes a list.
            let etag = try #require(response.headers[.eTag])
            let current = try await client.execute(uri: "/pypi/default/pypi/requests/json", method: .get, headers: [.ifNoneMatch: "\"other\", W/\(etag)"])
            #expect(current.status == .notModified)
            let stale = try await client.execute(uri: "/pypi/default/pypi/requests/json", method: .get, headers: [.ifNoneMatch: "\"other\""])
            #expect(stale.status == .ok)
        }
    }

    @Test("the latest release as Warehouse picks it, empty yank reasons as null, versions percent-decoded")
    func latestRelease() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.add(demoVersion: "1.0b1")
        let yanked = try await fixture.add(demoVersion: "2.0")
        _ = try await fixture.add(demoVersion: "0.1b2+local")
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: ContentChanges(yank: [yanked.id: ""]))
        try await fixture.test { client in
            let document = try await client.execute(uri: "/pypi/default/pypi/demo/json", method: .get).json()
            let info = document["info"] as! [String: Any]
            #expect(info["version"] as? String == "1.0b1", "a release not yanked comes before a yanked one, pre-release or not")
            let releases = document["releases"] as! [String: [[String: Any]]]
            let file = try #require(releases["2.0"]?.first)
            #expect(file["yanked"] as? Bool == true && file["yanked_reason"] is NSNull)
            let local = try await client.execute(uri: "/pypi/default/pypi/demo/0.1b2%2Blocal/json", method: .get)
            let localInfo = try local.json()["info"] as? [String: Any]
            #expect(local.status == .ok && localInfo?["version"] as? String == "0.1b2+local")
        }
    }

    /// From memory, through the real HTTP/1.1 pipeline with sendfile, and streamed at the
    /// router level.
    @Test("files: whole, HEAD, ranges, validators and PEP 658 metadata", arguments: [(false, Int64(64 << 20)), (true, 0), (false, 0)])
    func files(live: Bool, fileCacheBudget: Int64) async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.add(corpus: "requests-2.32.3-py3-none-any.whl")
        let bytes = Array(try Corpus.data("requests-2.32.3-py3-none-any.whl"))
        let path = "/pulp/content/default/requests-2.32.3-py3-none-any.whl"
        try await fixture.test(live: live, fileCacheBudget: fileCacheBudget) { client in
            let whole = try await client.execute(uri: path, method: .get)
            #expect(whole.status == .ok)
            #expect(Array(buffer: whole.body) == bytes)
            #expect(Array(buffer: try await client.execute(uri: path, method: .get).body) == bytes)
            #expect(whole.headers[.eTag] == "\"70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6\"")
            #expect(whole.headers[.acceptRanges] == "bytes")
            let head = try await client.execute(uri: path, method: .head)
            #expect(head.headers[.contentLength] == "64928")
            #expect(head.body.readableBytes == 0)
            let range = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=0-99"])
            #expect(range.status == .partialContent)
            #expect(range.headers[.contentRange] == "bytes 0-99/64928")
            #expect(Array(buffer: range.body) == Array(bytes[0..<100]))
            let middle = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=1000-1999"])
            #expect(Array(buffer: middle.body) == Array(bytes[1000..<2000]))
            let tail = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=-28"])
            #expect(tail.headers[.contentRange] == "bytes 64900-64927/64928")
            #expect(Array(buffer: tail.body) == Array(bytes[64900...]))
            let beyond = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=70000-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            let cached = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: whole.headers[.eTag]!])
            #expect(cached.status == .notModified)
            let metadata = try await client.execute(uri: path + ".metadata", method: .get)
            #expect(metadata.status == .ok)
            #expect(metadata.text.hasPrefix("Metadata-Version: 2.1\nName: requests\n"))
            let missing = try await client.execute(uri: "/pulp/content/default/requests-0.0.1.tar.gz", method: .get)
            #expect(missing.status == .notFound)
            let tricky = try await client.execute(uri: "/pulp/content/default/..%2F..%2Fwheelhouse.sqlite", method: .get)
            #expect(tricky.status == .notFound)
            let byDigest = "/packages/70/76/1cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6/requests-2.32.3-py3-none-any.whl"
            #expect(try await client.execute(uri: byDigest, method: .get).body.readableBytes == 64928)
            // Served again from the remembered path: the same bytes, HEAD, ranges and validators.
            #expect(Array(buffer: try await client.execute(uri: byDigest, method: .get).body) == bytes)
            #expect(try await client.execute(uri: byDigest, method: .head).headers[.contentLength] == "64928")
            let again = try await client.execute(uri: byDigest, method: .get, headers: [.range: "bytes=10-19"])
            #expect(again.status == .partialContent && Array(buffer: again.body) == Array(bytes[10..<20]))
            #expect(try await client.execute(uri: byDigest, method: .get, headers: [.ifNoneMatch: whole.headers[.eTag]!]).status == .notModified)
            // Another spelling of the digest is the same file, found the long way.
            let upper = "/packages/70/76/1CFE03C773CEB22AA2F671B4757976145175CDFCA038C02654D061D6DCC6/requests-2.32.3-py3-none-any.whl"
            #expect(try await client.execute(uri: upper, method: .get).body.readableBytes == 64928)
            #expect(try await client.execute(uri: byDigest + ".metadata", method: .get).status == .ok)
            #expect(try await client.execute(uri: byDigest + ".metadata", method: .get).status == .ok)
            let wrongName = "/packages/70/76/1cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6/other-1.0.tar.gz"
            #expect(try await client.execute(uri: wrongName, method: .get).status == .notFound)
        }
    }

    @Test("/packages/ serves only what some distribution serves now: not a removed file, nor one held only by a repository no distribution serves")
    func packagesServedOnlyWhileDistributed() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let six = try await fixture.add(corpus: "six-1.16.0-py2.py3-none-any.whl")
        let hex = six.sha256.hex
        let path = "/packages/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex.dropFirst(4))/\(six.filename)"
        try await fixture.test { client async throws in
            #expect(try await client.execute(uri: path, method: .get).status == .ok)
            #expect(try await client.execute(uri: path + ".metadata", method: .get).status == .ok)
        }
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: ContentChanges(remove: [six.id]))
        // Held by a repository that no distribution serves.
        let hidden = try await fixture.store.createRepository(name: "hidden")
        try await fixture.store.modify(repositoryID: hidden.id, changes: ContentChanges(add: [six.id]))
        try await fixture.test { client async throws in
            #expect(try await client.execute(uri: path, method: .get).status == .notFound)
            #expect(try await client.execute(uri: path + ".metadata", method: .get).status == .notFound)
        }
        // A distribution pinned to the version that held it serves it again.
        let pinned = try await fixture.store.repositoryVersion(repositoryID: fixture.repository.id, number: 1)
        _ = try await fixture.store.createDistribution(name: "pinned", basePath: "pinned", target: .repositoryVersion(pinned.id))
        try await fixture.test { client async throws in
            #expect(try await client.execute(uri: path, method: .get).status == .ok)
        }
    }

    @Test("health and metrics")
    func operations() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            #expect(try await client.execute(uri: "/livez", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            _ = try await client.execute(uri: "/pypi/default/simple/", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains("wheelhouse_http_requests_total{route=\"/pypi/{base}/simple\",method=\"GET\",code=\"200\"} 1"))
            #expect(metrics.text.contains("wheelhouse_http_request_duration_seconds_count"))
        }
    }
}
