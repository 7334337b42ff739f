public import PythonPackaging

/// A file the repository holds now, as the planner needs to see it.
public struct LocalFile: Sendable, Hashable {
    public var packageID: Int64
    public var filename: String
    public var sha256: SHA256Digest
    public var yanked: YankState

    public init(packageID: Int64, filename: String, sha256: SHA256Digest, yanked: YankState) {
        self.packageID = packageID
        self.filename = filename
        self.sha256 = sha256
        self.yanked = yanked
    }
}

/// What a sync must do to make the repository match what upstream offers.
public struct SyncPlan: Sendable, Hashable {
    /// Upstream files the repository lacks: to be found in the store or downloaded, then added.
    public var acquire: [UpstreamFile] = []
    /// Packages to remove (mirror mode only).
    public var remove: [Int64] = []
    /// Packages whose yank state upstream changed.
    public var yank: [Int64: String?] = [:]
    public var unyank: [Int64] = []
    /// Upstream files whose filename the repository holds with other bytes: never replaced
    /// (a filename keeps its bytes), reported instead.
    public var conflicts: [UpstreamFile] = []
    /// Upstream files the repository already holds with the same bytes, by package ID.
    public var unchanged: [Int64: UpstreamFile] = [:]

    public init() {}
}

/// The pure half of a sync: compares what upstream offers (already filtered) with what the
/// repository holds, and says what to do. No I/O.
public enum SyncPlanner {
    /// - Parameters:
    ///   - offered: for each project read from upstream this time (normalized name), the files to mirror.
    ///   - local: the repository's files, by project: those of the offered projects, and of
    ///     projects to drop (ones upstream no longer lists or the filter no longer wants).
    ///   - mirror: make the repository equal the offered set (removing what upstream no longer
    ///     offers); when false, only add and update yanks.
    ///   - claimed: filenames the repository held at any time, with their sha256: a filename
    ///     keeps its bytes, so another file under one of them is a conflict, not an addition.
    public static func plan(
        offered: [String: [UpstreamFile]], local: [String: [LocalFile]], mirror: Bool, claimed: [String: SHA256Digest] = [:]
    ) -> SyncPlan {
        var plan = SyncPlan()
        for (project, listed) in offered.sorted(by: { $0.key < $1.key }) {
            let held = Dictionary(local[project, default: []].map { ($0.filename, $0) }, uniquingKeysWith: { first, _ in first })
            // A page listing one filename with two different hashes cannot be mirrored faithfully.
            let byName = Dictionary(grouping: listed, by: \.filename)
            let ambiguous = byName.filter { Set($0.value.map(\.sha256)).count > 1 }
            plan.conflicts += ambiguous.values.flatMap { $0 }.sorted { ($0.filename, $0.sha256) < ($1.filename, $1.sha256) }
            let files = byName.filter { ambiguous[$0.key] == nil }.map { $0.value[0] }
            for file in files.sorted(by: { $0.filename < $1.filename }) {
                guard let existing = held[file.filename] else {
                    if let sha256 = claimed[file.filename], sha256 != file.sha256 {
                        plan.conflicts.append(file)
                    } else {
                        plan.acquire.append(file)
                    }
                    continue
                }
                guard existing.sha256 == file.sha256 else {
                    plan.conflicts.append(file)
                    continue
                }
                plan.unchanged[existing.packageID] = file
                guard existing.yanked != file.yanked else { continue }
                switch file.yanked {
                case .notYanked: plan.unyank.append(existing.packageID)
                case .yanked(let reason): plan.yank[existing.packageID] = reason
                }
            }
            guard mirror else { continue }
            let wanted = Set(listed.map(\.filename))
            for file in local[project, default: []] where !wanted.contains(file.filename) {
                plan.remove.append(file.packageID)
            }
        }
        if mirror {
            for (project, files) in local.sorted(by: { $0.key < $1.key }) where offered[project] == nil {
                plan.remove.append(contentsOf: files.map(\.packageID))
            }
        }
        return plan
    }
}
