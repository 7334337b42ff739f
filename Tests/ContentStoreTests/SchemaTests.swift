@testable import ContentStore
import Foundation
import GRDB
import Logging
import PythonPackaging
import Testing
import _NIOFileSystem

@Suite("The schema's checks")
struct SchemaTests {
    @Test("an upgrade drops stored digests, times and URLs that were never checked, and the schema refuses them from then on")
    func checkedColumns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wheelhouse-schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A store as version 5 left it, holding what an upstream page once sent unchecked.
        do {
            let old = try DatabasePool(path: directory.appendingPathComponent(ContentStore.databaseFilename).path)
            try Schema.migrator.migrate(old, upTo: "5: on-demand content that is served but not kept (streamed)")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO package (uuid, filename, sha256, size, name, name_normalized, version, packagetype, python_version,
                            metadata, metadata_sha256, upload_time, upstream_url, created_at)
                        VALUES ('u', 'demo-1.0-py3-none-any.whl', ?, 10, 'demo', 'demo', '1.0', 'bdist_wheel', 'py3', '{}',
                            '../../../../wheelhouse.sqlite', 253402300800000000, 'http+unix://%2Frun%2Fx/demo-1.0-py3-none-any.whl', 0)
                        """, arguments: [String(repeating: "a", count: 64)])
            }
        }
        let store = try await ContentStore.open(directory: FilePath(directory.path), logger: Logger(label: "test"))
        let package = try #require(try await store.packages(filename: "demo-1.0-py3-none-any.whl").first)
        #expect(package.metadataSHA256 == nil && package.upstreamURL == nil)
        #expect(package.uploadTime == Timestamp.range.upperBound)
        for assignment in [
            "metadata_sha256 = '../x'", "metadata_sha256 = upper(sha256)", "sha256 = 'zz'", "upload_time = 253402300800000000",
            "upstream_url = 'file:///etc/passwd'", "size = -1",
        ] {
            await #expect(throws: DatabaseError.self, "\(assignment)") {
                try await store.database.write { db in try db.execute(sql: "UPDATE package SET \(assignment)") }
            }
        }
    }
}
