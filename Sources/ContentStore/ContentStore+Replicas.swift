import GRDB
public import PythonPackaging

/// An upstream Pulp (or Wheelhouse) replicated from: its definition (JSON, read by the
/// replication side) and when it was last replicated.
public struct StoredUpstreamPulp: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let name: String
    public let definition: String
    public let lastReplication: Timestamp?
    /// Each distribution's `no_content_change_since` as the last replication saw it.
    public let marks: [String: Timestamp]
    public let createdAt: Timestamp
    public let updatedAt: Timestamp?

    init(row: Row) {
        id = row["id"]
        uuid = row["uuid"]
        name = row["name"]
        definition = row["definition"]
        lastReplication = (row["last_replication"] as Int64?).map(Timestamp.init(microseconds:))
        marks = Labels.decode(row["marks"]).compactMapValues { Int64($0).map(Timestamp.init(microseconds:)) }
        createdAt = Timestamp(microseconds: row["created_at"])
        updatedAt = (row["updated_at"] as Int64?).map(Timestamp.init(microseconds:))
    }
}

/// What one replication run changes, all at once: every replicated distribution moved to its
/// repository's new version (created when new), and the distributions the delete policy
/// removes (with the repositories and remotes replicated for them).
public struct ReplicaSwitch: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let basePath: String
        public let versionID: Int64
        /// The upstream's labels and the replica marker: they replace the local ones.
        public let labels: [String: String]

        public init(name: String, basePath: String, versionID: Int64, labels: [String: String]) {
            self.name = name
            self.basePath = basePath
            self.versionID = versionID
            self.labels = labels
        }
    }

    public var entries: [Entry] = []
    /// Names of distributions to remove.
    public var removals: [String] = []
    /// The label marking objects replicated from this upstream (`UpstreamPulp: <uuid>`):
    /// repositories and remotes of a removed distribution go too when they carry it.
    public var marker: (key: String, value: String)
    public var upstreamPulpID: Int64
    /// The marks to record (`StoredUpstreamPulp.marks`).
    public var marks: [String: Timestamp] = [:]

    public init(upstreamPulpID: Int64, marker: (key: String, value: String)) {
        self.upstreamPulpID = upstreamPulpID
        self.marker = marker
    }
}

extension ContentStore {
    /// Stores an upstream Pulp; replaces the definition of one stored under the name when
    /// `replacing`, else refuses the name.
    @discardableResult
    public func saveUpstreamPulp(name: String, definition: String, replacing: Bool = false) async throws -> StoredUpstreamPulp {
        guard !name.isEmpty else { throw StoreError(.invalid, "an upstream Pulp needs a name") }
        return try await write { db in
            let now = Timestamp.now().microseconds
            if try Row.fetchOne(db, sql: "SELECT 1 FROM upstream_pulp WHERE name = ?", arguments: [name]) != nil {
                guard replacing else { throw StoreError(.conflict, "an upstream Pulp named '\(name)' exists; choose another name or update it") }
                try db.execute(sql: "UPDATE upstream_pulp SET definition = ?, updated_at = ? WHERE name = ?", arguments: [definition, now, name])
            } else {
                try db.execute(
                    sql: "INSERT INTO upstream_pulp (uuid, name, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [makeUUID(), name, definition, now, now])
            }
            return StoredUpstreamPulp(row: try Self.row(db, "SELECT * FROM upstream_pulp WHERE name = ?", name, missing: "No Upstream Pulp matches the given query."))
        }
    }

    public func renameUpstreamPulp(id: Int64, to name: String) async throws {
        guard !name.isEmpty else { throw StoreError(.invalid, "an upstream Pulp needs a name") }
        try await write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM upstream_pulp WHERE name = ? AND id != ?", arguments: [name, id]) != nil {
                throw StoreError(.conflict, "an upstream Pulp named '\(name)' exists")
            }
            try db.execute(sql: "UPDATE upstream_pulp SET name = ?, updated_at = ? WHERE id = ?", arguments: [name, Timestamp.now().microseconds, id])
        }
    }

    public func upstreamPulps() async throws -> [StoredUpstreamPulp] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM upstream_pulp ORDER BY name").map(StoredUpstreamPulp.init(row:)) }
    }

    public func upstreamPulp(uuid: String) async throws -> StoredUpstreamPulp {
        try await read { db in
            StoredUpstreamPulp(row: try Self.row(db, "SELECT * FROM upstream_pulp WHERE uuid = ?", uuid, missing: "No Upstream Pulp matches the given query."))
        }
    }

    public func upstreamPulp(named name: String) async throws -> StoredUpstreamPulp {
        try await read { db in
            StoredUpstreamPulp(row: try Self.row(db, "SELECT * FROM upstream_pulp WHERE name = ?", name, missing: "there is no upstream Pulp named '\(name)'"))
        }
    }

    public func deleteUpstreamPulp(id: Int64) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM upstream_pulp WHERE id = ?", arguments: [id]) }
    }

    /// Applies a replication in one transaction: clients see the previous state of every
    /// distribution or the new state of all of them. Records the run on the upstream Pulp.
    public func applyReplication(_ change: ReplicaSwitch) async throws {
        try await write { db in
            for name in change.removals {
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM distribution WHERE name = ?", arguments: [name]) else { continue }
                try db.execute(sql: "DELETE FROM distribution WHERE id = ?", arguments: [Distribution(row: row).id])
                if let repository = try Row.fetchOne(db, sql: "SELECT * FROM repository WHERE name = ?", arguments: [name]).map(Repository.init(row:)),
                    repository.labels[change.marker.key] == change.marker.value
                {
                    try Self.removeRepository(db, id: repository.id)
                }
                try db.execute(
                    sql: "DELETE FROM remote WHERE name = ? AND json_extract(labels, '$.' || json_quote(?)) = ?",
                    arguments: [name, change.marker.key, change.marker.value])
            }
            for entry in change.entries {
                if let row = try Row.fetchOne(db, sql: "SELECT * FROM distribution WHERE name = ?", arguments: [entry.name]) {
                    let current = Distribution(row: row)
                    if current.basePath != entry.basePath {
                        if try Row.fetchOne(db, sql: "SELECT 1 FROM distribution WHERE base_path = ?", arguments: [entry.basePath]) != nil {
                            throw StoreError(.conflict, "the base path '\(entry.basePath)' of '\(entry.name)' is already served by another distribution")
                        }
                        try db.execute(sql: "UPDATE distribution SET base_path = ? WHERE id = ?", arguments: [entry.basePath, current.id])
                    }
                    try Self.retarget(db, current, to: .repositoryVersion(entry.versionID))
                    try db.execute(
                        sql: "UPDATE distribution SET labels = ?, updated_at = ? WHERE id = ?",
                        arguments: [Labels.encode(entry.labels), Timestamp.now().microseconds, current.id])
                } else {
                    _ = try Self.insertDistribution(db, name: entry.name, basePath: entry.basePath, target: .repositoryVersion(entry.versionID), labels: entry.labels)
                }
            }
            try db.execute(
                sql: "UPDATE upstream_pulp SET last_replication = ?, marks = ? WHERE id = ?",
                arguments: [Timestamp.now().microseconds, Labels.encode(change.marks.mapValues { String($0.microseconds) }), change.upstreamPulpID])
        }
    }
}
