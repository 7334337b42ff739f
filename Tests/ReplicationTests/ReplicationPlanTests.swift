import PythonPackaging
@testable import Replication
import Testing

@Suite("The replication plan")
struct ReplicationPlanTests {
    static let marker = (key: "UpstreamPulp", value: "u1")
    static let replica = ["UpstreamPulp": "u1"]

    static func upstream(_ name: String, basePath: String? = nil, changed: Int64? = 100, serves: Bool = true) -> UpstreamDistribution {
        UpstreamDistribution(
            name: name, basePath: basePath ?? name, baseURL: "http://centre/pypi/\(basePath ?? name)/", servesContent: serves,
            noContentChangeSince: changed.map { Timestamp(microseconds: $0) })
    }

    static func plan(
        _ upstream: [UpstreamDistribution], _ local: [ReplicationPlan.Local], policy: DeletePolicy = .labeled, marks: [String: Int64] = ["a": 100], selective: Bool = false
    ) -> ReplicationPlan {
        ReplicationPlan.make(
            upstream: upstream, local: local, marker: marker, policy: policy, marks: marks.mapValues { Timestamp(microseconds: $0) }, selective: selective,
            validBasePath: { !$0.contains("/") })
    }

    @Test("a distribution whose no_content_change_since is the one recorded last time is not synced; a changed or new one is")
    func unchanged() {
        let local = [ReplicationPlan.Local(name: "a", basePath: "a", labels: Self.replica, servesVersion: true)]
        #expect(Self.plan([Self.upstream("a")], local).unchanged == ["a"])
        #expect(Self.plan([Self.upstream("a", changed: 300)], local).sync.map(\.name) == ["a"])
        #expect(Self.plan([Self.upstream("a", changed: nil)], local).sync.map(\.name) == ["a"])
        #expect(Self.plan([Self.upstream("a")], local, marks: [:]).sync.map(\.name) == ["a"])
        #expect(Self.plan([Self.upstream("a", changed: 50)], local).sync.map(\.name) == ["a"])
        // A moved base path, or a replica never switched, is synced whatever the times say.
        #expect(Self.plan([Self.upstream("a", basePath: "b")], local).sync.map(\.name) == ["a"])
        #expect(Self.plan([Self.upstream("a")], [.init(name: "a", basePath: "a", labels: Self.replica, servesVersion: false)]).sync.map(\.name) == ["a"])
    }

    @Test("delete policies: all removes every unlisted distribution, labeled only this upstream's replicas, nodelete nothing")
    func deletes() {
        let local: [ReplicationPlan.Local] = [
            .init(name: "gone", basePath: "gone", labels: Self.replica, servesVersion: true),
            .init(name: "mine", basePath: "mine", labels: [:], servesVersion: false),
            .init(name: "other", basePath: "other", labels: ["UpstreamPulp": "u2"], servesVersion: true),
        ]
        #expect(Self.plan([], local, policy: .all).remove == ["gone", "mine", "other"])
        #expect(Self.plan([], local, policy: .labeled).remove == ["gone"])
        #expect(Self.plan([], local, policy: .nodelete).remove == [])
        #expect(Self.plan([], local, policy: .all, selective: true).remove == [])
        // Listed without content (pull-through): kept, not synced.
        let kept = Self.plan([Self.upstream("gone", serves: false)], local, policy: .labeled)
        #expect(kept.remove == [] && kept.sync == [])
    }

    @Test("what cannot be replicated is refused with the reason, and the rest goes on")
    func refused() {
        let local = [ReplicationPlan.Local(name: "mine", basePath: "mine", labels: [:], servesVersion: false)]
        let plan = Self.plan(
            [Self.upstream("nested", basePath: "team/nested"), Self.upstream("mine"), Self.upstream("x", basePath: "same"),
             Self.upstream("y", basePath: "same"), Self.upstream("ok"), Self.upstream("ok")], local)
        #expect(plan.sync.map(\.name) == ["x", "ok"])
        #expect(Set(plan.refused.keys) == ["nested", "mine", "y", "ok"])
        #expect(plan.refused["mine"]?.contains("not replicated from this upstream") == true)
    }
}
