/// The pages of the simple repository API (PEP 503 HTML and PEP 691 JSON), as values that
/// render themselves. API version 1.4: PEP 658/714 core metadata, PEP 592 yanks, PEP 700
/// `versions`, `size` and `upload-time`, PEP 740 `provenance` (given for files that have one),
/// and PEP 792 project status. PEP 708's `tracks` and `alternate-locations` (1.2) are
/// optional and not given.
public enum SimpleIndex {
    /// The API version these pages implement.
    public static let apiVersion = "1.4"
}

/// A project's status (PEP 792). An index accepts uploads only for `active` and `deprecated`
/// projects, and offers no files of a `quarantined` one.
public enum ProjectStatus: String, Sendable, Hashable, CaseIterable {
    case active, archived, quarantined, deprecated

    /// Whether new files may be uploaded to the project.
    public var acceptsUploads: Bool { self == .active || self == .deprecated }
    /// Whether the project's files are offered for download.
    public var offersFiles: Bool { self != .quarantined }
}

/// A project on the index root.
public struct SimpleProjectLink: Sendable, Hashable {
    /// The name as the project writes it (shown), and normalized (in the URL).
    public var name: String
    public var normalized: String
    public var lastSerial: Int64

    public init(name: String, normalized: String, lastSerial: Int64) {
        self.name = name
        self.normalized = normalized
        self.lastSerial = lastSerial
    }
}

/// The index root: every project.
public struct SimpleRootPage: Sendable, Hashable {
    public var projects: [SimpleProjectLink]
    public var lastSerial: Int64

    public init(projects: [SimpleProjectLink], lastSerial: Int64) {
        self.projects = projects
        self.lastSerial = lastSerial
    }
}

/// Whether a file is yanked (PEP 592), and why.
public enum YankState: Sendable, Hashable {
    case notYanked
    case yanked(reason: String?)
}

/// One file on a project page.
public struct SimpleFile: Sendable, Hashable {
    public var filename: String
    /// Where to download it (absolute, without a fragment).
    public var url: String
    public var sha256: SHA256Digest
    public var requiresPython: String?
    /// The sha256 of the METADATA file served at `url + ".metadata"` (PEP 658), if any.
    public var coreMetadataSHA256: SHA256Digest?
    public var yanked: YankState
    public var size: Int64
    /// ISO 8601 with microseconds and `Z`.
    public var uploadTime: String?
    /// Where the file's PEP 740 provenance is served (the Integrity API), if it has one.
    public var provenanceURL: String?

    public init(
        filename: String, url: String, sha256: SHA256Digest, requiresPython: String?, coreMetadataSHA256: SHA256Digest?, yanked: YankState,
        size: Int64, uploadTime: String?, provenanceURL: String? = nil
    ) {
        self.provenanceURL = provenanceURL
        self.filename = filename
        self.url = url
        self.sha256 = sha256
        self.requiresPython = requiresPython
        self.coreMetadataSHA256 = coreMetadataSHA256
        self.yanked = yanked
        self.size = size
        self.uploadTime = uploadTime
    }
}

/// A project page: its files, versions and status.
public struct SimpleProjectPage: Sendable, Hashable {
    public var name: String
    public var files: [SimpleFile]
    /// Every version of the project (PEP 700), ascending.
    public var versions: [String]
    public var lastSerial: Int64
    public var status: ProjectStatus
    public var statusReason: String?

    public init(
        name: String, files: [SimpleFile], versions: [String], lastSerial: Int64, status: ProjectStatus = .active, statusReason: String? = nil
    ) {
        self.name = name
        self.files = files
        self.versions = versions
        self.lastSerial = lastSerial
        self.status = status
        self.statusReason = statusReason
    }
}
