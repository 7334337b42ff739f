import ContentStore
import PythonPackaging
@testable import Replication
import Testing

@Suite("Choosing which upstream pages to read")
struct ReadPlannerTests {
    func context(
        includes: [String] = [], position: UpstreamPosition? = nil, known: [String: ProjectSyncState] = [:], dependencies: Bool = false,
        coolingDown: Bool = false
    ) throws -> ReadContext {
        let filter = RemoteFilter(includes: try includes.map { try Requirement(parsing: $0) })
        return ReadContext(
            scope: filter.projectScope, recorded: position.map { SyncState(filter: "f", position: $0) }, known: known,
            followsDependencies: dependencies, coolingDown: coolingDown)
    }

    let journal = "http://up/pypi/x/changes?epoch=e"

    @Test("the journal first when one was recorded with its epoch; otherwise named includes read their pages and anything else the listing")
    func start() throws {
        let position = UpstreamPosition(serial: 7, rootETag: "\"r\"", changesURL: journal)
        #expect(ReadPlanner.start(try context(position: position)) == .journal(url: journal, since: 7))
        #expect(ReadPlanner.start(try context(includes: ["six"], position: position)) == .journal(url: journal, since: 7))
        #expect(ReadPlanner.start(try context(includes: ["six"], position: position, dependencies: true)) == .withoutJournal(.includedPages))
        #expect(ReadPlanner.start(try context(position: position, coolingDown: true)) == .withoutJournal(.listing(etag: nil)))
        let oldJournal = UpstreamPosition(serial: 7, rootETag: "\"r\"", changesURL: "http://up/pypi/x/changes")
        #expect(ReadPlanner.start(try context(position: oldJournal)) == .withoutJournal(.listing(etag: "\"r\"")))
        #expect(ReadPlanner.start(try context()) == .withoutJournal(.listing(etag: nil)))
    }

    @Test("serials move on Wheelhouse and PyPI listings; pulp_python's constant, serials all alike, and HTML listings say nothing")
    func serialsMove() {
        func root(_ serials: [Int64?], _ serial: Int64?) -> UpstreamRoot {
            UpstreamRoot(projects: serials.enumerated().map { UpstreamProjectEntry(name: "p\($0.offset)", serial: $0.element) }, serial: serial)
        }
        #expect(ReadPlanner.serialsMove(root([3, 9, 4], 9)))
        #expect(!ReadPlanner.serialsMove(root([1_000_000_000, 1_000_000_000], 1_000_000_000)))
        #expect(!ReadPlanner.serialsMove(root([5, 5, 5], 5)))
        #expect(!ReadPlanner.serialsMove(root([nil, nil], 5)), "HTML listing with only a header serial")
        #expect(ReadPlanner.serialsMove(root([4], 4)))
        #expect(!ReadPlanner.serialsMove(root([1_000_000_000], 1_000_000_000)))
    }

    @Test("an unchanged listing stands for its projects only when its serials move; otherwise every project applied is read again, conditionally")
    func unchangedListing() throws {
        let known = ["six": ProjectSyncState(serial: 1, etag: "\"s\""), "idna": ProjectSyncState(serial: 1, etag: nil)]
        let moving = try context(position: UpstreamPosition(serial: 9, listingSerials: true), known: known)
        #expect(ReadPlanner.fromUnchangedListing(moving).reads.isEmpty)
        let still = try context(position: UpstreamPosition(serial: 9, listingSerials: false), known: known)
        let plan = ReadPlanner.fromUnchangedListing(still)
        #expect(plan.reads.map(\.entry.normalized) == ["idna", "six"] && plan.reads.map(\.etag) == [nil, "\"s\""])
        #expect(plan.reads.map(\.entry.serial) == [1, 1], "the serials applied stay known")
        #expect(plan.listed == nil && !plan.goneMeansRemoved, "an unchanged listing removes nothing")
    }

    @Test("a listing: each project once (the higher serial of two spellings), skipped when its trusted serial was applied")
    func listing() throws {
        let root = UpstreamRoot(
            projects: [
                UpstreamProjectEntry(name: "Six", serial: 3), UpstreamProjectEntry(name: "six", serial: 5), UpstreamProjectEntry(name: "idna", serial: 4),
            ], serial: 5)
        let known = ["six": ProjectSyncState(serial: 5, etag: "\"a\""), "idna": ProjectSyncState(serial: 2, etag: "\"b\"")]
        let trusted = ReadPlanner.fromListing(root, trustsSerials: true, try context(known: known))
        #expect(trusted.reads.map(\.entry.normalized) == ["idna"] && trusted.reads[0].etag == "\"b\"")
        #expect(trusted.listed == ["six", "idna"] && !trusted.emptyListing)
        let untrusted = ReadPlanner.fromListing(root, trustsSerials: false, try context(known: known))
        #expect(untrusted.reads.map(\.entry.normalized) == ["six", "idna"])
        #expect(ReadPlanner.fromListing(UpstreamRoot(projects: [], serial: nil), trustsSerials: false, try context()).emptyListing)
    }

    @Test("named includes: their pages, with the ETags and serials applied, and a gone page means missing")
    func includes() throws {
        let plan = ReadPlanner.fromIncludes(try context(includes: ["Six>=1", "idna"], known: ["six": ProjectSyncState(serial: 8, etag: "\"s\"")]))
        #expect(plan.reads.map(\.entry.normalized) == ["idna", "six"] && plan.reads.map(\.etag) == [nil, "\"s\""])
        #expect(plan.reads[1].entry.serial == 8, "a page older than the one applied is a lagging cache")
        #expect(plan.listed == ["six", "idna"] && !plan.goneMeansRemoved, "an included project whose page is gone keeps its files")
        let journal = ReadPlanner.fromJournal(UpstreamRoot(projects: [UpstreamProjectEntry(name: "six", serial: 9)], serial: 9), try context(includes: ["six"]))
        #expect(journal.goneMeansRemoved, "the journal said it changed: a gone page is a removal")
    }

    @Test("serials are trusted only when they moved along with the listing, within one journal")
    func trust() throws {
        let root = UpstreamRoot(projects: [UpstreamProjectEntry(name: "a", serial: 3), UpstreamProjectEntry(name: "b", serial: 9)], serial: 9)
        #expect(ReadPlanner.trustsSerials(root, etag: "\"1\"", changesURL: nil, try context()))
        let same = try context(position: UpstreamPosition(serial: 9, rootETag: "\"0\""))
        #expect(!ReadPlanner.trustsSerials(root, etag: "\"1\"", changesURL: nil, same), "the listing changed but its serial did not")
        let replaced = try context(position: UpstreamPosition(serial: 4, changesURL: journal))
        #expect(!ReadPlanner.trustsSerials(root, etag: "\"1\"", changesURL: journal + "2", replaced))
        #expect(!ReadPlanner.trustsSerials(root, etag: "\"1\"", changesURL: nil, try context(dependencies: true)))
    }
}
