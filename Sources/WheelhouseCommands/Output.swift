import Foundation
import ContentStore
import PythonPackaging

/// Printing results as text for people or as JSON for tools.
enum Output {
    static func print(_ value: JSONValue, json: Bool, text: @autoclosure () -> String) {
        Swift.print(json ? value.rendered : text())
    }

    /// One line on standard output, written at once (not buffered), for tools that read it.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Aligned columns.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension Repository {
    var json: JSONValue {
        .object([
            ("name", .string(name)), ("uuid", .string(uuid)), ("description", .optional(description)),
            ("retain_repo_versions", retainRepoVersions.map { .integer(Int64($0)) } ?? .null),
            ("latest_version", .integer(Int64(latestVersion))), ("created", .string(createdAt.iso8601)),
        ])
    }
}

/// A distribution with what it serves described by repository name and version number.
struct DistributionView {
    let distribution: Distribution
    let served: ServedTarget?

    init(_ distribution: Distribution, store: ContentStore) async throws {
        self.distribution = distribution
        self.served = try await store.describe(distribution.target)
    }

    var targetDescription: String {
        guard let served else { return "nothing" }
        let version = served.version.map { "version \($0)" } ?? "latest version"
        let publication = served.publication.map { "publication \($0): " } ?? ""
        return "\(publication)repository '\(served.repository)', \(version)"
    }

    var json: JSONValue {
        let serves: JSONValue = served.map { served in
            .object([
                ("repository", .string(served.repository)), ("version", served.version.map { .integer(Int64($0)) } ?? .null),
                ("publication", served.publication.map { .integer($0) } ?? .null),
            ])
        } ?? .null
        return .object([
            ("name", .string(distribution.name)), ("base_path", .string(distribution.basePath)), ("uuid", .string(distribution.uuid)),
            ("serves", serves),
            ("labels", .object(distribution.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ])
    }
}

extension PackageInVersion {
    var json: JSONValue {
        .object([
            ("filename", .string(package.filename)), ("name", .string(package.name)), ("version", .string(package.version)),
            ("packagetype", .string(package.packageType)), ("sha256", .string(package.sha256.hex)), ("size", .integer(package.size)),
            ("upload_time", .string(package.uploadTime.iso8601)), ("yanked", .bool(yanked)), ("yanked_reason", .optional(yankedReason)),
            ("requires_python", .optional(package.requiresPython)), ("metadata_sha256", .optional(package.metadataSHA256?.hex)),
        ])
    }
}
