import ContentStore
import PythonPackaging

/// A project as the Warehouse JSON API describes it (`/pypi/<project>/json` and
/// `/pypi/<project>/<version>/json`): `info` from the release's core metadata, `releases`,
/// `urls`, `last_serial` and `vulnerabilities`, built from what the distribution serves.
struct WarehouseDocument {
    let project: ServedProject
    let fileURL: (Package) -> String
    /// The project's simple page and JSON URLs, for Warehouse's `*_url` fields.
    let projectURL: String
    let jsonBaseURL: String

    /// The document for `version` (nil: the latest release), or nil if there is no such release.
    func render(version requested: String?) -> [UInt8]? {
        let byVersion = Dictionary(grouping: project.files, by: \.package.version)
        guard let version = requested.flatMap({ resolve($0, in: byVersion) }) ?? (requested == nil ? latest(byVersion) : nil),
            let files = byVersion[version]
        else { return nil }
        var members: [(String, JSONValue)] = [("info", info(version: version, files: files))]
        members.append(("last_serial", .integer(project.lastSerial)))
        if requested == nil {
            let releases = VersionList.sorted(Array(byVersion.keys)).map { ($0, JSONValue.array(byVersion[$0]!.map(file))) }
            members.append(("releases", .object(releases)))
        }
        members.append(("urls", .array(files.map(file))))
        // Read by tools that check for known vulnerabilities; Wheelhouse has no advisory data.
        members.append(("vulnerabilities", .array([])))
        return JSONValue.object(members).renderedBytes
    }

    /// A requested version as written, or any spelling of it (`1.0` finds `1.0.0`).
    private func resolve(_ requested: String, in byVersion: [String: [PackageInVersion]]) -> String? {
        if byVersion[requested] != nil { return requested }
        guard let wanted = Version(requested) else { return nil }
        return byVersion.keys.first { Version($0) == wanted }
    }

    /// Warehouse's choice for `info` and `urls`: releases not yanked (some file not yanked)
    /// before yanked ones, final releases before pre-releases, then the highest version.
    private func latest(_ byVersion: [String: [PackageInVersion]]) -> String? {
        func rank(_ text: String) -> Int {
            (byVersion[text]!.allSatisfy(\.yanked) ? 2 : 0) + (Version(text)?.isPrerelease ?? true ? 1 : 0)
        }
        // Highest first; `min` keeps the first of equal ranks.
        return VersionList.sorted(Array(byVersion.keys)).reversed().min { rank($0) < rank($1) }
    }

    /// A yank's reason as Warehouse gives it: null when there is none or it is empty.
    private static func yankReason(_ entry: PackageInVersion?) -> JSONValue {
        guard let entry, entry.yanked, let reason = entry.yankedReason, !reason.isEmpty else { return .null }
        return .string(reason)
    }

    private func info(version: String, files: [PackageInVersion]) -> JSONValue {
        let newest = files.max { $0.package.uploadTime < $1.package.uploadTime }!
        let yanked = files.allSatisfy(\.yanked)
        let extra: [(String, JSONValue)] = [
            ("bugtrack_url", .null),
            ("docs_url", .null),
            // Present because clients read them; download counts are not kept.
            ("downloads", .object([("last_day", -1), ("last_month", -1), ("last_week", -1)])),
            ("package_url", .string(projectURL)),
            ("project_url", .string(projectURL)),
            ("release_url", .string("\(jsonBaseURL)\(URLPath.escape(version))/json")),
            ("yanked", .bool(yanked)),
            ("yanked_reason", yanked ? Self.yankReason(files.first) : .null),
        ]
        return Self.merge(rendered: newest.package.metadataJSON, with: extra)
    }

    private func file(_ entry: PackageInVersion) -> JSONValue {
        let package = entry.package
        return .object([
            ("comment_text", ""),
            ("core-metadata", package.metadataSHA256.map { .object([("sha256", .string($0.hex))]) } ?? false),
            ("digests", .object([("blake2b_256", .optional(package.blake2b256)), ("md5", .optional(package.md5)), ("sha256", .string(package.sha256.hex))])),
            ("downloads", -1),
            ("filename", .string(package.filename)),
            ("has_sig", false),
            ("md5_digest", .optional(package.md5)),
            ("packagetype", .string(package.packageType)),
            ("python_version", .string(package.pythonVersion)),
            ("requires_python", .optional(package.requiresPython)),
            ("size", .integer(package.size)),
            ("upload_time", .string(String(package.uploadTime.iso8601.prefix(19)))),
            ("upload_time_iso_8601", .string(package.uploadTime.iso8601)),
            ("url", .string(fileURL(package))),
            ("yanked", .bool(entry.yanked)),
            ("yanked_reason", Self.yankReason(entry)),
        ])
    }

    /// A rendered JSON object with more members appended.
    static func merge(rendered object: String, with members: [(String, JSONValue)]) -> JSONValue {
        let rest = JSONValue.object(members).rendered.dropFirst()
        let body = object.dropLast()
        return .rendered(body == "{" ? "{" + rest : body + "," + rest)
    }
}
