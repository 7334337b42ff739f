import ContentStore
import PythonPackaging

/// What a sync knows before it asks the upstream anything.
struct ReadContext: Sendable {
    /// The projects the filter can want.
    var scope: ProjectScope
    /// The upstream state the last complete sync recorded, when this sync may rely on it (the
    /// same settings, and not `--full`).
    var recorded: SyncState?
    /// Per project, the page last applied (empty when nothing may be relied on).
    var known: [String: ProjectSyncState]
    /// `--with-dependencies`: projects outside the include list matter too.
    var followsDependencies = false
    /// `--min-age`: time alone can release held-back files, so nothing unchanged is conclusive.
    var coolingDown = false
}

/// How a sync begins.
enum ReadStart: Sendable, Equatable {
    /// Ask another Wheelhouse's journal what changed after the serial applied (one request).
    case journal(url: String, since: Int64)
    /// No journal to ask.
    case withoutJournal(FirstRead)
}

/// What a sync reads first when it has no journal to ask, or the journal could not be used.
enum FirstRead: Sendable, Equatable {
    /// The index listing, conditionally when an ETag is given.
    case listing(etag: String?)
    /// Only the included projects' pages, conditionally: no listing is downloaded.
    case includedPages
}

/// What the upstream said before any project page was read.
enum UpstreamEvidence: Sendable {
    /// Its journal: these projects changed.
    case journal(UpstreamRoot)
    /// Its listing, read in full; whether its serials can skip unchanged projects.
    case listing(UpstreamRoot, trustsSerials: Bool)
    /// Its listing is the one read last time (304).
    case unchangedListing
    /// Nothing: only the included projects' pages are read.
    case includes
}

/// The pages a sync reads, and what its answers let it conclude.
struct ReadPlan: Sendable {
    /// Project pages to read, each with the ETag to send (nil: unconditionally).
    var reads: [(entry: UpstreamProjectEntry, etag: String?)] = []
    /// The projects upstream offers within the scope, which a mirror keeps (and removes what
    /// else it holds); nil when this sync cannot tell, and nothing is removed for being unlisted.
    var listed: Set<String>?
    /// The listing named no project at all: far likelier a broken upstream than a wipe.
    var emptyListing = false
    /// A page that is gone (404) means its project was removed: only when the journal said
    /// the project changed. Otherwise a gone page is a failure and the files stay (a listing
    /// that names a project whose page is gone contradicts itself; an included project
    /// nothing lists may be a typo or an upstream outage).
    var goneMeansRemoved = false
}

/// The pure half of deciding what to read: from what was recorded, what the request asks and
/// what the upstream answered so far, which pages to request and what an unchanged answer
/// means. The sync driver does the requests in the order this says.
enum ReadPlanner {
    /// pulp_python's serial: the same for every project, always (it never moves).
    static let pulpConstantSerial: Int64 = 1_000_000_000

    static func start(_ context: ReadContext) -> ReadStart {
        // A journal URL recorded before epochs existed is not used: one listing read records the new one.
        if let recorded = context.recorded?.position, let since = recorded.serial, let url = recorded.changesURL, url.contains("epoch="),
            !context.followsDependencies, !context.coolingDown
        {
            return .journal(url: url, since: since)
        }
        return .withoutJournal(firstRead(context))
    }

    /// What to read when there is no journal to ask, or it could not be used: a named include
    /// list reads its projects' pages; anything else reads the listing.
    static func firstRead(_ context: ReadContext) -> FirstRead {
        if context.scope.included != nil { return .includedPages }
        // With a cool-down, time alone releases held-back files: the listing is read in full.
        return .listing(etag: context.coolingDown ? nil : context.recorded?.position.rootETag)
    }

    /// The pages to read after what the upstream said.
    static func plan(_ evidence: UpstreamEvidence, _ context: ReadContext) -> ReadPlan {
        switch evidence {
        case .journal(let changes): fromJournal(changes, context)
        case .listing(let root, let trustsSerials): fromListing(root, trustsSerials: trustsSerials, context)
        case .unchangedListing: fromUnchangedListing(context)
        case .includes: fromIncludes(context)
        }
    }

    /// The journal named these projects as changed: they are read, the listing is not.
    static func fromJournal(_ changes: UpstreamRoot, _ context: ReadContext) -> ReadPlan {
        var plan = ReadPlan()
        plan.reads = changes.projects.filter { context.scope.contains($0.normalized) }.map { ($0, context.known[$0.normalized]?.etag) }
        plan.goneMeansRemoved = true
        return plan
    }

