import ContentStore
public import PythonPackaging

/// What of an upstream to mirror, with pulp_python's remote fields: `includes`/`excludes` as
/// PEP 508 requirements, `prereleases`, `package_types`, `exclude_platforms`,
/// `keep_latest_packages`, and Wheelhouse's cool-down (`minimumAge`).
public struct RemoteFilter: Sendable, Hashable {
    /// Projects (and versions) to mirror; empty mirrors every project.
    public var includes: [Requirement]
    /// Projects, or versions of projects, never to mirror. A name alone excludes the project.
    public var excludes: [Requirement]
    public var prereleases: Bool
    /// `sdist`, `bdist_wheel`, `bdist_egg`; empty allows every type.
    public var packageTypes: Set<String>
    public var excludePlatforms: Set<PlatformFamily>
    /// Keep only the N newest releases of each project (0 keeps all).
    public var keepLatestPackages: Int
    /// Hold back files uploaded upstream less than this many seconds ago.
    public var minimumAgeSeconds: Int64

    public init(
        includes: [Requirement] = [], excludes: [Requirement] = [], prereleases: Bool = true, packageTypes: Set<String> = [],
        excludePlatforms: Set<PlatformFamily> = [], keepLatestPackages: Int = 0, minimumAgeSeconds: Int64 = 0
    ) {
        self.includes = includes
        self.excludes = excludes
        self.prereleases = prereleases
        self.packageTypes = packageTypes
        self.excludePlatforms = excludePlatforms
        self.keepLatestPackages = keepLatestPackages
        self.minimumAgeSeconds = minimumAgeSeconds
    }

    /// The projects any of whose files could be wanted, with the names normalized once (take
    /// it once for a whole upstream listing).
    public var projectScope: ProjectScope {
        ProjectScope(
            included: includes.isEmpty ? nil : Set(includes.map { ProjectName.normalize($0.name) }),
            excluded: Set(excludes.filter(\.specifier.isEmpty).map { ProjectName.normalize($0.name) }))
    }

    /// Whether any file of the project could be wanted (a bare-name exclude rules it out).
    public func wants(project normalized: String) -> Bool { projectScope.contains(normalized) }

    /// The files of one project to mirror, as of `now`; files whose names belong to another
    /// project are never taken from its page.
    public func select<File: OfferedFile>(_ files: [File], project normalized: String, now: Timestamp) -> [File] {
        guard wants(project: normalized) else { return [] }
        let includeSpecifiers = includes.filter { ProjectName.normalize($0.name) == normalized }.map(\.specifier)
        let excludeSpecifiers = excludes.filter { ProjectName.normalize($0.name) == normalized }.map(\.specifier)
        let oldestAllowed = Timestamp(microseconds: now.microseconds - minimumAgeSeconds * 1_000_000)
        var selected = files.filter { file in
            guard let distribution = file.distribution, distribution.name.normalized == normalized else { return false }
            if !packageTypes.isEmpty, !packageTypes.contains(distribution.packageType) { return false }
            if !excludePlatforms.isEmpty, !distribution.platformFamilies.isDisjoint(with: excludePlatforms) { return false }
            if minimumAgeSeconds > 0, let uploaded = file.uploadTime, uploaded > oldestAllowed { return false }
            let version = distribution.version
            if !prereleases, version?.isPrerelease ?? false { return false }
            if !includeSpecifiers.isEmpty, !includeSpecifiers.contains(where: { Self.matches($0, version) }) { return false }
            if excludeSpecifiers.contains(where: { !$0.isEmpty && Self.matches($0, version) }) { return false }
            return true
        }
        if keepLatestPackages > 0 {
            let releases = Set(selected.compactMap { $0.distribution?.version })
            let kept = Set(releases.sorted(by: >).prefix(keepLatestPackages))
            selected = selected.filter { $0.distribution?.version.map(kept.contains) ?? false }
        }
        return selected
    }

    /// A specifier matches a version; an empty one matches every file, even one whose version
    /// is not PEP 440.
    private static func matches(_ specifier: SpecifierSet, _ version: Version?) -> Bool {
        if specifier.isEmpty { return true }
        guard let version else { return false }
        return specifier.contains(version, prereleases: true)
    }

    /// A stable text naming every setting: sync state recorded under one filter is not reused
    /// under another.
    public var fingerprint: String {
        var parts: [String] = []
        parts.append("include=" + includes.map(\.description).sorted().joined(separator: ";"))
        parts.append("exclude=" + excludes.map(\.description).sorted().joined(separator: ";"))
        parts.append("prereleases=\(prereleases)")
        parts.append("types=" + packageTypes.sorted().joined(separator: ","))
        parts.append("platforms=" + excludePlatforms.map(\.rawValue).sorted().joined(separator: ","))
        parts.append("keep=\(keepLatestPackages)")
        parts.append("min-age=\(minimumAgeSeconds)")
        return parts.joined(separator: "|")
    }
}

/// The projects a filter can want: those the include list names (every one when it is
/// empty), less those a bare-name exclude drops.
public struct ProjectScope: Sendable {
    /// Normalized names of the include list; nil when every project is wanted.
    public let included: Set<String>?
    let excluded: Set<String>

    /// Whether any file of the project (by normalized name) could be wanted.
    public func contains(_ normalized: String) -> Bool {
        if let included, !included.contains(normalized) { return false }
        return !excluded.contains(normalized)
    }
}
