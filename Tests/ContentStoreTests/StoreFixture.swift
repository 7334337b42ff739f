import ContentStore
import PythonPackaging
import Foundation
import Logging
import NIOCore
import TestSupport
import _NIOFileSystem

/// A store in a fresh temporary directory, removed afterwards.
struct StoreFixture {
    let store: ContentStore
    let directory: URL

    static func make() async throws -> StoreFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wheelhouse-store-\(UUID().uuidString)")
        let store = try await ContentStore.open(directory: FilePath(directory.path), logger: Logger(label: "test"))
        return StoreFixture(store: store, directory: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Writes bytes through the blob store, as an upload would.
    func write(_ bytes: [UInt8]) async throws -> WrittenBlob {
        let writer = try await store.blobs.makeWriter()
        try await writer.write(ByteBuffer(bytes: bytes))
        return try await writer.finish()
    }

    /// Ingests a corpus file.
    func ingestCorpus(_ filename: String, strict: Bool = false) async throws -> Package {
        let blob = try await write(Array(try Corpus.data(filename)))
        return try await store.ingest(blob, filename: filename, uploadTime: Timestamp(microseconds: 1_700_000_000_000_000), strict: strict)
    }

    /// Ingests a built wheel.
    func ingestWheel(name: String, version: String, extra: String = "") async throws -> Package {
        let bytes = ArchiveBuilder.wheel(name: name, version: version, metadata: ArchiveBuilder.metadata(name: name, version: version, extra: extra))
        return try await store.ingest(try await write(bytes), filename: "\(name)-\(version)-py3-none-any.whl", uploadTime: .now(), strict: true)
    }
}
