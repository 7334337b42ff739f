import PythonPackaging
import GRDB

extension ContentStore {
    /// Creates a distribution serving `target` at `basePath` and journals its initial content.
    public func createDistribution(name: String, basePath: String, target: DistributionTarget, labels: [String: String] = [:]) async throws -> Distribution {
        try Self.validate(basePath: basePath)
        guard !name.isEmpty else { throw StoreError(.invalid, "a distribution needs a name") }
        return try await write { db in try Self.insertDistribution(db, name: name, basePath: basePath, target: target, labels: labels) }
    }

    /// Inserts a distribution and journals its initial content (the caller checked the base path).
    static func insertDistribution(_ db: Database, name: String, basePath: String, target: DistributionTarget, labels: [String: String]) throws -> Distribution {
        if try Row.fetchOne(db, sql: "SELECT 1 FROM distribution WHERE name = ?", arguments: [name]) != nil {
            throw StoreError(.conflict, "a distribution named '\(name)' already exists")
        }
        if try Row.fetchOne(db, sql: "SELECT 1 FROM distribution WHERE base_path = ?", arguments: [basePath]) != nil {
            throw StoreError(.conflict, "the base path '\(basePath)' is already served by another distribution")
        }
        let columns = try Self.targetColumns(db, target)
        try db.execute(
            sql: """
                INSERT INTO distribution (uuid, name, base_path, repository_id, repository_version_id, publication_id, labels, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [makeUUID(), name, basePath, columns.repository, columns.version, columns.publication, Labels.encode(labels), Timestamp.now().microseconds])
        let id = db.lastInsertedRowID
        let events = try Self.difference(db, from: nil, to: try Self.contentState(db, target: target))
        try Self.appendJournal(db, distributionID: id, events: events)
        return try Self.distribution(db, sql: "SELECT * FROM distribution WHERE id = ?", id)
    }

    /// Points a distribution at something else (and journals what it now shows differently),
    /// and/or replaces its labels.
    @discardableResult
    public func updateDistribution(name: String, target: DistributionTarget? = nil, labels: [String: String]? = nil) async throws -> Distribution {
        try await write { db in
            let current = try Self.distribution(db, sql: "SELECT * FROM distribution WHERE name = ?", name)
            if let target { try Self.retarget(db, current, to: target) }
            if let labels {
                try db.execute(sql: "UPDATE distribution SET labels = ? WHERE id = ?", arguments: [Labels.encode(labels), current.id])
            }
            return try Self.distribution(db, sql: "SELECT * FROM distribution WHERE id = ?", current.id)
        }
    }

    /// Removes a distribution; what it served stays in its repository.
    public func deleteDistribution(name: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM distribution WHERE name = ?", arguments: [name])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "there is no distribution named '\(name)'") }
        }
    }

    /// Every distribution, by name.
    public func distributions() async throws -> [Distribution] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM distribution ORDER BY name").map(Distribution.init(row:)) }
    }

    /// The distribution with this name, or `notFound`.
    public func distribution(named name: String) async throws -> Distribution {
        try await read { db in try Self.distribution(db, sql: "SELECT * FROM distribution WHERE name = ?", name) }
    }

    /// What the distribution at `basePath` serves now, or nil if no distribution has it.
    public func servedContent(basePath: String) async throws -> ServedContent? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM distribution WHERE base_path = ?", arguments: [basePath]) else {
                return nil
            }
            let distribution = Distribution(row: row)
            let state = try Self.contentState(db, target: distribution.target)
            let serial = try Int64.fetchOne(db, sql: "SELECT max(serial) FROM journal WHERE distribution_id = ?", arguments: [distribution.id]) ?? 0
            return ServedContent(distribution: distribution, repositoryID: state?.repositoryID, version: state?.version, lastSerial: serial)
        }
    }

    /// Makes a publication of a repository version (the latest when `version` is nil).
    public func publish(repositoryID: Int64, version: Int? = nil) async throws -> Publication {
        try await write { db in try Self.publish(db, repositoryID: repositoryID, version: version) }
    }

    static func publish(_ db: Database, repositoryID: Int64, version: Int?) throws -> Publication {
        let repository = try repository(db, id: repositoryID)
        let repositoryVersion = try repositoryVersion(db, repositoryID: repositoryID, number: version ?? repository.latestVersion)
        try db.execute(
            sql: "INSERT INTO publication (uuid, repository_version_id, created_at) VALUES (?, ?, ?)",
            arguments: [makeUUID(), repositoryVersion.id, Timestamp.now().microseconds])
        return Publication(row: try Row.fetchOne(db, sql: "SELECT * FROM publication WHERE id = ?", arguments: [db.lastInsertedRowID])!)
    }

    /// Points a distribution at `target` and journals what it now shows differently.
    static func retarget(_ db: Database, _ current: Distribution, to target: DistributionTarget) throws {
        guard target != current.target else { return }
        let columns = try targetColumns(db, target)
        let events = try difference(db, from: try contentState(db, target: current.target), to: try contentState(db, target: target))
        try db.execute(
            sql: "UPDATE distribution SET repository_id = ?, repository_version_id = ?, publication_id = ? WHERE id = ?",
            arguments: [columns.repository, columns.version, columns.publication, current.id])
        try appendJournal(db, distributionID: current.id, events: events)
    }

    /// What a target serves, in the names and numbers people use: the repository's name, the
    /// version number (nil while it follows the latest) and the publication, if any.
    public func describe(_ target: DistributionTarget) async throws -> ServedTarget? {
        try await read { db in
            guard let state = try Self.contentState(db, target: target) else { return nil }
            let repository = try Self.repository(db, id: state.repositoryID)
            switch target {
            case .repository: return ServedTarget(repository: repository.name, version: nil, publication: nil)
            case .publication(let id): return ServedTarget(repository: repository.name, version: state.version, publication: id)
            default: return ServedTarget(repository: repository.name, version: state.version, publication: nil)
            }
        }
    }

    /// Base paths are one URL path segment: letters, digits, `.`, `_` and `-`.
    public static func validate(basePath: String) throws {
        let allowed = basePath.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-")
        }
        guard !basePath.isEmpty, allowed, basePath != ".", basePath != ".." else {
            throw StoreError(.invalid, "the base path '\(basePath)' is not valid: use letters, digits, '.', '_' and '-'")
        }
    }

    static func distribution(_ db: Database, sql: String, _ argument: some DatabaseValueConvertible & Sendable) throws -> Distribution {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [argument]) else {
            throw StoreError(.notFound, "there is no distribution '\(argument)'")
        }
        return Distribution(row: row)
    }

    private static func targetColumns(_ db: Database, _ target: DistributionTarget) throws -> (repository: Int64?, version: Int64?, publication: Int64?) {
        // Checked here so that a missing target is a clear error rather than a foreign key failure.
        _ = try contentState(db, target: target)
        switch target {
        case .repository(let id): return (id, nil, nil)
        case .repositoryVersion(let id): return (nil, id, nil)
        case .publication(let id): return (nil, nil, id)
        case .none: return (nil, nil, nil)
        }
    }

    /// The repository version a target shows now.
    static func contentState(_ db: Database, target: DistributionTarget) throws -> ContentState? {
        switch target {
        case .none:
            return nil
        case .repository(let id):
            let repository = try repository(db, id: id)
            return ContentState(repositoryID: id, version: repository.latestVersion)
        case .repositoryVersion(let id):
            guard let row = try Row.fetchOne(db, sql: "SELECT repository_id, number FROM repository_version WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "there is no repository version \(id)")
            }
            return ContentState(repositoryID: row["repository_id"], version: row["number"])
        case .publication(let id):
            guard let row = try Row.fetchOne(
                db,
                sql: "SELECT rv.repository_id, rv.number FROM publication p JOIN repository_version rv ON rv.id = p.repository_version_id WHERE p.id = ?",
                arguments: [id])
            else { throw StoreError(.notFound, "there is no publication \(id)") }
            return ContentState(repositoryID: row["repository_id"], version: row["number"])
        }
    }
}
