import ArgumentParser
import ContentStore
import PythonPackaging

/// `wheelhouse repository …`
struct RepositoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repository", abstract: "Create and list repositories.",
        subcommands: [Create.self, List.self, Show.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty repository.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The repository's name.") var name: String
        @Option(help: "A description.") var description: String?
        @Option(help: "Keep only this many versions.") var retain: Int?

        func run() async throws {
            let repository = try await store.openStore(creating: true).createRepository(name: name, description: description, retainRepoVersions: retain)
            Output.print(repository.json, json: store.json, text: "Created repository '\(repository.name)' (version 0).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List repositories.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let repositories = try await store.openStore().repositories()
            Output.print(
                .array(repositories.map(\.json)), json: store.json,
                text: Output.table(
                    ["NAME", "LATEST VERSION", "RETAIN", "DESCRIPTION"],
                    repositories.map { [$0.name, String($0.latestVersion), $0.retainRepoVersions.map(String.init) ?? "all", $0.description ?? ""] }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a repository's versions.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The repository's name.") var name: String

        func run() async throws {
            let contentStore = try await store.openStore()
            let repository = try await contentStore.repository(named: name)
            let versions = try await contentStore.versions(ofRepository: repository.id)
            let json: JSONValue = .object([
                ("repository", repository.json),
                ("versions", .array(versions.map { .object([("number", .integer(Int64($0.number))), ("created", .string($0.createdAt.iso8601))]) })),
            ])
            Output.print(json, json: store.json, text: Output.table(["VERSION", "CREATED"], versions.map { [String($0.number), $0.createdAt.iso8601] }))
        }
    }
}
