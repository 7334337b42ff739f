import Crypto
import Foundation
import GRDB
import NIOPosix
public import PythonPackaging
import _NIOFileSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stored file as the database records it: what `verify` checks it against.
public struct RecordedFile: Sendable, Hashable {
    public let sha256: PythonPackaging.SHA256Digest
    /// nil for PEP 658 metadata files, whose size is not recorded.
    public let size: Int64?
    /// The filenames it is stored under (a file may serve several, and `.metadata` files).
    public let names: [String]
    /// Where an upstream serves it, when it was synced from one.
    public let upstreamURL: String?
}

/// What is wrong with a stored file.
public enum IntegrityFault: Sendable, Hashable, CustomStringConvertible {
    case missing
    case altered(sha256: PythonPackaging.SHA256Digest, size: Int64)

    public var description: String {
        switch self {
        case .missing: "missing"
        case .altered(let sha256, let size): "altered: its bytes now have sha256 \(sha256) (\(size) bytes)"
        }
    }
}

extension ContentStore {
    /// Every distribution file the store keeps (and the PEP 658 metadata file beside each),
    /// or only those the distributions at `basePaths` serve.
    public func recordedFiles(basePaths: [String]? = nil) async throws -> [RecordedFile] {
        var served: Set<Int64>?
        if let basePaths {
            var ids = Set<Int64>()
            for basePath in basePaths {
                guard let content = try await servedContent(basePath: basePath) else {
                    throw StoreError(.notFound, "No distribution has the base path '\(basePath)'.")
                }
                guard let repositoryID = content.repositoryID, let version = content.version else { continue }
                ids.formUnion(try await packages(repositoryID: repositoryID, version: version).map(\.package.id))
            }
            served = ids
        }
        let chosen = served.map { JSONValue.array($0.sorted().map { .integer($0) }).rendered }
        return try await read { db in
            let files = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.sha256, a.size, json_group_array(p.filename) AS names, max(p.upstream_url) AS url
                    FROM artifact a JOIN package p ON p.sha256 = a.sha256
                    WHERE ?1 IS NULL OR p.id IN (SELECT value FROM json_each(?1))
                    GROUP BY a.sha256 ORDER BY a.sha256
                    """,
                arguments: [chosen]
            ).map { row in
                RecordedFile(sha256: row["sha256"], size: row["size"], names: Self.strings(row["names"]), upstreamURL: row["url"])
            }
            let metadata = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.metadata_sha256 AS sha256, json_group_array(p.filename || '.metadata') AS names,
                        max(p.upstream_url || '.metadata') AS url
                    FROM package p JOIN artifact a ON a.sha256 = p.sha256
                    WHERE p.metadata_sha256 IS NOT NULL AND (?1 IS NULL OR p.id IN (SELECT value FROM json_each(?1)))
                    GROUP BY p.metadata_sha256 ORDER BY p.metadata_sha256
                    """,
                arguments: [chosen]
            ).map { row in RecordedFile(sha256: row["sha256"], size: nil, names: Self.strings(row["names"]), upstreamURL: row["url"]) }
            return files + metadata
        }
    }

    private static func strings(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    /// Re-reads a stored file and compares it with its record: nil when it is intact. Reads in
    /// chunks off the cooperative pool, so memory does not grow with the file.
    public func check(_ file: RecordedFile) async throws -> IntegrityFault? {
        let path = blobs.path(for: file.sha256).string
        let found = try await NIOThreadPool.singleton.runIfActive { try StoredFileReader.digest(path) }
        guard let (sha256, size) = found else { return .missing }
        if sha256 != file.sha256 || (file.size.map { $0 != size } ?? false) { return .altered(sha256: sha256, size: size) }
        return nil
    }

    /// Whether the stored file named by this sha256 still has it; nil when there is none.
    public func storedFileIsIntact(_ sha256: PythonPackaging.SHA256Digest) async throws -> Bool? {
        let path = blobs.path(for: sha256).string
        guard let (actual, _) = try await NIOThreadPool.singleton.runIfActive({ try StoredFileReader.digest(path) }) else { return nil }
        return actual == sha256
    }

    /// Makes a PEP 658 metadata file again from a stored distribution file that holds it (an
    /// intact one), and restores it; whether one did.
    public func regenerateMetadata(_ file: RecordedFile) async throws -> Bool {
        let holders = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT p.* FROM package p JOIN artifact a ON a.sha256 = p.sha256 WHERE p.metadata_sha256 = ?",
                arguments: [file.sha256]
            ).map(Package.init(row:))
        }
        for package in holders where try await storedFileIsIntact(package.sha256) == true {
            guard let inspected = try? await Self.inspect(blobs.path(for: package.sha256), filename: package.filename, strict: false, limits: .default)
            else { continue }
            let blob = try await write(inspected.archive.metadataBytes)
            guard blob.digests.sha256 == file.sha256 else {
                await blobs.discard(blob)
                continue
            }
            try await restore(blob, as: file)
            return true
        }
        return false
    }

    /// Puts verified bytes in place of a missing or altered stored file, atomically: a reader
    /// sees the old file or the new one, never a part.
    public func restore(_ blob: WrittenBlob, as file: RecordedFile) async throws {
        guard blob.digests.sha256 == file.sha256, file.size.map({ $0 == blob.digests.size }) ?? true else {
            await blobs.discard(blob)
            throw StoreError(.digestMismatch, "the bytes fetched have sha256 \(blob.digests.sha256), not the \(file.sha256) recorded; nothing was replaced")
        }
        let destination = blobs.path(for: file.sha256)
        try await FileSystem.shared.createDirectory(at: destination.removingLastComponent(), withIntermediateDirectories: true)
        guard rename(blob.path.string, destination.string) == 0 else {
            let code = errno
            await blobs.discard(blob)
            throw StoreError(.io, "cannot move the restored file into place at \(destination): \(String(cString: strerror(code)))")
        }
        try BlobStore.synchronizeDirectory(destination.removingLastComponent())
    }
}

/// Reads a file in 1 MiB chunks for its sha256 and size; nil when it does not exist.
private enum StoredFileReader {
    static func digest(_ path: String) throws -> (PythonPackaging.SHA256Digest, Int64)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw StoreError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw StoreError(.io, "cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            size += Int64(count)
        }
        return (PythonPackaging.SHA256Digest(bytes: Array(hasher.finalize())), size)
    }
}
