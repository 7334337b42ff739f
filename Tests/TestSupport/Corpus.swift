public import Foundation

/// The 70 real distributions in the shared corpus (`../shared/corpus`, with SHA256SUMS).
public enum Corpus {
    /// `WHEELHOUSE_CORPUS`, else `shared/corpus` beside the repository, else `/work/shared/corpus`.
    public static func directory() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["WHEELHOUSE_CORPUS"] {
            return URL(fileURLWithPath: path)
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            repository.deletingLastPathComponent().appendingPathComponent("shared/corpus"),
            URL(fileURLWithPath: "/work/shared/corpus"),
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("SHA256SUMS").path) })
        else { throw CorpusNotFound() }
        return found
    }

    /// Filename and sha256 of every corpus file, from SHA256SUMS.
    public static func checksums() throws -> [(filename: String, sha256: String)] {
        let text = try String(contentsOf: directory().appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            return (String(parts[1]), String(parts[0]))
        }
    }

    public static func data(_ filename: String) throws -> Data {
        try Data(contentsOf: directory().appendingPathComponent(filename))
    }

    public struct CorpusNotFound: Error, CustomStringConvertible {
        public var description: String { "the corpus was not found: set WHEELHOUSE_CORPUS to the directory holding SHA256SUMS" }
    }
}
