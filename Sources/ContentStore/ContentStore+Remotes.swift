public import PythonPackaging
import GRDB

/// A remote stored by name: its definition (JSON, read by the replication side) and its last sync.
public struct StoredRemote: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let name: String
    public let definition: String
    public let labels: [String: String]
    public let createdAt: Timestamp
    public let updatedAt: Timestamp?
    public let lastSyncAt: Timestamp?
    /// The last sync's summary (JSON), if it ran.
    public let lastResult: String?

    init(row: Row) {
        id = row["id"]
        uuid = row["uuid"]
        name = row["name"]
        definition = row["definition"]
        labels = Labels.decode(row["labels"])
        createdAt = Timestamp(microseconds: row["created_at"])
        updatedAt = (row["updated_at"] as Int64?).map(Timestamp.init(microseconds:))
        lastSyncAt = (row["last_sync_at"] as Int64?).map(Timestamp.init(microseconds:))
        lastResult = row["last_result"]
    }
}

extension ContentStore {
    /// Stores a remote; replaces the definition of one already stored under the name when
    /// `replacing`, else refuses the name.
    @discardableResult
    public func saveRemote(name: String, definition: String, replacing: Bool = false, labels: [String: String]? = nil) async throws -> StoredRemote {
        try await write { db in
            let now = Timestamp.now().microseconds
            if try Row.fetchOne(db, sql: "SELECT 1 FROM remote WHERE name = ?", arguments: [name]) != nil {
                guard replacing else { throw StoreError(.conflict, "a remote named '\(name)' exists; choose another name or update it") }
                try db.execute(
                    sql: "UPDATE remote SET definition = ?, labels = coalesce(?, labels), updated_at = ? WHERE name = ?",
                    arguments: [definition, labels.map(Labels.encode), now, name])
            } else {
                guard !name.isEmpty else { throw StoreError(.invalid, "a remote needs a name") }
                try db.execute(
                    sql: "INSERT INTO remote (uuid, name, definition, labels, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [makeUUID(), name, definition, Labels.encode(labels ?? [:]), now, now])
            }
            return try Self.remote(db, sql: "SELECT * FROM remote WHERE name = ?", name)
        }
    }

    /// Renames a remote (its UUID stays).
    public func renameRemote(_ name: String, to newName: String) async throws {
        guard !newName.isEmpty else { throw StoreError(.invalid, "a remote needs a name") }
        try await write { db in
            guard name != newName else { return }
            if try Row.fetchOne(db, sql: "SELECT 1 FROM remote WHERE name = ?", arguments: [newName]) != nil {
                throw StoreError(.conflict, "a remote named '\(newName)' exists")
            }
            try db.execute(sql: "UPDATE remote SET name = ?, updated_at = ? WHERE name = ?", arguments: [newName, Timestamp.now().microseconds, name])
        }
    }

    /// The remote with this UUID, or `notFound`.
    public func remote(uuid: String) async throws -> StoredRemote {
        try await read { db in try Self.remote(db, sql: "SELECT * FROM remote WHERE uuid = ?", uuid) }
    }

    /// The remote with this row id, or `notFound`.
    public func remote(id: Int64) async throws -> StoredRemote {
        try await read { db in try Self.remote(db, sql: "SELECT * FROM remote WHERE id = ?", id) }
    }

    private static func remote(_ db: Database, sql: String, _ argument: some DatabaseValueConvertible & Sendable) throws -> StoredRemote {
        StoredRemote(row: try row(db, sql, argument, missing: "No Python Remote matches the given query."))
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
