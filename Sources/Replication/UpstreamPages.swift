public import ContentStore
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
    public var sha256: String
    /// Declared size (PEP 700); nil on pages that do not say.
    public var size: Int64?
    /// Upstream upload time (PEP 700); nil on pages that do not say.
    public var uploadTime: Timestamp?
    public var requiresPython: String?
    public var yanked: YankState
    /// The sha256 of the PEP 658 metadata file, when the upstream serves one.
    public var coreMetadataSHA256: String?

    public init(
        filename: String, url: String, sha256: String, size: Int64? = nil, uploadTime: Timestamp? = nil, requiresPython: String? = nil,
        yanked: YankState = .notYanked, coreMetadataSHA256: String? = nil
    ) {
        self.filename = filename
        self.url = url
        self.sha256 = sha256.lowercased()
        self.size = size
        self.uploadTime = uploadTime
        self.requiresPython = requiresPython
        self.yanked = yanked
        self.coreMetadataSHA256 = coreMetadataSHA256
    }

    /// The filename read as a distribution filename, or nil for files no installer would use.
    public var distribution: DistributionFilename? { try? DistributionFilename(parsing: filename) }
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
