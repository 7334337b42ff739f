public import ArgumentParser
import Digests
import Foundation
import PackageArchives
import PythonPackaging

/// `wheelhouse inspect FILE...`: what an index would record about each distribution file.
public struct InspectCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the filename, digests and core metadata of distribution files, one JSON object per line.",
        discussion: """
            Metadata fields use the Warehouse JSON API's `info` key names. A file that cannot be read \
            gets a line with `filename` and `error`, and the command exits non-zero at the end.
            """
    )

    @Argument(help: "Wheels, sdists or eggs to read.")
    var files: [String]

    @Flag(help: "Apply the checks an upload must pass (valid metadata, WHEEL and RECORD in wheels).")
    var strict = false

    public init() {}

    public func run() throws {
        var failures = 0
        for path in files {
            let line: JSONValue
            do {
                line = try Self.describe(path: path, strict: strict)
            } catch {
                failures += 1
                line = .object([("filename", .string(URL(fileURLWithPath: path).lastPathComponent)), ("error", .string("\(error)"))])
            }
            print(line.rendered)
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The JSON object for one file.
    static func describe(path: String, strict: Bool) throws -> JSONValue {
        let url = URL(fileURLWithPath: path)
        let data = try Data(contentsOf: url, options: .mappedIfSafe)
        let filename = url.lastPathComponent
        return try data.withUnsafeBytes { (bytes) throws -> JSONValue in
            let inspected = try DistributionArchive.inspect(filename: filename, bytes: bytes, strict: strict)
            let digests = FileDigests.of(bytes)
            let metadataDigest = FileDigests.of(inspected.archive.metadataBytes)
            var members: [(String, JSONValue)] = [
                ("filename", .string(filename)),
                ("name", .optional(inspected.metadata.name)),
                ("version", .optional(inspected.metadata.version)),
                ("packagetype", .string(inspected.filename.packageType)),
                ("python_version", .string(inspected.filename.pythonVersion)),
                ("size", .integer(digests.size)),
                ("sha256", .string(digests.sha256.hex)),
                ("md5", .string(digests.md5)),
                ("blake2b_256", .string(digests.blake2b256)),
                ("metadata_sha256", .string(metadataDigest.sha256.hex)),
                ("metadata_path", .string(inspected.archive.metadataPath)),
            ]
            members += inspected.metadata.warehouseInfoMembers.filter { $0.0 != "name" && $0.0 != "version" }
            members.append(("problems", .array(inspected.metadata.problems.map { .string($0.description) })))
            return .object(members)
        }
    }
}
