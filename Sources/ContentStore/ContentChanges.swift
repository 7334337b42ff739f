public import PythonPackaging

/// Changes to make to a repository's content in one new version.
public struct ContentChanges: Sendable, Hashable {
    /// Packages to add (by id). Adding one already present changes nothing.
    public var add: [Int64] = []
    /// Packages to remove (by id). Removing one not present changes nothing.
    public var remove: [Int64] = []
    /// Packages to mark yanked, with an optional reason (PEP 592).
    public var yank: [Int64: String?] = [:]
    /// Packages to mark no longer yanked.
    public var unyank: [Int64] = []
    /// Project statuses to set (PEP 792), by normalized project name.
    public var status: [String: ProjectStatusChange] = [:]

    public init(
        add: [Int64] = [], remove: [Int64] = [], yank: [Int64: String?] = [:], unyank: [Int64] = [],
        status: [String: ProjectStatusChange] = [:]
    ) {
        self.add = add
        self.remove = remove
        self.yank = yank
        self.unyank = unyank
        self.status = status
    }

    public var isEmpty: Bool { add.isEmpty && remove.isEmpty && yank.isEmpty && unyank.isEmpty && status.isEmpty }
}

/// A project's status (PEP 792) and its reason, as a change sets it.
public struct ProjectStatusChange: Sendable, Hashable {
    public var status: ProjectStatus
    public var reason: String?

    public init(_ status: ProjectStatus, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }
}
