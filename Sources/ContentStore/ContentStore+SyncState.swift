import PythonPackaging
import GRDB

/// Where a sync left an upstream: what the next sync compares against to read only what
/// changed.
public struct UpstreamPosition: Sendable, Hashable {
    /// The upstream index's serial (its journal's, for another Wheelhouse), if it has serials.
    public var serial: Int64?
    /// The ETag of the upstream's index listing.
    public var rootETag: String?
    /// Where the upstream (another Wheelhouse) publishes its changes journal, if it does.
    public var changesURL: String?
    /// Whether the listing carries per-project serials that move, so that an unchanged listing
    /// means unchanged projects.
    public var listingSerials: Bool

    public init(serial: Int64? = nil, rootETag: String? = nil, changesURL: String? = nil, listingSerials: Bool = false) {
        self.serial = serial
        self.rootETag = rootETag
        self.changesURL = changesURL
        self.listingSerials = listingSerials
    }
}

/// What a repository last completed syncing from one upstream, so that a re-sync reads only
/// what changed.
public struct SyncState: Sendable, Hashable {
    /// The settings (filters) the state was recorded under; state under others is not reused.
    public var filter: String
    public var position: UpstreamPosition

    public init(filter: String, position: UpstreamPosition = UpstreamPosition()) {
        self.filter = filter
        self.position = position
    }
}

/// The upstream page of one project as last applied: its serial and ETag.
public struct ProjectSyncState: Sendable, Hashable {
    public var serial: Int64?
    public var etag: String?

    public init(serial: Int64?, etag: String?) {
        self.serial = serial
        self.etag = etag
    }

    /// A project known to the sync whose page must be read again in full.
    public static let unknown = ProjectSyncState(serial: nil, etag: nil)
}

/// The end of a sync, applied in one transaction: the new content, the distribution's move
/// to it, and the upstream state it reflects.
public struct SyncCompletion: Sendable {
    public var changes: ContentChanges
    /// Where the upstream was, as applied; nil keeps the recorded position (a sync that had
    /// failures must look again next time).
    public var position: UpstreamPosition?
    /// Project states to record; nil forgets a project (read it again next time).
    public var projects: [String: ProjectSyncState?]

    public init(changes: ContentChanges, position: UpstreamPosition?, projects: [String: ProjectSyncState?]) {
        self.changes = changes
        self.position = position
        self.projects = projects
    }
}

extension ContentStore {
    /// The state recorded for a repository's syncs from `url`, if any (without its projects,
    /// which a sync needs only when the listing changed).
    public func syncState(repositoryID: Int64, url: String) async throws -> SyncState? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM sync_state WHERE repository_id = ? AND url = ?", arguments: [repositoryID, url])
            else { return nil }
            return SyncState(
                filter: row["filter"],
                position: UpstreamPosition(
                    serial: row["serial"], rootETag: row["root_etag"], changesURL: row["changes_url"], listingSerials: row["listing_serials"]))
        }
    }

    /// Per project (normalized), the upstream page last applied in full by syncs from `url`.
    public func syncProjectStates(repositoryID: Int64, url: String) async throws -> [String: ProjectSyncState] {
        try await read { db in
            var projects: [String: ProjectSyncState] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT p.project, p.serial, p.etag FROM sync_project_state p JOIN sync_state s ON s.id = p.sync_state_id
                    WHERE s.repository_id = ? AND s.url = ?
                    """,
                arguments: [repositoryID, url])
            while let row = try rows.next() { projects[row[0]] = ProjectSyncState(serial: row[1], etag: row[2]) }
            return projects
        }
    }

    /// Applies a sync's result in one transaction: a new repository version (if anything
    /// changed), the distribution moved to it (a new publication when it serves publications),
    /// and the upstream state. State recorded under another filter is dropped first.
    @discardableResult
    public func completeSync(
        repositoryID: Int64, distributionName: String?, url: String, filter: String, completion: SyncCompletion
    ) async throws -> RepositoryVersion? {
        try await write { db in
            let version = try Self.modify(db, repositoryID: repositoryID, changes: completion.changes)
            if let version, let distributionName {
                let distribution = try Self.distribution(db, sql: "SELECT * FROM distribution WHERE name = ?", distributionName)
                switch distribution.target {
                case .publication:
                    let publication = try Self.publish(db, repositoryID: repositoryID, version: version.number)
                    try Self.retarget(db, distribution, to: .publication(publication.id))
                case .repositoryVersion:
                    try Self.retarget(db, distribution, to: .repositoryVersion(version.id))
                case .repository, .none:
                    break
                }
            }
            try Self.recordSyncState(db, repositoryID: repositoryID, url: url, filter: filter, completion: completion)
            return version
        }
    }

    /// Every upstream index URL a repository was synced from.
    public func syncedIndexURLs() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT DISTINCT url FROM sync_state") }
    }

    private static func recordSyncState(_ db: Database, repositoryID: Int64, url: String, filter: String, completion: SyncCompletion) throws {
        let existing = try Row.fetchOne(
            db, sql: "SELECT id, filter FROM sync_state WHERE repository_id = ? AND url = ?", arguments: [repositoryID, url])
        let stateID: Int64
        if let existing, (existing["filter"] as String) == filter {
            stateID = existing["id"]
        } else {
            if let existing { try db.execute(sql: "DELETE FROM sync_state WHERE id = ?", arguments: [existing["id"] as Int64]) }
            try db.execute(
                sql: "INSERT INTO sync_state (repository_id, url, filter, completed_at) VALUES (?, ?, ?, ?)",
                arguments: [repositoryID, url, filter, Timestamp.now().microseconds])
            stateID = db.lastInsertedRowID
        }
        if let position = completion.position {
            try db.execute(
                sql: "UPDATE sync_state SET serial = ?, root_etag = ?, changes_url = ?, listing_serials = ?, completed_at = ? WHERE id = ?",
                arguments: [
                    position.serial, position.rootETag, position.changesURL, position.listingSerials, Timestamp.now().microseconds, stateID,
                ])
        }
        for (project, state) in completion.projects {
            if let state {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO sync_project_state (sync_state_id, project, serial, etag) VALUES (?, ?, ?, ?)",
                    arguments: [stateID, project, state.serial, state.etag])
            } else {
                try db.execute(sql: "DELETE FROM sync_project_state WHERE sync_state_id = ? AND project = ?", arguments: [stateID, project])
            }
        }
    }
}
