import PythonPackaging
import GRDB

extension ContentStore {
    /// Creates an empty repository (version 0).
    public func createRepository(name: String, description: String? = nil, retainRepoVersions: Int? = nil) async throws -> Repository {
        guard !name.isEmpty else { throw StoreError(.invalid, "a repository needs a name") }
        if let retainRepoVersions, retainRepoVersions < 1 {
            throw StoreError(.invalid, "retain_repo_versions must be at least 1")
        }
        return try await write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM repository WHERE name = ?", arguments: [name]) != nil {
                throw StoreError(.conflict, "a repository named '\(name)' already exists")
            }
            let now = Timestamp.now().microseconds
            try db.execute(
                sql: "INSERT INTO repository (uuid, name, description, retain_repo_versions, latest_version, created_at) VALUES (?, ?, ?, ?, 0, ?)",
                arguments: [makeUUID(), name, description, retainRepoVersions, now])
            let id = db.lastInsertedRowID
            try db.execute(
                sql: "INSERT INTO repository_version (uuid, repository_id, number, created_at) VALUES (?, ?, 0, ?)",
                arguments: [makeUUID(), id, now])
            return try Self.repository(db, id: id)
        }
    }

    /// Every repository, by name.
    public func repositories() async throws -> [Repository] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM repository ORDER BY name").map(Repository.init(row:)) }
    }

    /// The repository with this name.
    public func repository(named name: String) async throws -> Repository {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM repository WHERE name = ?", arguments: [name]) else {
                throw StoreError(.notFound, "there is no repository named '\(name)'")
            }
            return Repository(row: row)
        }
    }

    /// The repository with this id, or `notFound`.
    public func repository(id: Int64) async throws -> Repository {
        try await read { db in try Self.repository(db, id: id) }
    }

    /// The versions of a repository still kept, oldest first.
    public func versions(ofRepository id: Int64) async throws -> [RepositoryVersion] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM repository_version WHERE repository_id = ? ORDER BY number", arguments: [id])
                .map(RepositoryVersion.init(row:))
        }
    }

    /// A repository's version by number, or `notFound`.
    public func repositoryVersion(repositoryID: Int64, number: Int) async throws -> RepositoryVersion {
        try await read { db in try Self.repositoryVersion(db, repositoryID: repositoryID, number: number) }
    }

    /// A repository version by id, or `notFound`.
    public func repositoryVersion(id: Int64) async throws -> RepositoryVersion {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM repository_version WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "there is no repository version \(id)")
            }
            return RepositoryVersion(row: row)
        }
    }

    static func repository(_ db: Database, id: Int64) throws -> Repository {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM repository WHERE id = ?", arguments: [id]) else {
            throw StoreError(.notFound, "there is no repository \(id)")
        }
        return Repository(row: row)
    }

    static func repositoryVersion(_ db: Database, repositoryID: Int64, number: Int) throws -> RepositoryVersion {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT * FROM repository_version WHERE repository_id = ? AND number = ?", arguments: [repositoryID, number])
        else { throw StoreError(.notFound, "repository \(repositoryID) has no version \(number) (it may not be retained)") }
        return RepositoryVersion(row: row)
    }
}
