import GRDB
public import PythonPackaging

/// A repository version named by repository and number.
public struct VersionReference: Sendable, Hashable {
    public let repositoryID: Int64
    public let number: Int

    public init(repositoryID: Int64, number: Int) {
        self.repositoryID = repositoryID
        self.number = number
    }
}

/// Which packages to list, as Pulp's content filters name them; every condition set must hold.
public struct PackageQuery: Sendable {
    /// Exact project names as uploaded (`name`, `name__in`).
    public var names: [String]?
    public var nameContains: String?
    public var filename: String?
    public var sha256: SHA256Digest?
    public var version: String?
    public var packageTypes: [String]?
    /// Present in this version.
    public var presentIn: VersionReference?
    /// Added by exactly this version, or removed by it.
    public var addedIn: VersionReference?
    public var removedIn: VersionReference?

    public init() {}
}

/// How much content a repository version added, removed and holds.
public struct ContentSummary: Sendable, Hashable {
    public let added: Int
    public let removed: Int
    public let present: Int
}

extension ContentStore {
    /// A page of the packages `query` selects, oldest first, and how many it selects in all.
    public func packages(_ query: PackageQuery, offset: Int, limit: Int) async throws -> (count: Int, packages: [Package]) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let names = query.names {
            conditions.append("name IN (SELECT value FROM json_each(?))")
            arguments += [JSONValue.array(names.map(JSONValue.string)).rendered]
        }
        if let contains = query.nameContains {
            conditions.append("instr(name, ?) > 0")
            arguments += [contains]
        }
        if let filename = query.filename {
            conditions.append("filename = ?")
            arguments += [filename]
        }
        if let sha256 = query.sha256 {
            conditions.append("sha256 = ?")
            arguments += [sha256.hex]
        }
        if let version = query.version {
            conditions.append("version = ?")
            arguments += [version]
        }
        if let types = query.packageTypes {
            conditions.append("packagetype IN (SELECT value FROM json_each(?))")
            arguments += [JSONValue.array(types.map(JSONValue.string)).rendered]
        }
        if let present = query.presentIn {
            conditions.append(
                "id IN (SELECT package_id FROM repository_content WHERE repository_id = ? AND version_added <= ? AND (version_removed IS NULL OR version_removed > ?))")
            arguments += [present.repositoryID, present.number, present.number]
        }
        if let added = query.addedIn {
            conditions.append("id IN (SELECT package_id FROM repository_content WHERE repository_id = ? AND version_added = ?)")
            arguments += [added.repositoryID, added.number]
        }
        if let removed = query.removedIn {
            conditions.append("id IN (SELECT package_id FROM repository_content WHERE repository_id = ? AND version_removed = ?)")
            arguments += [removed.repositoryID, removed.number]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await read { [arguments] db in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM package \(whereClause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM package \(whereClause) ORDER BY id LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (count, rows.map(Package.init(row:)))
        }
    }

    /// The package with this UUID, or `notFound`.
    public func package(uuid: String) async throws -> Package {
        try await read { db in
            Package(row: try Self.row(db, "SELECT * FROM package WHERE uuid = ?", uuid, missing: "No Python Package Content matches the given query."))
        }
    }

    /// What a repository version added, removed and holds, counted.
    public func contentSummary(_ version: VersionReference) async throws -> ContentSummary {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) FILTER (WHERE version_added = ?2) AS added,
                        count(*) FILTER (WHERE version_removed = ?2) AS removed,
                        count(*) FILTER (WHERE version_added <= ?2 AND (version_removed IS NULL OR version_removed > ?2)) AS present
                    FROM repository_content WHERE repository_id = ?1
                    """,
                arguments: [version.repositoryID, version.number])
            return ContentSummary(added: row?["added"] ?? 0, removed: row?["removed"] ?? 0, present: row?["present"] ?? 0)
        }
    }
}

/// A stored file as the management API lists artifacts.
public struct StoredArtifact: Sendable, Hashable {
    public let sha256: SHA256Digest
    public let size: Int64
    public let md5: String
    public let createdAt: Timestamp
}

extension ContentStore {
    /// A page of stored files (all, or the one with `sha256`), oldest first, and how many in all.
    public func artifacts(sha256: SHA256Digest?, offset: Int, limit: Int) async throws -> (count: Int, artifacts: [StoredArtifact]) {
        try await read { db in
            let condition = "WHERE (?1 IS NULL OR sha256 = ?1)"
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM artifact \(condition)", arguments: [sha256?.hex]) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM artifact \(condition) ORDER BY created_at, sha256 LIMIT ?2 OFFSET ?3", arguments: [sha256?.hex, limit, offset])
            return (count, rows.compactMap(Self.artifact))
        }
    }

    /// The stored file whose sha256 starts with these 32 hexadecimal digits, or `notFound`.
    public func artifact(prefix: String) async throws -> StoredArtifact {
        try await read { db in
            guard prefix.count == 32, prefix.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
                let row = try Row.fetchOne(db, sql: "SELECT * FROM artifact WHERE sha256 >= ? ORDER BY sha256 LIMIT 1", arguments: [prefix]),
                let artifact = Self.artifact(row), artifact.sha256.hex.hasPrefix(prefix)
            else { throw StoreError(.notFound, "No Artifact matches the given query.") }
            return artifact
        }
    }

    private static func artifact(_ row: Row) -> StoredArtifact? {
        guard let sha256 = SHA256Digest(hex: row["sha256"] as String) else { return nil }
        return StoredArtifact(sha256: sha256, size: row["size"], md5: row["md5"], createdAt: Timestamp(microseconds: row["created_at"]))
    }
}
