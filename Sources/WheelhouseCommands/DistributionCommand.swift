import ArgumentParser
import ContentStore
import PythonPackaging

/// `wheelhouse distribution …`
struct DistributionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distribution", abstract: "Create, point and list distributions (what is served at a base path).",
        subcommands: [Create.self, Update.self, List.self, Delete.self])

    /// What a distribution should serve, from command-line options.
    struct Target: ParsableArguments {
        @Option(help: "Serve this repository (its latest version, or --version).") var repository: String?
        @Option(help: "With --repository: serve this fixed version.") var version: Int?
        @Option(help: "Serve this publication (by id).") var publication: Int64?

        func resolve(_ store: ContentStore) async throws -> DistributionTarget? {
            guard version == nil || repository != nil else {
                throw ValidationError("--version needs --repository (a publication already serves one version)")
            }
            switch (repository, publication) {
            case (nil, nil):
                return nil
            case (let name?, nil):
                let repository = try await store.repository(named: name)
                guard let version else { return .repository(repository.id) }
                return .repositoryVersion(try await store.repositoryVersion(repositoryID: repository.id, number: version).id)
            case (nil, let id?):
                return .publication(id)
            default:
                throw ValidationError("give either --repository or --publication, not both")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a distribution.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The distribution's name.") var name: String
        @Option(help: "The base path clients use: /pypi/<base-path>/simple/ (default: the name).") var basePath: String?
        @OptionGroup var target: Target

        func run() async throws {
            let contentStore = try await store.openStore(creating: true)
            let distribution = try await contentStore.createDistribution(
                name: name, basePath: basePath ?? name, target: try await target.resolve(contentStore) ?? .none)
            let view = try await DistributionView(distribution, store: contentStore)
            Output.print(view.json, json: store.json, text: "Created distribution '\(distribution.name)' at /pypi/\(distribution.basePath)/simple/, serving \(view.targetDescription).")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Point a distribution at something else.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The distribution's name.") var name: String
        @OptionGroup var target: Target

        func run() async throws {
            let contentStore = try await store.openStore()
            guard let newTarget = try await target.resolve(contentStore) else { throw ValidationError("give --repository or --publication") }
            let distribution = try await contentStore.updateDistribution(name: name, target: newTarget)
            let view = try await DistributionView(distribution, store: contentStore)
            Output.print(view.json, json: store.json, text: "Distribution '\(distribution.name)' now serves \(view.targetDescription).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List distributions.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let contentStore = try await store.openStore()
            var views: [DistributionView] = []
            for distribution in try await contentStore.distributions() {
                views.append(try await DistributionView(distribution, store: contentStore))
            }
            Output.print(
                .array(views.map(\.json)), json: store.json,
                text: Output.table(["NAME", "BASE PATH", "SERVES"], views.map { [$0.distribution.name, $0.distribution.basePath, $0.targetDescription] }))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a distribution (its content stays).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The distribution's name.") var name: String

        func run() async throws {
            try await store.openStore().deleteDistribution(name: name)
            Output.print(.object([("deleted", .string(name))]), json: store.json, text: "Deleted distribution '\(name)'.")
        }
    }
}
