import ArgumentParser
import ContentStore
import PythonPackaging

/// `wheelhouse project …`: per-project state of a repository.
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Show or set a project's state in a repository.", subcommands: [Status.self])

    /// `wheelhouse project status NAME [STATUS] [--reason R]`: PEP 792 status markers.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a project's status (PEP 792), or set it as a new repository version.",
            discussion: """
                active: the default. archived: no new uploads, files still offered. quarantined: no uploads, \
                and no files offered (the project page stays, with the status). deprecated: like active, \
                marked for installers to warn about.
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "The repository.") var repository = "default"
        @Argument(help: "The project name.") var project: String
        @Argument(help: "The status to set: active, archived, quarantined or deprecated (omit to show the current one).")
        var status: String?
        @Option(help: "Why (shown to clients as pypi:project-status-reason).") var reason: String?

        func run() async throws {
            let contentStore = try await store.openStore()
            let target = try await contentStore.repository(named: repository)
            let normalized = ProjectName.normalize(project)
            guard let status else {
                guard reason == nil else { throw ValidationError("--reason needs a status to set") }
                let current = try await contentStore.status(of: normalized, repositoryID: target.id, version: target.latestVersion)
                Output.print(
                    .object([
                        ("repository", .string(repository)), ("project", .string(normalized)), ("status", .string(current.status.rawValue)),
                        ("reason", .optional(current.reason)),
                    ]),
                    json: store.json, text: "\(normalized): \(current.status.rawValue)" + (current.reason.map { " (\($0))" } ?? ""))
                return
            }
            guard let wanted = ProjectStatus(rawValue: status.lowercased()) else {
                throw ValidationError("'\(status)' is not a status; use one of: \(ProjectStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let version = try await contentStore.modify(
                repositoryID: target.id, changes: ContentChanges(status: [normalized: ProjectStatusChange(wanted, reason: reason)]))
            Output.print(
                .object([
                    ("repository", .string(repository)), ("project", .string(normalized)), ("status", .string(wanted.rawValue)),
                    ("version", version.map { .integer(Int64($0.number)) } ?? .null),
                ]),
                json: store.json,
                text: version.map { "\(normalized) is now \(wanted.rawValue) in '\(repository)' version \($0.number)." }
                    ?? "Nothing changed: \(normalized) was already \(wanted.rawValue).")
        }
    }
}
