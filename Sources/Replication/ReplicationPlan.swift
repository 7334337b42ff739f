public import PythonPackaging

/// What a replication run does, decided from values alone: which upstream distributions to
/// sync, which are unchanged since the last run (their `no_content_change_since` is the one
/// recorded then: no clock is compared with another), which cannot be
/// replicated (and why), and which local distributions the delete policy removes.
public struct ReplicationPlan: Sendable, Equatable {
    /// A local distribution, as the plan sees it.
    public struct Local: Sendable, Hashable {
        public let name: String
        public let basePath: String
        public let labels: [String: String]
        /// It serves a repository version (a replica that has been switched at least once).
        public let servesVersion: Bool

        public init(name: String, basePath: String, labels: [String: String], servesVersion: Bool) {
            self.name = name
            self.basePath = basePath
            self.labels = labels
            self.servesVersion = servesVersion
        }
    }

    public var sync: [UpstreamDistribution] = []
    public var unchanged: [String] = []
    public var refused: [String: String] = [:]
    public var remove: [String] = []

    /// `marker` is the label replicas of this upstream carry; `marks` each distribution's
    /// `no_content_change_since` as the last run that succeeded saw it; `selective` is true when a `q` narrowed this run's list
    /// (then nothing is removed: an unlisted distribution may merely be unselected, as in
    /// pulpcore).
    public static func make(
        upstream: [UpstreamDistribution], local: [Local], marker: (key: String, value: String), policy: DeletePolicy, marks: [String: Timestamp],
        selective: Bool, validBasePath: (String) -> Bool
    ) -> ReplicationPlan {
        var plan = ReplicationPlan()
        let locals = Dictionary(local.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var listed = Set<String>()
        var basePaths: [String: String] = [:]
        for distribution in upstream where distribution.servesContent {
            guard listed.insert(distribution.name).inserted else {
                plan.refused[distribution.name] = "the upstream lists the name twice"
                continue
            }
            guard validBasePath(distribution.basePath) else {
                plan.refused[distribution.name] = "its base path '\(distribution.basePath)' is not one Wheelhouse serves (one segment of letters, digits, '.', '_' and '-')"
                continue
            }
            if let other = basePaths.updateValue(distribution.name, forKey: distribution.basePath) {
                plan.refused[distribution.name] = "it has the base path of '\(other)'"
                continue
            }
            if let existing = locals[distribution.name], existing.labels[marker.key] != marker.value {
                plan.refused[distribution.name] = "a local distribution of that name was not replicated from this upstream; rename one of them"
                continue
            }
            if let existing = locals[distribution.name], existing.servesVersion, existing.basePath == distribution.basePath,
                let changed = distribution.noContentChangeSince, marks[distribution.name] == changed
            {
                plan.unchanged.append(distribution.name)
            } else {
                plan.sync.append(distribution)
            }
        }
        // A distribution listed without content is kept as it is (pulpcore skips them too).
        let mentioned = Set(upstream.map(\.name))
        if !selective {
            for distribution in local where !mentioned.contains(distribution.name) {
                switch policy {
                case .all: plan.remove.append(distribution.name)
                case .labeled: if distribution.labels[marker.key] == marker.value { plan.remove.append(distribution.name) }
                case .nodelete: break
                }
            }
        }
        plan.remove.sort()
        return plan
    }

    public static func == (lhs: ReplicationPlan, rhs: ReplicationPlan) -> Bool {
        lhs.sync == rhs.sync && lhs.unchanged == rhs.unchanged && lhs.refused == rhs.refused && lhs.remove == rhs.remove
    }
}