    /// Only the included projects' pages, each with the ETag last applied; one whose page is
    /// gone is missing.
    static func fromIncludes(_ context: ReadContext) -> ReadPlan {
        var plan = ReadPlan()
        let included = (context.scope.included ?? []).filter(context.scope.contains).sorted()
        plan.reads = included.map { name in
            // A page older than the one applied is a lagging cache: its serial is the least expected.
            (UpstreamProjectEntry(name: name, serial: context.known[name]?.serial), context.known[name]?.etag)
        }
        plan.listed = Set(included)
        return plan
    }

    /// The listing did not change (304). It stands for its projects only when it carries
    /// per-project serials that move (a JSON listing from Wheelhouse or PyPI): then nothing
    /// changed. Otherwise a project can gain or lose files while the listing stays the same
    /// (Pulp's published pages, any HTML listing), so every project applied before is read
    /// again, conditionally.
    static func fromUnchangedListing(_ context: ReadContext) -> ReadPlan {
        var plan = ReadPlan()
        guard context.recorded?.position.listingSerials != true else { return plan }
        plan.reads = context.known.keys.filter(context.scope.contains).sorted().map { name in
            (UpstreamProjectEntry(name: name, serial: context.known[name]?.serial), context.known[name]?.etag)
        }
        return plan
    }

    /// A listing read in full: the projects in scope, once each; those whose serial is the one
    /// applied are skipped when the listing's serials can be trusted.
    static func fromListing(_ root: UpstreamRoot, trustsSerials: Bool, _ context: ReadContext) -> ReadPlan {
        var plan = ReadPlan()
        // One read per project: a listing that names one twice (Foo_Bar and foo-bar) counts
        // with the higher serial, or with none when a spelling has none. A listing can hold a
        // million projects, so duplicates are found with the one set the plan keeps anyway.
        var listed = Set<String>(minimumCapacity: root.projects.count)
        var repeated = Set<String>()
        for entry in root.projects where context.scope.contains(entry.normalized) {
            if !listed.insert(entry.normalized).inserted { repeated.insert(entry.normalized) }
        }
        // For each repeated name, the serial its first spelling stands for.
        var merged: [String: Int64?] = [:]
        for entry in root.projects where repeated.contains(entry.normalized) {
            if let first = merged[entry.normalized] {
                merged[entry.normalized] = .some(first.flatMap { serial in entry.serial.map { max(serial, $0) } })
            } else {
                merged[entry.normalized] = .some(entry.serial)
            }
        }
        var emitted = Set<String>()
        plan.reads.reserveCapacity(listed.count)
        for var entry in root.projects where context.scope.contains(entry.normalized) {
            if let serial = merged[entry.normalized] {
                guard emitted.insert(entry.normalized).inserted else { continue }
                entry.serial = serial
            }
            let known = context.known[entry.normalized]
            if trustsSerials, let serial = entry.serial, known?.serial == serial { continue }
            plan.reads.append((entry, known?.etag))
        }
        plan.listed = listed
        plan.emptyListing = root.projects.isEmpty
        return plan
    }

    /// Whether a listing's per-project serials say when a project changed, so that a project
    /// whose serial did not move can be skipped, and an unchanged listing means unchanged
    /// projects. pulp_python's serials never move; serials that are all alike across two or
    /// more projects cannot be told from such a constant.
    static func serialsMove(_ root: UpstreamRoot) -> Bool {
        var seen = Set<Int64>()
        for project in root.projects {
            guard let serial = project.serial, serial != pulpConstantSerial else { return false }
            seen.insert(serial)
            if seen.count > 1 { return true }
        }
        return root.projects.count < 2 && root.serial != nil && root.serial != pulpConstantSerial
    }

    /// Whether a listing read in full may skip projects by serial: its serials move, they are
    /// compared within one journal, and moved along with the listing since the last sync.
    static func trustsSerials(_ root: UpstreamRoot, etag: String?, changesURL: String?, _ context: ReadContext) -> Bool {
        guard serialsMove(root), !context.followsDependencies else { return false }
        guard let recorded = context.recorded?.position else { return true }
        // Another journal (a distribution replaced upstream) numbers its serials afresh.
        if let previous = recorded.changesURL, previous != changesURL { return false }
        // A listing that changed while its serial did not cannot be trusted to say what changed.
        if recorded.serial == root.serial, etag == nil || recorded.rootETag == nil || etag != recorded.rootETag { return false }
        return true
    }
}
