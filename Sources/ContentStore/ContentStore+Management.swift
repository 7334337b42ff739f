import GRDB
public import PythonPackaging

/// Changes to a repository's settings; nil leaves one as it is.
public struct RepositoryChanges: Sendable {
    public var name: String?
    /// `.some(nil)` clears it.
    public var description: String??
    public var retainRepoVersions: Int??
    public var labels: [String: String]?
    public var remoteID: Int64??

    public init() {}
}

/// Changes to a distribution; nil leaves one as it is.
public struct DistributionChanges: Sendable {
    public var name: String?
    public var basePath: String?
    public var target: DistributionTarget?
    public var labels: [String: String]?

    public init() {}
}

/// The objects the management API addresses by UUID, and the changes it makes to them.
extension ContentStore {
    public func repository(uuid: String) async throws -> Repository {
        try await read { db in
            Repository(row: try Self.row(db, "SELECT * FROM repository WHERE uuid = ?", uuid, missing: "No Python Repository matches the given query."))
        }
    }

    public func repositoryVersion(uuid: String) async throws -> RepositoryVersion {
        try await read { db in
            RepositoryVersion(row: try Self.row(db, "SELECT * FROM repository_version WHERE uuid = ?", uuid, missing: "No Repository Version matches the given query."))
        }
    }

    public func distribution(uuid: String) async throws -> Distribution {
        try await read { db in
            Distribution(row: try Self.row(db, "SELECT * FROM distribution WHERE uuid = ?", uuid, missing: "No Python Distribution matches the given query."))
        }
    }

    public func publication(uuid: String) async throws -> Publication {
        try await read { db in
            Publication(row: try Self.row(db, "SELECT * FROM publication WHERE uuid = ?", uuid, missing: "No Python Publication matches the given query."))
        }
    }

    public func publication(id: Int64) async throws -> Publication {
        try await read { db in
            Publication(row: try Self.row(db, "SELECT * FROM publication WHERE id = ?", id, missing: "No Python Publication matches the given query."))
        }
    }

    /// Every publication, newest first.
    public func publications() async throws -> [Publication] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM publication ORDER BY id DESC").map(Publication.init(row:)) }
    }

    /// Changes a repository's settings.
    @discardableResult
    public func updateRepository(id: Int64, _ changes: RepositoryChanges) async throws -> Repository {
        if let name = changes.name, name.isEmpty { throw StoreError(.invalid, "a repository needs a name") }
        if case .some(.some(let retain)) = changes.retainRepoVersions, retain < 1 {
            throw StoreError(.invalid, "retain_repo_versions must be at least 1")
        }
        return try await write { db in
            let current = try Self.repository(db, id: id)
            if let name = changes.name, name != current.name,
                try Row.fetchOne(db, sql: "SELECT 1 FROM repository WHERE name = ?", arguments: [name]) != nil
            {
                throw StoreError(.conflict, "a repository named '\(name)' already exists")
            }
            try db.execute(
                sql: """
                    UPDATE repository SET name = ?, description = ?, retain_repo_versions = ?, labels = ?, remote_id = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    changes.name ?? current.name, changes.description ?? current.description, changes.retainRepoVersions ?? current.retainRepoVersions,
                    Labels.encode(changes.labels ?? current.labels), changes.remoteID ?? current.remoteID, Timestamp.now().microseconds, id,
                ])
            return try Self.repository(db, id: id)
        }
    }

    /// Removes a repository with its versions and publications; distributions that served any
    /// of them serve nothing from then on (as in Pulp).
    public func deleteRepository(id: Int64) async throws {
        try await write { db in try Self.removeRepository(db, id: id) }
    }

    static func removeRepository(_ db: Database, id: Int64) throws {
        _ = try Self.repository(db, id: id)
        let versions = "SELECT id FROM repository_version WHERE repository_id = ?1"
        let publications = "SELECT id FROM publication WHERE repository_version_id IN (\(versions))"
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM distribution WHERE repository_id = ?1 OR repository_version_id IN (\(versions))
                    OR publication_id IN (\(publications))
                """,
            arguments: [id])
        {
            try Self.retarget(db, Distribution(row: row), to: .none)
        }
        try db.execute(sql: "DELETE FROM publication WHERE repository_version_id IN (\(versions))", arguments: [id])
        try db.execute(sql: "DELETE FROM repository WHERE id = ?", arguments: [id])
    }

    /// Changes a distribution: its name, base path, what it serves, its labels.
    @discardableResult
    public func updateDistribution(id: Int64, _ changes: DistributionChanges) async throws -> Distribution {
        if let basePath = changes.basePath { try Self.validate(basePath: basePath) }
        if let name = changes.name, name.isEmpty { throw StoreError(.invalid, "a distribution needs a name") }
        return try await write { db in
            let current = try Self.distribution(db, sql: "SELECT * FROM distribution WHERE id = ?", id)
            if let name = changes.name, name != current.name,
                try Row.fetchOne(db, sql: "SELECT 1 FROM distribution WHERE name = ?", arguments: [name]) != nil
            {
                throw StoreError(.conflict, "a distribution named '\(name)' already exists")
            }
            if let basePath = changes.basePath, basePath != current.basePath,
                try Row.fetchOne(db, sql: "SELECT 1 FROM distribution WHERE base_path = ?", arguments: [basePath]) != nil
            {
                throw StoreError(.conflict, "the base path '\(basePath)' is already served by another distribution")
            }
            if let target = changes.target { try Self.retarget(db, current, to: target) }
            try db.execute(
                sql: "UPDATE distribution SET name = ?, base_path = ?, labels = ?, updated_at = ? WHERE id = ?",
                arguments: [
                    changes.name ?? current.name, changes.basePath ?? current.basePath, Labels.encode(changes.labels ?? current.labels),
                    Timestamp.now().microseconds, id,
                ])
            return try Self.distribution(db, sql: "SELECT * FROM distribution WHERE id = ?", id)
        }
    }

    /// Removes a publication no distribution serves.
    public func deletePublication(id: Int64) async throws {
        try await write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM distribution WHERE publication_id = ?", arguments: [id]) != nil {
                throw StoreError(.conflict, "a distribution serves this publication; point it elsewhere first")
            }
            try db.execute(sql: "DELETE FROM publication WHERE id = ?", arguments: [id])
        }
    }

    /// The time a distribution's content last changed: the newest journal entry it has.
    public func lastContentChange(distributionID: Int64) async throws -> Timestamp? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT max(created_at) FROM journal WHERE distribution_id = ?", arguments: [distributionID])
                .map(Timestamp.init(microseconds:))
        }
    }
}
