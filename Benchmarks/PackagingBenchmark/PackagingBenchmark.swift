import Foundation
import PythonPackaging

/// Throughput of version parsing, version sorting and metadata reading, on inputs prepared by
/// `Integration/bench/packaging` (which runs Python's `packaging` on the same inputs).
///
/// Usage: PackagingBenchmark VERSIONS_FILE METADATA_DIR ROUNDS
/// Prints one JSON object: operations per second for each figure.
@main
enum PackagingBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, let rounds = Int(arguments[3]) else {
            FileHandle.standardError.write(Data("usage: PackagingBenchmark VERSIONS_FILE METADATA_DIR ROUNDS\n".utf8))
            exit(2)
        }
        let versionTexts = try String(contentsOfFile: arguments[1], encoding: .utf8).split(separator: "\n").map(String.init)
        let directory = URL(fileURLWithPath: arguments[2])
        let metadataFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            Array(try Data(contentsOf: directory.appendingPathComponent($0)))
        }

        var parsed: [Version] = []
        let parseSeconds = best(of: rounds) { parsed = versionTexts.compactMap(Version.init) }
        var sorted: [Version] = []
        let sortSeconds = best(of: rounds) { sorted = parsed.sortedByPrecedence() }
        // Each round reads every file `metadataRepetitions` times, long enough to time reliably.
        var fields = 0
        let metadataSeconds = best(of: rounds) {
            fields = 0
            for _ in 0..<metadataRepetitions {
                for file in metadataFiles { fields += CoreMetadata(parsing: file).values.count }
            }
        }
        precondition(sorted.count == parsed.count && fields > 0)
        let result: JSONValue = .object([
            ("versions", .integer(Int64(versionTexts.count))),
            ("versions_parsed_per_second", .integer(Int64(Double(versionTexts.count) / parseSeconds))),
            ("versions_sorted_per_second", .integer(Int64(Double(parsed.count) / sortSeconds))),
            ("versions_parsed_and_sorted_per_second", .integer(Int64(Double(parsed.count) / (parseSeconds + sortSeconds)))),
            ("metadata_files", .integer(Int64(metadataFiles.count))),
            ("metadata_files_per_second", .integer(Int64(Double(metadataFiles.count * metadataRepetitions) / metadataSeconds))),
        ])
        print(result.rendered)
    }

    /// How many times a round reads the metadata files (the peer script uses the same).
    static let metadataRepetitions = 30

    /// The fastest of `rounds` runs, in seconds.
    static func best(of rounds: Int, _ body: () -> Void) -> Double {
        var fastest = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            body()
            let elapsed = ContinuousClock.now - start
            fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return fastest
    }
}
