import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite("Canceling a running task")
struct CancelTests {
    @Test("a sync stuck on an upstream that never answers is canceled within a second of being asked; nothing changes")
    func runningSyncCancels() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        // An upstream that holds every request until the test is done (a minute at most).
        let released = Mutex(false)
        let router = Router()
        router.get("**") { _, _ -> Response in
            for _ in 0..<1200 where !released.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
            return Response(status: .serviceUnavailable)
        }
        let upstream = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.test(.live) { upstreamClient in
            let url = "http://127.0.0.1:\(upstreamClient.port ?? 0)/simple/"
            try await fixture.test { client in
                let remote = try #require(
                    try await client.call("/pulp/api/v3/remotes/python/python/", .post, json: #"{"name":"slow","url":"\#(url)"}"#).body["pulp_href"] as? String)
                let repository = try #require(
                    try await client.call("/pulp/api/v3/repositories/python/python/", .post, json: #"{"name":"r"}"#).body["pulp_href"] as? String)
                let started = try await client.call(repository + "sync/", .post, json: #"{"remote":"\#(remote)"}"#)
                let task = try #require(started.body["task"] as? String)
                var state = ""
                for _ in 0..<200 where state != "running" {
                    state = try await client.call(task).body["state"] as? String ?? ""
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(state == "running")
                let asked = ContinuousClock.now
                let canceling = try await client.call(task, .patch, json: #"{"state":"canceled"}"#)
                #expect(canceling.status == .ok && canceling.body["state"] as? String == "canceling", "\(canceling.body)")
                let finished = try await client.finished((.accepted, ["task": task], canceling.response))
                #expect(finished["state"] as? String == "canceled", "\(finished)")
                #expect(ContinuousClock.now - asked < .seconds(2))
                let versions = try await client.call(repository + "versions/").body
                #expect(versions["count"] as? Int == 1)
            }
            released.withLock { $0 = true }
        }
    }
}
