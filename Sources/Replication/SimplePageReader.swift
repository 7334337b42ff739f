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
        return UpstreamRoot(
            projects: HTMLAnchors.texts(body).compactMap { name in name.isEmpty ? nil : UpstreamProjectEntry(name: name, serial: nil) },
            serial: serialHeader)
    }

    /// A project page. Files that cannot be mirrored faithfully (no sha256 to verify them
    /// by, an impossible size, a link that is not http or https) are returned apart, with the
    /// reason, so that the sync reports them.
    static func project(
        _ body: [UInt8], contentType: String?, serialHeader: Int64?, page: String, fallbackName: String
    ) throws(ReplicationError) -> (project: UpstreamProject, refused: [RefusedFile]) {
        var files: [UpstreamFile] = []
        var refused: [RefusedFile] = []
        if isJSON(contentType) {
            let document: ProjectDocument = try decode(body, page: page)
            for file in document.files {
                let offered = offer(
                    filename: file.filename, href: file.url, page: page, sha256: file.hashes["sha256"], size: file.size,
                    uploadTime: file.uploadTime, requiresPython: file.requiresPython, yanked: file.yanked?.state ?? .notYanked,
                    metadata: (file.coreMetadata ?? file.distInfoMetadata)?.sha256, provenance: file.provenance?.text)
                switch offered {
                case .success(let file): files.append(file)
                case .failure(let refusal): refused.append(refusal)
                }
            }
            let status = document.projectStatus
            return (
                UpstreamProject(
                    name: document.name, files: files, serial: document.meta?.lastSerial ?? serialHeader, status: status?.known ?? .active,
                    statusReason: status?.reason),
                refused
            )
        }
        for anchor in HTMLAnchors.read(body) {
            guard let href = anchor.attributes["href"], let url = UpstreamIndex.resolve(href, against: page) else { continue }
            let path = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let filename = path.split(separator: "/").last.map { String($0).removingPercentEncoding ?? String($0) } ?? anchor.text
            let yanked: YankState = anchor.attributes["data-yanked"].map { .yanked(reason: $0.isEmpty ? nil : $0) } ?? .notYanked
            let metadata = anchor.attributes["data-core-metadata"] ?? anchor.attributes["data-dist-info-metadata"]
            let offered = offer(
                filename: filename, href: href, page: page, sha256: fragmentHash(href), size: nil, uploadTime: nil,
                requiresPython: anchor.attributes["data-requires-python"], yanked: yanked, metadata: metadata.flatMap(metadataHash),
                provenance: anchor.attributes["data-provenance"])
            switch offered {
            case .success(let file): files.append(file)
            case .failure(let refusal): refused.append(refusal)
            }
        }
        let meta = HTMLAnchors.meta(body)
        let status = meta["pypi:project-status"].flatMap { ProjectStatus(rawValue: $0.lowercased()) } ?? .active
        return (
            UpstreamProject(name: fallbackName, files: files, serial: serialHeader, status: status, statusReason: meta["pypi:project-status-reason"]),
            refused
        )
    }

    /// One file as a page declares it, checked: its link resolves to http or https, its sha256
    /// is 64 hex digits, its size is not negative. What is merely unusable is dropped rather
    /// than refused: a PEP 658 hash that is not hex (no metadata is offered then), an
    /// upload time that is not a time in years 1 to 9999, and a PEP 740 provenance link that is
    /// not http or https.
    private static func offer(
        filename: String, href: String, page: String, sha256: String?, size: Int64?, uploadTime: String?, requiresPython: String?,
        yanked: YankState, metadata: String?, provenance: String?
    ) -> Result<UpstreamFile, RefusedFile> {
        guard let url = UpstreamIndex.resolve(href, against: page), UpstreamIndex.isHTTP(url) else {
            return .failure(RefusedFile(filename: filename, reason: "its link is not an http or https URL"))
        }
        guard let text = sha256 else {
            return .failure(RefusedFile(filename: filename, reason: "upstream declares no sha256 for it, so it cannot be verified"))
        }
        guard let digest = SHA256Digest(hex: text) else {
            return .failure(RefusedFile(filename: filename, reason: "upstream declares a sha256 that is not 64 hexadecimal digits"))
        }
        if let size, size < 0 {
            return .failure(RefusedFile(filename: filename, reason: "upstream declares a negative size (\(size))"))
        }
        return .success(
            UpstreamFile(
                filename: filename, url: url, sha256: digest, size: size, uploadTime: uploadTime.flatMap(Timestamp.init(iso8601:)),
                requiresPython: requiresPython, yanked: yanked, coreMetadataSHA256: metadata.flatMap { SHA256Digest(hex: $0) },
                provenanceURL: provenance.flatMap { UpstreamIndex.resolve($0, against: page) }.flatMap { UpstreamIndex.isHTTP($0) ? $0 : nil }))
    }

    private static func decode<Document: Decodable>(_ body: [UInt8], page: String) throws(ReplicationError) -> Document {
        do {
            // Decoded in place: a listing is tens of megabytes, and a copy would double them.
            return try body.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return try JSONDecoder().decode(Document.self, from: Data()) }
                return try JSONDecoder().decode(
                    Document.self, from: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
            }
        } catch {
            throw ReplicationError.badResponse("\(page) is not a PEP 691 JSON page: \(error)")
        }
    }

    /// `sha256=HEX` in a link's fragment, as written.
    private static func fragmentHash(_ href: String) -> String? {
        guard let hash = href.firstIndex(of: "#") else { return nil }
        for part in href[href.index(after: hash)...].split(separator: "&") where part.hasPrefix("sha256=") {
            return String(part.dropFirst(7))
        }
        return nil
    }

    /// A `data-core-metadata` value: `sha256=HEX` names the hash; `true` offers the file unhashed.
    private static func metadataHash(_ value: String) -> String? {
        value.hasPrefix("sha256=") ? String(value.dropFirst(7)) : nil
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
        var provenance: LenientText?
        enum CodingKeys: String, CodingKey {
            case filename, url, hashes, yanked, size, provenance
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
            sha256 = hashes["sha256"]
        } else {
            sha256 = nil
        }
    }
}

/// A member that should be a string: anything else (`null` included) reads as none.
private struct LenientText: Decodable {
    var text: String?
    init(from decoder: any Decoder) throws {
        text = try? decoder.singleValueContainer().decode(String.self)
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
