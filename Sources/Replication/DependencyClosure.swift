import ContentStore
import Foundation
import PythonPackaging

/// The environments whose dependencies `--with-dependencies` mirrors.
public struct DependencyTargets: Sendable, Hashable {
    /// (python version, platform tag) pairs, such as ("3.11", "linux_x86_64").
    public var targets: [(python: String, platform: String)]

    public init(pythons: [String], platforms: [String]) {
        let pythons = pythons.isEmpty ? ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"] : pythons
        let platforms = platforms.isEmpty ? ["manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "macosx_11_0_arm64", "win_amd64"] : platforms
        targets = pythons.flatMap { python in platforms.map { (python, $0) } }
    }

    var environments: [MarkerEnvironment] { targets.map { MarkerEnvironment.cpython($0.python, platformTag: $0.platform) } }

    /// Whether a dependency applies in any target, with the extras its dependent asked for.
    func applies(_ requirement: Requirement, extras: [String]) -> Bool {
        guard let marker = requirement.marker else { return true }
        return environments.contains { (try? marker.evaluate($0, extras: extras)) ?? false }
    }

    var fingerprint: String { targets.map { "\($0.python)@\($0.platform)" }.sorted().joined(separator: ",") }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.fingerprint == rhs.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

/// Expands an include list with everything its selected releases require, transitively, read
/// from upstream metadata (PEP 658 files, or the store's copy of a file already held), never
/// by downloading distributions.
struct DependencyClosure: Sendable {
    let filter: RemoteFilter
    let targets: DependencyTargets
    let store: ContentStore
    let client: any UpstreamConnection
    let now: Timestamp
    let readPage: @Sendable (UpstreamProjectEntry) async -> Synchronizer.ProjectRead

    struct Result: Sendable {
        var requirements: [Requirement] = []
        var pages: [String: Synchronizer.ProjectRead] = [:]
        var failures: [SyncFailure] = []
    }

    /// The most distinct requirements a closure follows: real closures have hundreds; a crafted
    /// metadata file can name thousands per release.
    static let maximumRequirements = 20_000

    func resolve(_ roots: [Requirement]) async -> Result {
        var result = Result()
        var seen = Set<String>()
        // Each file's Requires-Dist is read once per sync, however many requirers select it.
        var requiresDist: [String: [Requirement]] = [:]
        var level = roots
        while !level.isEmpty {
            let fresh = level.filter { seen.insert(Self.key($0)).inserted }
            result.requirements += fresh
            let unread = Set(fresh.map { ProjectName.normalize($0.name) }).subtracting(result.pages.keys).sorted()
            let reads = await concurrentMap(unread, limit: 8) { project in
                await readPage(UpstreamProjectEntry(name: project, serial: nil))
            }
            for (project, read) in zip(unread, reads) { result.pages[project] = read }
            // One entry per file and extras, however many requirers select that release.
            var wanted: [(file: UpstreamFile, extras: [String])] = []
            var wantedKeys = Set<String>()
            for requirement in fresh {
                guard case .read(let page, _, _, _)? = result.pages[ProjectName.normalize(requirement.name)] else { continue }
                var narrowed = filter
                narrowed.includes = [requirement]
                let files = narrowed.select(page.files, project: ProjectName.normalize(requirement.name), now: now)
                let extras = requirement.normalizedExtras.sorted()
                for release in Dictionary(grouping: files, by: { $0.distribution?.versionText ?? "" }).values {
                    if let file = Self.metadataSource(release), wantedKeys.insert(file.filename + "[" + extras.joined(separator: ",")).inserted {
                        wanted.append((file, extras))
                    }
                }
            }
            var firstSeen: [String: UpstreamFile] = [:]
            for item in wanted where requiresDist[item.file.filename] == nil { firstSeen[item.file.filename] = item.file }
            let files = firstSeen.values.sorted { $0.filename < $1.filename }
            let found = await concurrentMap(files, limit: 8) { file in
                do throws(ReplicationError) {
                    return Swift.Result<[Requirement], SyncFailure>.success(try await requirements(of: file))
                } catch {
                    return .failure(SyncFailure(subject: file.filename, error))
                }
            }
            for (file, outcome) in zip(files, found) {
                switch outcome {
                case .success(let requirements): requiresDist[file.filename] = requirements
                case .failure(let failure):
                    requiresDist[file.filename] = []
                    result.failures.append(failure)
                }
            }
            var next: [String: Requirement] = [:]
            for item in wanted {
                for requirement in requiresDist[item.file.filename] ?? [] where targets.applies(requirement, extras: item.extras) {
                    let key = Self.key(requirement)
                    if !seen.contains(key) { next[key] = requirement }
                }
            }
            guard seen.count + next.count <= Self.maximumRequirements else {
                result.failures.append(
                    SyncFailure(
                        subject: "dependencies",
                        .badResponse("the dependencies of the included releases name more than \(Self.maximumRequirements) requirements; narrow the include list")))
                break
            }
            level = next.keys.sorted().compactMap { next[$0] }
        }
        return result
    }

    /// One requirement, identified by project, extras and specifier (markers already applied).
    private static func key(_ requirement: Requirement) -> String {
        ProjectName.normalize(requirement.name) + "[" + requirement.normalizedExtras.sorted().joined(separator: ",") + "]" + requirement.specifier.description
    }

    /// The file of a release whose metadata to read: a wheel with PEP 658 metadata first (its
    /// METADATA is exact), then any file with it.
    private static func metadataSource(_ release: [UpstreamFile]) -> UpstreamFile? {
        let sorted = release.sorted { $0.filename < $1.filename }
        return sorted.first { $0.coreMetadataSHA256 != nil && $0.filename.hasSuffix(".whl") }
            ?? sorted.first { $0.coreMetadataSHA256 != nil }
            ?? sorted.first
    }

    /// `Requires-Dist` of a file: from the store when it has read the same file's metadata,
    /// else from upstream's PEP 658 metadata file, checked against its declared sha256.
    private func requirements(of file: UpstreamFile) async throws(ReplicationError) -> [Requirement] {
        let lines: [String]
        // The store's copy counts only when it was read from the file or its metadata file (it
        // has a `metadata_version`); content recorded on demand holds name and version alone.
        let known = (try? await store.packages(filename: file.filename))?.first { $0.sha256 == file.sha256 }
        let info = known.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.metadataJSON.utf8))) as? [String: Any] }
        if let info, info["metadata_version"] is String {
            lines = info["requires_dist"] as? [String] ?? []
        } else {
            guard file.coreMetadataSHA256 != nil else {
                throw .badResponse("upstream offers no PEP 658 metadata for \(file.filename), so its dependencies are unknown")
            }
            let metadata = try await client.coreMetadata(of: file)
            lines = CoreMetadata(parsing: metadata).requiresDist
        }
        return lines.compactMap { try? Requirement(parsing: $0) }
    }
}
