import ContentStore
import Digests
import Foundation
import PythonPackaging

/// Reads an upstream's simple pages: PEP 691 JSON, or PEP 503 HTML for indexes that only
/// speak that. Lenient like pip: links it cannot use are skipped, not fatal.
enum SimplePageReader {
    /// Whether a `Content-Type` is the PEP 691 JSON form.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        return contentType.lowercased().hasPrefix("application/vnd.pypi.simple.v1+json")
    }

    static func root(_ body: [UInt8], contentType: String?, serialHeader: Int64?, page: String) throws(ReplicationError) -> UpstreamRoot {
        if isJSON(contentType) {
            let document: RootDocument = try decode(body, page: page)
            return UpstreamRoot(
                projects: document.projects.map { UpstreamProjectEntry(name: $0.name, serial: $0.lastSerial) },
                serial: document.meta?.lastSerial ?? serialHeader)
        }
        let anchors = HTMLAnchors.read(String(decoding: body, as: UTF8.self))
        return UpstreamRoot(
            projects: anchors.compactMap { anchor in
                let name = anchor.text.trimmingCharacters(in: .whitespacesAndNewlines)
                return name.isEmpty ? nil : UpstreamProjectEntry(name: name, serial: nil)
            },
            serial: serialHeader)
    }

    /// A project page. Files that declare no sha256 cannot be verified; their names are
    /// returned apart so that the sync reports them.
    static func project(
        _ body: [UInt8], contentType: String?, serialHeader: Int64?, page: String, fallbackName: String
    ) throws(ReplicationError) -> (project: UpstreamProject, unverifiable: [String]) {
        var files: [UpstreamFile] = []
        var unverifiable: [String] = []
        if isJSON(contentType) {
            let document: ProjectDocument = try decode(body, page: page)
            for file in document.files {
                guard let url = UpstreamIndex.resolve(file.url, against: page) else { continue }
                guard let sha256 = file.hashes["sha256"], Hex.isHex(sha256, length: 64) else {
                    unverifiable.append(file.filename)
                    continue
                }
                files.append(
                    UpstreamFile(
                        filename: file.filename, url: url, sha256: sha256, size: file.size,
                        uploadTime: file.uploadTime.flatMap(Timestamp.init(iso8601:)), requiresPython: file.requiresPython,
                        yanked: file.yanked?.state ?? .notYanked, coreMetadataSHA256: (file.coreMetadata ?? file.distInfoMetadata)?.sha256))
            }
            let status = document.projectStatus
            return (
                UpstreamProject(
                    name: document.name, files: files, serial: document.meta?.lastSerial ?? serialHeader, status: status?.known ?? .active,
                    statusReason: status?.reason),
                unverifiable
            )
        }
        let html = String(decoding: body, as: UTF8.self)
        for anchor in HTMLAnchors.read(html) {
            guard let href = anchor.attributes["href"], let url = UpstreamIndex.resolve(href, against: page) else { continue }
            let path = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let filename = path.split(separator: "/").last.map { String($0).removingPercentEncoding ?? String($0) } ?? anchor.text
            guard let sha256 = fragmentHash(href), Hex.isHex(sha256, length: 64) else {
                unverifiable.append(filename)
                continue
            }
            let yanked: YankState = anchor.attributes["data-yanked"].map { .yanked(reason: $0.isEmpty ? nil : $0) } ?? .notYanked
            let metadata = anchor.attributes["data-core-metadata"] ?? anchor.attributes["data-dist-info-metadata"]
            files.append(
                UpstreamFile(
                    filename: filename, url: url, sha256: sha256, requiresPython: anchor.attributes["data-requires-python"],
                    yanked: yanked, coreMetadataSHA256: metadata.flatMap(metadataHash)))
        }
        let meta = HTMLAnchors.meta(html)
        let status = meta["pypi:project-status"].flatMap { ProjectStatus(rawValue: $0.lowercased()) } ?? .active
        return (
            UpstreamProject(name: fallbackName, files: files, serial: serialHeader, status: status, statusReason: meta["pypi:project-status-reason"]),
            unverifiable
        )
    }

    private static func decode<Document: Decodable>(_ body: [UInt8], page: String) throws(ReplicationError) -> Document {
        do {
            return try JSONDecoder().decode(Document.self, from: Data(body))
        } catch {
            throw ReplicationError.badResponse("\(page) is not a PEP 691 JSON page: \(error)")
        }
    }

    /// `sha256=HEX` in a link's fragment.
    private static func fragmentHash(_ href: String) -> String? {
        guard let hash = href.firstIndex(of: "#") else { return nil }
        for part in href[href.index(after: hash)...].split(separator: "&") where part.hasPrefix("sha256=") {
            return String(part.dropFirst(7)).lowercased()
        }
        return nil
    }

    /// A `data-core-metadata` value: `sha256=HEX` names the hash; `true` offers the file unhashed.
    private static func metadataHash(_ value: String) -> String? {
        value.hasPrefix("sha256=") ? String(value.dropFirst(7)).lowercased() : nil
    }
}

// MARK: - PEP 691 documents

private struct Meta: Decodable {
    var lastSerial: Int64?
    enum CodingKeys: String, CodingKey { case lastSerial = "_last-serial" }
}

private struct RootDocument: Decodable {
    struct Project: Decodable {
        var name: String
        var lastSerial: Int64?
        enum CodingKeys: String, CodingKey {
            case name
            case lastSerial = "_last-serial"
        }
    }
    var meta: Meta?
    var projects: [Project]
}

private struct ProjectDocument: Decodable {
    struct File: Decodable {
        var filename: String
        var url: String
        var hashes: [String: String]
        var requiresPython: String?
        var coreMetadata: MetadataOffer?
        var distInfoMetadata: MetadataOffer?
        var yanked: Yank?
        var size: Int64?
        var uploadTime: String?
        enum CodingKeys: String, CodingKey {
            case filename, url, hashes, yanked, size
            case requiresPython = "requires-python"
            case coreMetadata = "core-metadata"
            case distInfoMetadata = "dist-info-metadata"
            case uploadTime = "upload-time"
        }
    }
    /// PEP 792: `{"status": …, "reason": …}`.
    struct Status: Decodable {
        var status: String?
        var reason: String?
        /// The status, when it is one this reader knows (others read as active).
        var known: ProjectStatus? { status.flatMap { ProjectStatus(rawValue: $0.lowercased()) } }
    }
    var meta: Meta?
    var name: String
    var files: [File]
    var projectStatus: Status?
    enum CodingKeys: String, CodingKey {
        case meta, name, files
        case projectStatus = "project-status"
    }
}

/// `core-metadata`: `true`/`false`, or a dictionary of hashes.
private struct MetadataOffer: Decodable {
    var sha256: String?
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let hashes = try? container.decode([String: String].self) {
            sha256 = hashes["sha256"]?.lowercased()
        } else {
            sha256 = nil
        }
    }
}

/// `yanked`: `false`, `true`, or the reason as a string.
private struct Yank: Decodable {
    var state: YankState
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            state = flag ? .yanked(reason: nil) : .notYanked
        } else {
            let reason = try container.decode(String.self)
            state = .yanked(reason: reason.isEmpty ? nil : reason)
        }
    }
}
