import Foundation
import GRDB
import NIOCore
public import PythonPackaging
import _NIOFileSystem

/// A chunked upload in progress: its declared size and the chunks received.
public struct StoredUpload: Sendable, Hashable {
    public struct Chunk: Sendable, Hashable {
        public let offset: Int64
        public let size: Int64
    }

    public let id: Int64
    public let uuid: String
    public let size: Int64
    public let createdAt: Timestamp
    public let chunks: [Chunk]
}

extension ContentStore {
    /// Where a chunked upload's chunks are kept until it is used or deleted.
    func uploadDirectory(_ uuid: String) -> FilePath { blobs.root.appending("uploads").appending(uuid) }

    /// Starts a chunked upload of `size` bytes.
    public func createUpload(size: Int64) async throws -> StoredUpload {
        guard size > 0 else { throw StoreError(.invalid, "an upload must be at least one byte") }
        let uuid = makeUUID()
        try await FileSystem.shared.createDirectory(at: uploadDirectory(uuid), withIntermediateDirectories: true)
        return try await write { db in
            try db.execute(sql: "INSERT INTO upload (uuid, size, created_at) VALUES (?, ?, ?)", arguments: [uuid, size, Timestamp.now().microseconds])
            return try Self.upload(db, uuid: uuid)
        }
    }

    public func upload(uuid: String) async throws -> StoredUpload {
        try await read { db in try Self.upload(db, uuid: uuid) }
    }

    /// Keeps written bytes as the chunk at `offset` (replacing one sent before at the same
    /// offset). The chunk must lie within the upload's size.
    public func addChunk(to uuid: String, offset: Int64, _ blob: WrittenBlob) async throws -> StoredUpload {
        let upload = try await self.upload(uuid: uuid)
        let size = blob.digests.size
        guard offset >= 0, size > 0, offset <= upload.size - size else {
            await blobs.discard(blob)
            throw StoreError(.invalid, "a chunk of \(size) bytes at offset \(offset) does not fit an upload of \(upload.size) bytes")
        }
        let destination = uploadDirectory(uuid).appending(String(offset))
        guard rename(blob.path.string, destination.string) == 0 else {
            await blobs.discard(blob)
            throw StoreError(.io, "cannot keep the chunk at \(destination): \(String(cString: strerror(errno)))")
        }
        return try await write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO upload_chunk (upload_id, offset, size) VALUES (?, ?, ?)", arguments: [upload.id, offset, size])
            return try Self.upload(db, uuid: uuid)
        }
    }

    /// The upload's bytes, in order, as one written blob (its digests computed); refused when
    /// the chunks leave a gap or overlap.
    public func assemble(upload uuid: String) async throws -> WrittenBlob {
        let upload = try await self.upload(uuid: uuid)
        var expected: Int64 = 0
        for chunk in upload.chunks {
            guard chunk.offset == expected else {
                throw StoreError(
                    .invalid,
                    chunk.offset > expected
                        ? "the upload is missing bytes \(expected)–\(chunk.offset - 1); send them before creating content from it"
                        : "the upload's chunks overlap at byte \(chunk.offset); send it again")
            }
            expected = chunk.offset + chunk.size
        }
        guard expected == upload.size else {
            throw StoreError(.invalid, "the upload is missing bytes \(expected)–\(upload.size - 1); send them before creating content from it")
        }
        let writer = try await blobs.makeWriter()
        do {
            for chunk in upload.chunks {
                try await FileSystem.shared.withFileHandle(forReadingAt: uploadDirectory(uuid).appending(String(chunk.offset))) { handle in
                    for try await piece in handle.readChunks(chunkLength: .mebibytes(1)) { try await writer.write(piece) }
                }
            }
            return try await writer.finish()
        } catch {
            await writer.abandon()
            throw error
        }
    }

    /// A stored file's bytes written again as a new blob (to become content under a name).
    public func copyStoredFile(sha256: SHA256Digest) async throws -> WrittenBlob {
        let writer = try await blobs.makeWriter()
        do {
            try await FileSystem.shared.withFileHandle(forReadingAt: blobs.path(for: sha256)) { handle in
                for try await piece in handle.readChunks(chunkLength: .mebibytes(1)) { try await writer.write(piece) }
            }
            return try await writer.finish()
        } catch {
            await writer.abandon()
            throw StoreError(.notFound, "the file with sha256 \(sha256) is not stored here")
        }
    }

    /// Removes an upload and its chunks.
    public func deleteUpload(uuid: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM upload WHERE uuid = ?", arguments: [uuid])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "No Upload matches the given query.") }
        }
        _ = try? await FileSystem.shared.removeItem(at: uploadDirectory(uuid), recursively: true)
    }

    private static func upload(_ db: Database, uuid: String) throws -> StoredUpload {
        let row = try row(db, "SELECT * FROM upload WHERE uuid = ?", uuid, missing: "No Upload matches the given query.")
        let chunks = try Row.fetchAll(db, sql: "SELECT offset, size FROM upload_chunk WHERE upload_id = ? ORDER BY offset", arguments: [row["id"] as Int64])
            .map { StoredUpload.Chunk(offset: $0["offset"], size: $0["size"]) }
        return StoredUpload(id: row["id"], uuid: row["uuid"], size: row["size"], createdAt: Timestamp(microseconds: row["created_at"]), chunks: chunks)
    }
}
