public import PythonPackaging

/// A repository: a named, versioned set of packages.
public struct Repository: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let name: String
    public let description: String?
    /// How many versions to keep (nil: all).
    public let retainRepoVersions: Int?
    public let latestVersion: Int
    public let createdAt: Timestamp
    public var labels: [String: String] = [:]
    /// The remote it syncs from when a sync names none.
    public var remoteID: Int64?
    public var updatedAt: Timestamp?
}

/// One immutable version of a repository.
public struct RepositoryVersion: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let repositoryID: Int64
    public let number: Int
    public let createdAt: Timestamp
}

/// A distribution file and its metadata, as stored once and shared by repositories.
public struct Package: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let filename: String
    public let sha256: SHA256Digest
    public let size: Int64
    public let md5: String?
    public let blake2b256: String?
    /// The project name as the metadata writes it.
    public let name: String
    public let nameNormalized: String
    public let version: String
    /// `bdist_wheel`, `sdist` or `bdist_egg`.
    public let packageType: String
    public let pythonVersion: String
    public let requiresPython: String?
    /// The core metadata as Warehouse `info` members, rendered JSON (an object).
    public let metadataJSON: String
    /// The sha256 of the METADATA file served for PEP 658, when there is one.
    public let metadataSHA256: SHA256Digest?
    public let uploadTime: Timestamp
    /// For content recorded but not yet downloaded: where upstream serves it.
    public let upstreamURL: String?
    /// Whether a file fetched from upstream on request is kept (on demand) or only passed on
    /// (streamed).
    public let keepFetched: Bool
}

/// A package as a repository version shows it, with the overlay's yank state.
public struct PackageInVersion: Sendable, Hashable {
    public let package: Package
    public let yanked: Bool
    public let yankedReason: String?
    /// Whether the package has a PEP 740 provenance (read only where pages need it).
    public var hasProvenance = false
}

/// A publication: a repository version made servable.
public struct Publication: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let repositoryVersionID: Int64
    public let createdAt: Timestamp
}

/// What a distribution serves.
public enum DistributionTarget: Sendable, Hashable {
    /// The latest version of a repository, moving as new versions are made.
    case repository(Int64)
    /// One repository version.
    case repositoryVersion(Int64)
    case publication(Int64)
    /// Nothing yet.
    case none
}

/// A distribution target described for people: the repository by name, the version by number.
public struct ServedTarget: Sendable, Hashable {
    public let repository: String
    /// The fixed version served, or nil when the latest version is.
    public let version: Int?
    public let publication: Int64?
}

/// A distribution: a base path under which clients find a repository's content.
public struct Distribution: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let name: String
    public let basePath: String
    public let target: DistributionTarget
    public let labels: [String: String]
    public let createdAt: Timestamp
    public var updatedAt: Timestamp?
}

/// The exact content a distribution serves at this moment.
public struct ServedContent: Sendable, Hashable {
    public let distribution: Distribution
    /// The repository and version number, when the distribution serves anything.
    public let repositoryID: Int64?
    public let version: Int?
    /// The highest serial of the distribution's journal (0 before any change).
    public let lastSerial: Int64
}

/// A project as listed on an index root.
public struct ListedProject: Sendable, Hashable {
    public let name: String
    public let normalized: String
    public let lastSerial: Int64
}
