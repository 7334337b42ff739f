import Foundation
import GRDB
import PythonPackaging

// Model values from database rows, by column name.

extension Repository {
    init(row: Row) {
        self.init(
            id: row["id"], uuid: row["uuid"], name: row["name"], description: row["description"],
            retainRepoVersions: row["retain_repo_versions"], latestVersion: row["latest_version"],
            createdAt: Timestamp(microseconds: row["created_at"]), labels: Labels.decode(row["labels"]), remoteID: row["remote_id"],
            updatedAt: (row["updated_at"] as Int64?).map(Timestamp.init(microseconds:)))
    }
}

extension RepositoryVersion {
    init(row: Row) {
        self.init(
            id: row["id"], uuid: row["uuid"], repositoryID: row["repository_id"], number: row["number"],
            createdAt: Timestamp(microseconds: row["created_at"]))
    }
}

extension Package {
    init(row: Row) {
        self.init(
            id: row["id"], uuid: row["uuid"], filename: row["filename"], sha256: row["sha256"], size: row["size"],
            md5: row["md5"], blake2b256: row["blake2b_256"], name: row["name"], nameNormalized: row["name_normalized"],
            version: row["version"], packageType: row["packagetype"], pythonVersion: row["python_version"],
            requiresPython: row["requires_python"], metadataJSON: row["metadata"], metadataSHA256: row["metadata_sha256"],
            uploadTime: Timestamp(microseconds: row["upload_time"]), upstreamURL: row["upstream_url"], keepFetched: row["keep_fetched"])
    }
}

extension Publication {
    init(row: Row) {
        self.init(
            id: row["id"], uuid: row["uuid"], repositoryVersionID: row["repository_version_id"],
            createdAt: Timestamp(microseconds: row["created_at"]))
    }
}

extension Distribution {
    init(row: Row) {
        let target: DistributionTarget
        if let id: Int64 = row["repository_id"] {
            target = .repository(id)
        } else if let id: Int64 = row["repository_version_id"] {
            target = .repositoryVersion(id)
        } else if let id: Int64 = row["publication_id"] {
            target = .publication(id)
        } else {
            target = .none
        }
        self.init(
            id: row["id"], uuid: row["uuid"], name: row["name"], basePath: row["base_path"], target: target,
            labels: Labels.decode(row["labels"]), createdAt: Timestamp(microseconds: row["created_at"]),
            updatedAt: (row["updated_at"] as Int64?).map(Timestamp.init(microseconds:)))
    }
}

/// Distribution labels, stored as a flat JSON object of strings.
enum Labels {
    static func encode(_ labels: [String: String]) -> String {
        JSONValue.object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).rendered
    }

    static func decode(_ text: String) -> [String: String] {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return [:] }
        return object
    }
}

extension ContentStore {
    /// The one row `sql` selects with `argument`, or `notFound` with `missing` as the message.
    static func row(_ db: Database, _ sql: String, _ argument: some DatabaseValueConvertible & Sendable, missing: String) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [argument]) else { throw StoreError(.notFound, missing) }
        return row
    }
}
