public import PythonPackaging
import GRDB

/// One visible change of a distribution, as the changes journal records it.
struct JournalEvent: Hashable {
    enum Action: String {
        /// `metadata`: the file's PEP 658 metadata became known (read from a file kept on demand,
        /// or declared by the upstream's page), so its page offers it now.
        case add, remove, yank, unyank, status, metadata
    }

    var project: String
    var version: String?
    var filename: String?
    var action: Action

    init(project: String, version: String?, filename: String?, action: Action) {
        self.project = project
        self.version = version
        self.filename = filename
        self.action = action
    }

    init(package: Row, action: Action) {
        self.init(project: package["name_normalized"], version: package["version"], filename: package["filename"], action: action)
    }
}

/// A change a distribution showed, with the serial it was given.
public struct JournalEntry: Sendable, Hashable {
    public let serial: Int64
    public let project: String
    public let version: String?
    public let filename: String?
    public let action: String
    public let time: Timestamp
}

extension ContentStore {
    /// Gives each event the next global serial, for one distribution.
    static func appendJournal(_ db: Database, distributionID: Int64, events: [JournalEvent]) throws {
        let now = Timestamp.now().microseconds
        let statement = try db.cachedStatement(
            sql: "INSERT INTO journal (distribution_id, project, version, filename, action, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        for event in events {
            try statement.execute(arguments: [distributionID, event.project, event.version, event.filename, event.action.rawValue, now])
        }
    }

    /// The changes a distribution showed after `serial`, oldest first (at most `limit`).
    public func journal(distributionID: Int64, since serial: Int64, limit: Int = 10_000) async throws -> [JournalEntry] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM journal WHERE distribution_id = ? AND serial > ? ORDER BY serial LIMIT ?",
                arguments: [distributionID, serial, limit]
            ).map { row in
                JournalEntry(
                    serial: row["serial"], project: row["project"], version: row["version"], filename: row["filename"],
                    action: row["action"], time: Timestamp(microseconds: row["created_at"]))
            }
        }
    }

    /// The events that turn what one content state shows into what another shows.
    static func difference(_ db: Database, from old: ContentState?, to new: ContentState?) throws -> [JournalEvent] {
        let before = try old.map { try snapshot(db, $0) } ?? Snapshot()
        let after = try new.map { try snapshot(db, $0) } ?? Snapshot()
        var events: [JournalEvent] = []
        for id in before.packages.keys where after.packages[id] == nil {
            events.append(JournalEvent(package: before.packages[id]!, action: .remove))
        }
        for (id, row) in after.packages.sorted(by: { $0.key < $1.key }) where before.packages[id] == nil {
            events.append(JournalEvent(package: row, action: .add))
        }
        for (id, reason) in after.yanks where after.packages[id] != nil && (before.yanks[id] == nil || before.yanks[id]! != reason) {
            events.append(JournalEvent(package: after.packages[id]!, action: .yank))
        }
        for id in before.yanks.keys where after.yanks[id] == nil && after.packages[id] != nil && before.packages[id] != nil {
            events.append(JournalEvent(package: after.packages[id]!, action: .unyank))
        }
        for project in Set(before.statuses.keys).union(after.statuses.keys).sorted() where before.statuses[project] != after.statuses[project] {
            events.append(JournalEvent(project: project, version: nil, filename: nil, action: .status))
        }
        return events
    }

    /// What one repository version shows, for comparing two of them.
    private struct Snapshot {
        var packages: [Int64: Row] = [:]
        var yanks: [Int64: String?] = [:]
        var statuses: [String: String] = [:]
    }

    private static func snapshot(_ db: Database, _ state: ContentState) throws -> Snapshot {
        var snapshot = Snapshot()
        let arguments: StatementArguments = [state.repositoryID, state.version, state.version]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT p.* FROM repository_content rc JOIN package p ON p.id = rc.package_id
                WHERE rc.repository_id = ? AND rc.version_added <= ? AND (rc.version_removed IS NULL OR rc.version_removed > ?)
                """, arguments: arguments)
        {
            snapshot.packages[row["id"]] = row
        }
        for row in try Row.fetchAll(
            db,
            sql: "SELECT package_id, reason FROM package_yank WHERE repository_id = ? AND version_added <= ? AND (version_removed IS NULL OR version_removed > ?)",
            arguments: arguments)
        {
            snapshot.yanks[row["package_id"]] = .some(row["reason"])
        }
        for row in try Row.fetchAll(
            db,
            sql: "SELECT project, status, reason FROM project_status WHERE repository_id = ? AND version_added <= ? AND (version_removed IS NULL OR version_removed > ?)",
            arguments: arguments)
        {
            snapshot.statuses[row["project"]] = (row["status"] as String) + "|" + ((row["reason"] as String?) ?? "")
        }
        return snapshot
    }
}

/// A repository version, as the content a distribution shows.
struct ContentState: Hashable {
    var repositoryID: Int64
    var version: Int
}
