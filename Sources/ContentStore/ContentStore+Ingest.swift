public import Digests
import Foundation
import NIOCore
import NIOPosix
public import PackageArchives
public import PythonPackaging
import _NIOFileSystem

extension ContentStore {
    /// Reads a distribution file written to the blob store's `tmp/`, checks it (strictly for
    /// uploads, then with `check`), stores it and its METADATA by content, and records the
    /// package, with where an upstream serves it when it was synced (to fetch it again should
    /// the stored copy go missing or be damaged). The temporary file is consumed: kept under its
    /// digest, or removed if anything fails, so nothing half-checked is ever visible.
    public func ingest(
        _ blob: WrittenBlob, filename: String, uploadTime: Timestamp, strict: Bool, upstreamURL: String? = nil,
        limits: ArchiveLimits = .default, check: @Sendable (InspectedDistribution) throws -> Void = { _ in }
    ) async throws -> Package {
        do {
            let inspected = try await Self.inspect(blob.path, filename: filename, strict: strict, limits: limits)
            try check(inspected)
            let metadataSHA256 = try await storeServedMetadata(of: inspected)
            let metadata = inspected.metadata
            let new = NewPackage(
                filename: filename, sha256: blob.digests.sha256, size: blob.digests.size, md5: blob.digests.md5,
                blake2b256: blob.digests.blake2b256, name: metadata.name ?? inspected.filename.name.original,
                version: metadata.version ?? inspected.filename.versionText, packageType: inspected.filename.packageType,
                pythonVersion: inspected.filename.pythonVersion, requiresPython: metadata.requiresPython,
                metadataJSON: JSONValue.object(metadata.warehouseInfoMembers).rendered, metadataSHA256: metadataSHA256,
                uploadTime: uploadTime, upstreamURL: upstreamURL)
            try await blobs.commit(blob)
            return try await record(new, artifact: blob.digests)
        } catch {
            await blobs.discard(blob)
            throw error
        }
    }

    /// The first half of an upload: refused at once, with nothing stored, when the repository
    /// would refuse it (PEP 792 status, a filename used with other bytes); otherwise checked
    /// strictly and stored as `ingest` does. `addUploads` adds it, checking both again.
    public func ingestUpload(
        _ blob: WrittenBlob, filename: String, repositoryID: Int64, check: @Sendable (InspectedDistribution) throws -> Void = { _ in }
    ) async throws -> Package {
        do {
            let project = try? DistributionFilename(parsing: filename).name.normalized
            try await checkAcceptsUpload(filename: filename, sha256: blob.digests.sha256, project: project, repositoryID: repositoryID)
        } catch {
            await blobs.discard(blob)
            throw error
        }
        return try await ingest(blob, filename: filename, uploadTime: .now(), strict: true, check: check)
    }

    /// Reads the archive off the cooperative thread pool (it is CPU work on a mapped file).
    static func inspect(_ path: FilePath, filename: String, strict: Bool, limits: ArchiveLimits) async throws -> InspectedDistribution {
        try await NIOThreadPool.singleton.runIfActive {
            let data = try Data(contentsOf: URL(fileURLWithPath: path.string), options: .alwaysMapped)
            return try data.withUnsafeBytes { bytes in
                try DistributionArchive.inspect(filename: filename, bytes: bytes, strict: strict, limits: limits)
            }
        }
    }

    /// Stores the METADATA that PEP 658 serves beside the file: always for wheels, for sdists
    /// only when PKG-INFO is Metadata-Version 2.2 or later (earlier sdist metadata may be
    /// incomplete, so clients must not trust it) and does not mark a field installers resolve
    /// with as `Dynamic` (PEP 643: its value is known only once built, and pip would resolve
    /// with the sdist's). Returns its sha256, or nil when not served.
    func storeServedMetadata(of inspected: InspectedDistribution) async throws -> SHA256Digest? {
        switch inspected.filename {
        case .wheel: break
        case .sdist:
            guard let version = inspected.metadata.metadataVersion.flatMap(Version.init), version >= Version(release: [2, 2]) else {
                return nil
            }
            let dynamic = Set(inspected.metadata.list(.dynamic).map { $0.lowercased() })
            guard dynamic.isDisjoint(with: ["requires-dist", "requires-python", "provides-extra"]) else { return nil }
        case .egg: return nil
        }
        return try await storeBytes(inspected.archive.metadataBytes).sha256
    }

    /// Stores small bytes by content.
    public func storeBytes(_ bytes: [UInt8]) async throws -> FileDigests {
        let written = try await write(bytes)
        try await blobs.commit(written)
        return written.digests
    }

    /// Small bytes written to `tmp/` and hashed, not yet stored.
    func write(_ bytes: [UInt8]) async throws -> WrittenBlob {
        let writer = try await blobs.makeWriter()
        do {
            try await writer.write(ByteBuffer(bytes: bytes))
            return try await writer.finish()
        } catch {
            await writer.abandon()
            throw error
        }
    }
}
