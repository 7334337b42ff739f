public import PythonPackaging
import GRDB

/// A remote stored by name: its definition (JSON, read by the replication side) and its last sync.
public struct StoredRemote: Sendable, Hashable {
    public let name: String
    public let definition: String
    public let createdAt: Timestamp
    public let lastSyncAt: Timestamp?
    /// The last sync's summary (JSON), if it ran.
    public let lastResult: String?

    init(row: Row) {
        name = row["name"]
        definition = row["definition"]
        createdAt = Timestamp(microseconds: row["created_at"])
        lastSyncAt = (row["last_sync_at"] as Int64?).map(Timestamp.init(microseconds:))
        lastResult = row["last_result"]
    }
}

extension ContentStore {
    /// Stores a remote; replaces the definition of one already stored under the name when
    /// `replacing`, else refuses the name.
    @discardableResult
    public func saveRemote(name: String, definition: String, replacing: Bool = false) async throws -> StoredRemote {
        try await write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM remote WHERE name = ?", arguments: [name]) != nil {
                guard replacing else { throw StoreError(.conflict, "a remote named '\(name)' exists; choose another name or update it") }
                try db.execute(sql: "UPDATE remote SET definition = ? WHERE name = ?", arguments: [definition, name])
            } else {
                guard !name.isEmpty else { throw StoreError(.invalid, "a remote needs a name") }
                try db.execute(
                    sql: "INSERT INTO remote (name, definition, created_at) VALUES (?, ?, ?)",
                    arguments: [name, definition, Timestamp.now().microseconds])
            }
            return StoredRemote(row: try Row.fetchOne(db, sql: "SELECT * FROM remote WHERE name = ?", arguments: [name])!)
        }
    }

    /// Every stored remote, by name.
    public func remotes() async throws -> [StoredRemote] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM remote ORDER BY name").map(StoredRemote.init(row:)) }
    }

    /// The remote stored under this name, or `notFound`.
    public func remote(named name: String) async throws -> StoredRemote {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM remote WHERE name = ?", arguments: [name]) else {
                throw StoreError(.notFound, "there is no remote named '\(name)'; `wheelhouse remote list` shows them")
            }
            return StoredRemote(row: row)
        }
    }

    /// Removes a stored remote; what it synced stays.
    public func deleteRemote(name: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM remote WHERE name = ?", arguments: [name])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "there is no remote named '\(name)'") }
        }
    }

    /// Records when a remote last synced and how it went.
    public func recordRemoteSync(name: String, at time: Timestamp, result: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE remote SET last_sync_at = ?, last_result = ? WHERE name = ?", arguments: [time.microseconds, result, name])
        }
    }
}
