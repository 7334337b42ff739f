import Digests
import Foundation
import GRDB
public import PythonPackaging

/// A package's PEP 740 provenance as stored.
public struct StoredProvenance: Sendable, Hashable {
    public let uuid: String
    public let packageID: Int64
    public let packageUUID: String
    /// The document, as received.
    public let document: [UInt8]
    /// The sha256 of `document`.
    public let sha256: SHA256Digest
    public let createdAt: Timestamp
}

extension ContentStore {
    /// Records the provenance of packages, checked against each one's file. A package that has
    /// one keeps it: content does not change once recorded.
    public func recordProvenance(_ provenances: [(packageID: Int64, provenance: Provenance)]) async throws {
        guard !provenances.isEmpty else { return }
        try await write { db in try Self.recordProvenance(db, provenances) }
    }

    static func recordProvenance(_ db: Database, _ provenances: [(packageID: Int64, provenance: Provenance)]) throws {
        let now = Timestamp.now().microseconds
        for (packageID, provenance) in provenances {
            let package = Package(row: try Self.row(db, "SELECT * FROM package WHERE id = ?", packageID, missing: "No package \(packageID)."))
            do {
                try provenance.check(filename: package.filename, sha256: package.sha256)
            } catch {
                throw StoreError(.invalid, error.message)
            }
            try db.execute(
                sql: """
                    INSERT INTO provenance (uuid, package_id, document, sha256, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (package_id) DO NOTHING
                    """,
                arguments: [makeUUID(), packageID, Data(provenance.document), FileDigests.of(provenance.document).sha256.hex, now])
        }
    }

    /// The UUID of the provenance of each of `packageIDs` that has one, by package ID.
    public func provenanceUUIDs(packageIDs: some Collection<Int64> & Sendable) async throws -> [Int64: String] {
        guard !packageIDs.isEmpty else { return [:] }
        let ids = JSONValue.array(packageIDs.map { .integer($0) }).rendered
        return try await read { db in
            var found: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT package_id, uuid FROM provenance WHERE package_id IN (SELECT value FROM json_each(?))", arguments: [ids]) {
                found[row["package_id"]] = row["uuid"]
            }
            return found
        }
    }

    /// The provenance of a package, if it has one.
    public func provenance(packageID: Int64) async throws -> StoredProvenance? {
        try await read { db in
            try Row.fetchOne(db, sql: "\(Self.provenanceSelect) WHERE v.package_id = ?", arguments: [packageID]).map(StoredProvenance.init(row:))
        }
    }

    /// The provenance with the UUID given.
    public func provenance(uuid: String) async throws -> StoredProvenance {
        try await read { db in
            StoredProvenance(row: try Self.row(db, "\(Self.provenanceSelect) WHERE v.uuid = ?", uuid, missing: "No provenance \(uuid)."))
        }
    }

    /// Provenances, oldest first, optionally only of the packages given (UUIDs).
    public func provenances(packageUUIDs: [String]?, offset: Int, limit: Int) async throws -> (count: Int, provenances: [StoredProvenance]) {
        let filter = packageUUIDs.map { JSONValue.array($0.map(JSONValue.string)).rendered }
        return try await read { db in
            let condition = "WHERE ?1 IS NULL OR p.uuid IN (SELECT value FROM json_each(?1))"
            let count = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM provenance v JOIN package p ON p.id = v.package_id \(condition)", arguments: [filter]) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "\(Self.provenanceSelect) \(condition) ORDER BY v.id LIMIT ?2 OFFSET ?3", arguments: [filter, limit, offset])
            return (count, rows.map(StoredProvenance.init(row:)))
        }
    }

    private static let provenanceSelect = """
        SELECT v.uuid, v.package_id, v.document, v.sha256, v.created_at, p.uuid AS package_uuid
        FROM provenance v JOIN package p ON p.id = v.package_id
        """
}

extension StoredProvenance {
    init(row: Row) {
        self.init(
            uuid: row["uuid"], packageID: row["package_id"], packageUUID: row["package_uuid"], document: [UInt8](row["document"] as Data),
            sha256: row["sha256"], createdAt: Timestamp(microseconds: row["created_at"]))
    }
}
