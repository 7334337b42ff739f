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

extension Distribution {
    var targetDescription: String {
        switch target {
        case .repository(let id): "repository \(id) (latest)"
        case .repositoryVersion(let id): "repository version \(id)"
        case .publication(let id): "publication \(id)"
        case .none: "nothing"
        }
    }

    var json: JSONValue {
        var target: JSONValue = .null
        switch self.target {
        case .repository(let id): target = .object([("repository", .integer(id))])
        case .repositoryVersion(let id): target = .object([("repository_version", .integer(id))])
        case .publication(let id): target = .object([("publication", .integer(id))])
        case .none: break
        }
        return .object([
            ("name", .string(name)), ("base_path", .string(basePath)), ("uuid", .string(uuid)), ("serves", target),
            ("labels", .object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ])
    }
}

extension PackageInVersion {
    var json: JSONValue {
        .object([
            ("filename", .string(package.filename)), ("name", .string(package.name)), ("version", .string(package.version)),
            ("packagetype", .string(package.packageType)), ("sha256", .string(package.sha256)), ("size", .integer(package.size)),
            ("upload_time", .string(package.uploadTime.iso8601)), ("yanked", .bool(yanked)), ("yanked_reason", .optional(yankedReason)),
        ])
    }
}
