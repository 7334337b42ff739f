import ContentStore
import PythonPackaging

/// What a sync has decided and done so far, accumulated slice by slice.
struct SyncTally {
    var changes = ContentChanges()
    var projectStates: [String: ProjectSyncState?] = [:]
    var failedProjects = Set<String>()
    var changedProjects = Set<String>()
    var failures: [SyncFailure] = []
    var filesAdded = 0
    /// Sizes of on-demand files learned with a `HEAD` request (their pages gave none).
    var sizesFromHead = 0
    /// What the pages read said about their upstream's journal: the one they all named and
    /// the lowest serial any reflected; nil once a page named none or another.
    private var pageJournal: (changesURL: String, serial: Int64)??

    /// Takes in what one page said about its upstream's journal (nil: nothing).
    mutating func note(_ mark: PageMark?) {
        switch (pageJournal, mark) {
        case (.none, let mark?): pageJournal = .some((mark.changesURL, mark.serial))
        case (.some(let seen?), let mark?) where seen.changesURL == mark.changesURL: pageJournal = .some((seen.changesURL, min(seen.serial, mark.serial)))
        default: pageJournal = .some(nil)
        }
    }

    /// Where the upstream was for a sync that read only some projects' pages: another
    /// Wheelhouse's journal, at the lowest serial any page reflected (every change up to it
    /// is applied), when every page named the same journal; nil when they did not.
    var pagePosition: UpstreamPosition? {
        guard case .some(let journal?) = pageJournal else { return nil }
        return UpstreamPosition(serial: journal.serial, changesURL: journal.changesURL)
    }

    /// Takes in one plan and the outcome of acquiring its files.
    mutating func apply(_ plan: SyncPlan, acquired: [Result<Package, SyncFailure>], local: [String: [LocalFile]]) {
        var projectOf: [Int64: String] = [:]
        for (project, files) in local { for file in files { projectOf[file.packageID] = project } }
        for conflict in plan.conflicts {
            failures.append(
                SyncFailure(
                    subject: conflict.filename,
                    .refused("the repository holds other bytes under this filename; a filename is never reused, so upstream's file was not taken")))
            failedProjects.insert(Self.project(of: conflict))
        }
        for (file, result) in zip(plan.acquire, acquired) {
            switch result {
            case .success(let package):
                changes.add.append(package.id)
                filesAdded += 1
                changedProjects.insert(Self.project(of: file))
                if case .yanked(let reason) = file.yanked { changes.yank[package.id] = reason }
            case .failure(let failure):
                failures.append(failure)
                failedProjects.insert(Self.project(of: file))
            }
        }
        changes.remove += plan.remove
        changes.unyank += plan.unyank
        changes.yank.merge(plan.yank) { _, new in new }
        for id in plan.remove + plan.unyank + Array(plan.yank.keys) {
            if let project = projectOf[id] { changedProjects.insert(project) }
        }
    }

    /// Takes in the statuses (PEP 792) upstream gives the projects read, against those the
    /// repository holds (both without `active` entries, the default).
    mutating func applyStatuses(upstream: [String: ProjectStatusChange], local: [String: ProjectStatusChange], read: Set<String>) {
        for project in read where upstream[project] != local[project] {
            changes.status[project] = upstream[project] ?? ProjectStatusChange(.active)
            changedProjects.insert(project)
        }
    }

    static func project(of file: UpstreamFile) -> String {
        ProjectName.normalize(file.distribution?.name.original ?? file.filename)
    }
}
