import Foundation
import PythonPackaging
import Testing
import TestSupport

@testable import WheelhouseCommands

@Suite("wheelhouse inspect")
struct InspectCommandTests {
    @Test("every corpus file: its digest, name, version and metadata, even under the upload checks")
    func corpus() throws {
        let directory = try Corpus.directory()
        for (filename, sha256) in try Corpus.checksums() {
            let line = try InspectCommand.describe(path: directory.appendingPathComponent(filename).path, strict: true)
            #expect(line["sha256"] == .string(sha256), "\(filename)")
            #expect(line["filename"] == .string(filename))
            guard case .string(let name)? = line["name"], case .string(let version)? = line["version"] else {
                Issue.record("\(filename) has no name or version")
                continue
            }
            let parsed = try DistributionFilename(parsing: filename)
            #expect(ProjectName.normalize(name) == parsed.name.normalized)
            #expect(Version(version) == parsed.version)
            #expect(line["packagetype"] == .string(parsed.packageType))
            guard case .array? = line["classifiers"] else {
                Issue.record("\(filename): classifiers should be a list")
                continue
            }
            #expect(line["metadata_version"] != nil && line["metadata_version"] != .null)
        }
    }

    @Test("the executable prints one JSON line per file, an error line for a bad one, and exits 1")
    func executable() throws {
        let directory = try Corpus.directory()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let broken = scratch.appendingPathComponent("broken-1.0-py3-none-any.whl")
        try Data("not a zip".utf8).write(to: broken)
        let good = directory.appendingPathComponent("idna-3.10-py3-none-any.whl").path
        let (status, output) = try Self.run(["inspect", good, broken.path])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 1)
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["name"] as? String == "idna")
        #expect(first["requires_python"] as? String == ">=3.6")
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(second["filename"] as? String == "broken-1.0-py3-none-any.whl")
        #expect((second["error"] as? String)?.contains("zip file") == true)
        let (okStatus, _) = try Self.run(["inspect", good])
        #expect(okStatus == 0)
    }

    /// Runs the built `wheelhouse` executable.
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The `wheelhouse` binary next to the test bundle.
    static func executable() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("wheelhouse")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile)
    }
}
