import ArgumentParser
import ContentStore
import Foundation
import NIOCore
import PythonPackaging
import _NIOFileSystem

/// `wheelhouse upload`: add files to a repository straight from disk (no server needed).
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Check distribution files as an upload and add them to a repository in one new version.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The repository to add to.") var repository = "default"
    @Argument(help: "Wheels and sdists.") var files: [String]

    func run() async throws {
        let contentStore = try await store.openStore(creating: true)
        let target = try await contentStore.repository(named: repository)
        var packages: [Package] = []
        for path in files {
            let writer = try await contentStore.blobs.makeWriter()
            do {
                try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                    for try await chunk in handle.readChunks() { try await writer.write(chunk) }
                }
            } catch {
                await writer.abandon()
                throw CommandFailure("cannot read \(path): \(error)")
            }
            let blob = try await writer.finish()
            let filename = URL(fileURLWithPath: path).lastPathComponent
            do {
                packages.append(try await contentStore.ingestUpload(blob, filename: filename, repositoryID: target.id))
            } catch {
                throw CommandFailure("\(filename) was refused, so nothing was added: \(error)")
            }
        }
        let version = try await contentStore.addUploads(packages, repositoryID: target.id)
        let json: JSONValue = .object([
            ("repository", .string(repository)), ("version", version.map { .integer(Int64($0.number)) } ?? .null),
            ("files", .array(packages.map { .string($0.filename) })),
        ])
        Output.print(json, json: store.json, text: version.map { "Checked \(packages.count) file(s); '\(repository)' is now at version \($0.number)." } ?? "Nothing changed: every file was already in '\(repository)'.")
    }
}

/// `wheelhouse content …`: what a repository version holds, and changing it.
struct ContentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content", abstract: "List, add, remove, yank and unyank packages in a repository.",
        subcommands: [List.self, Add.self, Remove.self, Yank.self, Unyank.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the packages of a repository version.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The repository.") var repository = "default"
        @Option(help: "The version (default: the latest).") var version: Int?

        func run() async throws {
            let contentStore = try await store.openStore()
            let target = try await contentStore.repository(named: repository)
            let packages = try await contentStore.packages(repositoryID: target.id, version: version ?? target.latestVersion)
            Output.print(
                .array(packages.map(\.json)), json: store.json,
                text: Output.table(
                    ["FILENAME", "VERSION", "TYPE", "SIZE", "YANKED"],
                    packages.map { [$0.package.filename, $0.package.version, $0.package.packageType, String($0.package.size), $0.yanked ? ($0.yankedReason ?? "yes") : ""] }))
        }
    }

    /// Options naming packages by filename in a repository.
    struct Selection: ParsableArguments {
        @OptionGroup var store: StoreOptions
        @Option(help: "The repository.") var repository = "default"
        @Argument(help: "Filenames of packages the store knows.") var filenames: [String]

        /// The named packages: for `inRepository`, those the repository's latest version holds;
        /// otherwise the newest stored under each filename.
        func packages(_ contentStore: ContentStore, of target: Repository, inRepository: Bool) async throws -> [Package] {
            if inRepository {
                // Only the projects the filenames name are looked at, not the whole repository.
                let projects = Set(filenames.compactMap { try? DistributionFilename(parsing: $0).name.normalized })
                let held = try await contentStore.packages(repositoryID: target.id, version: target.latestVersion, projects: projects)
                let byFilename = Dictionary(held.map { ($0.package.filename, $0.package) }, uniquingKeysWith: { first, _ in first })
                return try filenames.map { filename in
                    guard let package = byFilename[filename] else {
                        throw CommandFailure("'\(filename)' is not in '\(target.name)' (version \(target.latestVersion)); `content list` shows what is")
                    }
                    return package
                }
            }
            var found: [Package] = []
            for filename in filenames {
                let matches = try await contentStore.packages(filename: filename)
                guard let package = matches.last else { throw CommandFailure("no package named '\(filename)' is stored; upload it first") }
                found.append(package)
            }
            return found
        }

        /// Applies the changes made for the named packages as a new version.
        func apply(inRepository: Bool = true, _ makeChanges: ([Package]) -> ContentChanges) async throws {
            let contentStore = try await store.openStore()
            let target = try await contentStore.repository(named: repository)
            let packages = try await packages(contentStore, of: target, inRepository: inRepository)
            let version = try await contentStore.modify(repositoryID: target.id, changes: makeChanges(packages))
            Output.print(
                .object([("repository", .string(repository)), ("version", version.map { .integer(Int64($0.number)) } ?? .null)]),
                json: store.json, text: version.map { "'\(repository)' is now at version \($0.number)." } ?? "Nothing changed.")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add stored packages to a repository.")
        @OptionGroup var selection: Selection
        func run() async throws { try await selection.apply(inRepository: false) { ContentChanges(add: $0.map(\.id)) } }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove packages from a repository.")
        @OptionGroup var selection: Selection
        func run() async throws { try await selection.apply { ContentChanges(remove: $0.map(\.id)) } }
    }

    struct Yank: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark packages yanked (PEP 592).")
        @OptionGroup var selection: Selection
        @Option(help: "Why.") var reason: String?
        func run() async throws {
            let reason = self.reason
            try await selection.apply { packages in ContentChanges(yank: Dictionary(uniqueKeysWithValues: packages.map { ($0.id, reason) })) }
        }
    }

    struct Unyank: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark packages no longer yanked.")
        @OptionGroup var selection: Selection
        func run() async throws { try await selection.apply { ContentChanges(unyank: $0.map(\.id)) } }
    }
}

/// `wheelhouse publish`: a publication of a repository version.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: "Publish a repository version (for a distribution to serve).")
    @OptionGroup var store: StoreOptions
    @Option(help: "The repository.") var repository = "default"
    @Option(help: "The version (default: the latest).") var version: Int?

    func run() async throws {
        let contentStore = try await store.openStore()
        let target = try await contentStore.repository(named: repository)
        let publication = try await contentStore.publish(repositoryID: target.id, version: version)
        let number = try await contentStore.repositoryVersion(id: publication.repositoryVersionID).number
        Output.print(
            .object([("publication", .integer(publication.id)), ("repository", .string(repository)), ("version", .integer(Int64(number)))]),
            json: store.json, text: "Published '\(repository)' version \(number) as publication \(publication.id).")
    }
}
