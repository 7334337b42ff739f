public import PythonPackaging

/// A project as the upstream's index root lists it.
public struct UpstreamProjectEntry: Sendable, Hashable {
    public var name: String
    public var normalized: String
    /// The project's last serial, when the upstream says (PEP 691 `_last-serial`).
    public var serial: Int64?

    public init(name: String, serial: Int64?) {
        self.name = name
        self.normalized = ProjectName.normalize(name)
        self.serial = serial
    }
}

/// The upstream's index root: every project, and the index's serial when it tells.
public struct UpstreamRoot: Sendable, Hashable {
    public var projects: [UpstreamProjectEntry]
    public var serial: Int64?

    public init(projects: [UpstreamProjectEntry], serial: Int64?) {
        self.projects = projects
        self.serial = serial
    }
}

/// One file an upstream project page offers, with what the upstream declares about it.
public struct UpstreamFile: Sendable, Hashable {
    public var filename: String
    /// Absolute download URL, without fragment.
    public var url: String
    public var sha256: SHA256Digest
    /// Declared size (PEP 700); nil on pages that do not say.
    public var size: Int64?
    /// Upstream upload time (PEP 700); nil on pages that do not say.
    public var uploadTime: Timestamp?
    public var requiresPython: String?
    public var yanked: YankState
    /// The sha256 of the PEP 658 metadata file, when the upstream serves one.
    public var coreMetadataSHA256: SHA256Digest?
    /// Where the upstream serves the file's PEP 740 provenance, when it has one.
    public var provenanceURL: String?

    public init(
        filename: String, url: String, sha256: SHA256Digest, size: Int64? = nil, uploadTime: Timestamp? = nil, requiresPython: String? = nil,
        yanked: YankState = .notYanked, coreMetadataSHA256: SHA256Digest? = nil, provenanceURL: String? = nil
    ) {
        self.provenanceURL = provenanceURL
        self.filename = filename
        self.url = url
        self.sha256 = sha256
        self.size = size
        self.uploadTime = uploadTime
        self.requiresPython = requiresPython
        self.yanked = yanked
        self.coreMetadataSHA256 = coreMetadataSHA256
    }
}

/// A file an upstream page offers that cannot be mirrored, and why (reported per file).
public struct RefusedFile: Error, Sendable, Hashable {
    public var filename: String
    public var reason: String
}

/// What a filter looks at in a file an upstream offers.
public protocol OfferedFile {
    var filename: String { get }
    /// The upstream upload time, when the page says.
    var uploadTime: Timestamp? { get }
}

extension OfferedFile {
    /// The filename read as a distribution filename, or nil for files no installer would use.
    public var distribution: DistributionFilename? { try? DistributionFilename(parsing: filename) }
}

extension UpstreamFile: OfferedFile {}

extension RefusedFile: OfferedFile {
    public var uploadTime: Timestamp? { nil }
}

/// One project page of the upstream.
public struct UpstreamProject: Sendable, Hashable {
    public var name: String
    public var files: [UpstreamFile]
    /// The project's serial from the page (`X-PyPI-Last-Serial` or `meta._last-serial`).
    public var serial: Int64?
    /// The project's status (PEP 792), `active` when the page gives none.
    public var status: ProjectStatus
    public var statusReason: String?

    public init(name: String, files: [UpstreamFile], serial: Int64?, status: ProjectStatus = .active, statusReason: String? = nil) {
        self.name = name
        self.files = files
        self.serial = serial
        self.status = status
        self.statusReason = statusReason
    }
}
