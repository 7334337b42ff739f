import ContentStore
import PythonPackaging
import Replication
import Testing

@Suite("The sync planner")
struct SyncPlannerTests {
    func offered(_ filename: String, _ sha: Character, yanked: YankState = .notYanked) -> UpstreamFile {
        UpstreamFile(filename: filename, url: "https://up/\(filename)", sha256: .repeating(sha), yanked: yanked)
    }

    func held(_ id: Int64, _ filename: String, _ sha: Character, yanked: YankState = .notYanked) -> LocalFile {
        LocalFile(packageID: id, filename: filename, sha256: .repeating(sha), yanked: yanked)
    }

    @Test("new files are acquired; files held with the same bytes are left alone")
    func addsOnlyWhatIsMissing() {
        let plan = SyncPlanner.plan(
            offered: ["demo": [offered("demo-1.0.tar.gz", "a"), offered("demo-2.0.tar.gz", "b")]],
            local: ["demo": [held(1, "demo-1.0.tar.gz", "a")]], mirror: true)
        #expect(plan.acquire.map(\.filename) == ["demo-2.0.tar.gz"])
        #expect(plan.remove.isEmpty && plan.conflicts.isEmpty)
        #expect(plan.unchanged.mapValues(\.filename) == [1: "demo-1.0.tar.gz"])
    }

    @Test("nothing to do when upstream offers what the repository holds")
    func noChange() {
        let plan = SyncPlanner.plan(
            offered: ["demo": [offered("demo-1.0.tar.gz", "a")]], local: ["demo": [held(1, "demo-1.0.tar.gz", "a")]], mirror: true)
        var expected = SyncPlan()
        expected.unchanged = [1: offered("demo-1.0.tar.gz", "a")]
        #expect(plan == expected)
    }

    @Test("mirror mode removes files and projects upstream no longer offers; additive mode keeps them")
    func removals() {
        let local = [
            "demo": [held(1, "demo-1.0.tar.gz", "a"), held(2, "demo-0.9.tar.gz", "b")],
            "gone": [held(3, "gone-1.0.tar.gz", "c"), held(4, "gone-2.0.tar.gz", "d")],
        ]
        let offer = ["demo": [offered("demo-1.0.tar.gz", "a")]]
        let mirror = SyncPlanner.plan(offered: offer, local: local, mirror: true)
        #expect(mirror.remove.sorted() == [2, 3, 4])
        #expect(mirror.acquire.isEmpty)
        let additive = SyncPlanner.plan(offered: offer, local: local, mirror: false)
        #expect(additive.acquire.isEmpty && additive.remove.isEmpty && additive.conflicts.isEmpty && additive.yank.isEmpty)
    }

    @Test("a filename held with other bytes is a conflict, never replaced")
    func conflicts() {
        let plan = SyncPlanner.plan(
            offered: ["demo": [offered("demo-1.0.tar.gz", "z")]], local: ["demo": [held(1, "demo-1.0.tar.gz", "a")]],
            mirror: true)
        #expect(plan.conflicts.map(\.filename) == ["demo-1.0.tar.gz"])
        #expect(plan.acquire.isEmpty && plan.remove.isEmpty)
    }

    @Test("a filename the repository held before with other bytes is a conflict, even after its removal")
    func claimedFilenames() {
        let plan = SyncPlanner.plan(
            offered: ["demo": [offered("demo-1.0.tar.gz", "z"), offered("demo-2.0.tar.gz", "b")]], local: [:], mirror: true,
            claimed: ["demo-1.0.tar.gz": .repeating("a"), "demo-2.0.tar.gz": .repeating("b")])
        #expect(plan.conflicts.map(\.filename) == ["demo-1.0.tar.gz"])
        #expect(plan.acquire.map(\.filename) == ["demo-2.0.tar.gz"], "the same bytes under a filename held before come back")
    }

    @Test("a page listing one filename twice: with two hashes both are conflicts, with one hash it is taken once")
    func duplicateFilenames() {
        let plan = SyncPlanner.plan(
            offered: ["demo": [
                offered("demo-1.0.tar.gz", "a"), offered("demo-1.0.tar.gz", "b"), offered("demo-2.0.tar.gz", "c"), offered("demo-2.0.tar.gz", "c"),
            ]],
            local: ["demo": [held(1, "demo-0.9.tar.gz", "d")]], mirror: true)
        #expect(plan.conflicts.map(\.sha256) == [.repeating("a"), .repeating("b")])
        #expect(plan.acquire.map(\.filename) == ["demo-2.0.tar.gz"])
        #expect(plan.remove == [1])
    }

    @Test("upstream yank changes are applied to files already held")
    func yanks() {
        let plan = SyncPlanner.plan(
            offered: ["demo": [offered("demo-1.0.tar.gz", "a", yanked: .yanked(reason: "broken")), offered("demo-2.0.tar.gz", "b")]],
            local: ["demo": [held(1, "demo-1.0.tar.gz", "a"), held(2, "demo-2.0.tar.gz", "b", yanked: .yanked(reason: nil))]],
            mirror: true)
        #expect(plan.yank == [1: "broken"])
        #expect(plan.unyank == [2])
    }
}

extension SHA256Digest {
    /// A digest of 32 copies of one character's byte: distinct characters, distinct digests.
    static func repeating(_ character: Character) -> SHA256Digest {
        SHA256Digest(bytes: [UInt8](repeating: character.asciiValue ?? 0, count: 32))
    }
}
