import ArgumentParser
import ContentStore
import Foundation
import PythonPackaging
import Replication

/// `wheelhouse remote …`: upstreams stored by name, synced with `sync --remote NAME` or on a
/// schedule by `serve`.
struct RemoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote", abstract: "Store upstreams by name, to sync them by name or on a schedule.",
        subcommands: [Create.self, List.self, Show.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store (or with --replace, update) a remote: an upstream and how to mirror it (the options of `sync`).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The remote's name.") var name: String
        @Option(help: "The upstream index: a base URL or its simple/ root.") var upstream: String
        @Option(help: "Sync it every so often from `wheelhouse serve`: 1h, 30m, 1d or seconds.") var syncInterval: String?
        @Flag(help: "Replace the remote of this name if it exists.") var replace = false
        @OptionGroup var options: SyncOptions

        func run() async throws {
            var definition = try options.definition(url: upstream)
            definition.syncIntervalSeconds = try syncInterval.map(SyncOptions.seconds)
            guard definition.syncIntervalSeconds != 0 else {
                throw CommandFailure("--sync-interval must be at least 1s; leave it out for a remote synced only with `sync --remote`")
            }
            let contentStore = try await store.openStore(creating: true)
            let stored = try await contentStore.saveRemote(name: name, definition: definition.encoded(), replacing: replace)
            Output.print(try RemoteView(stored).json, json: store.json, text: "Stored the remote '\(name)' for \(upstream).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored remotes.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let views = try await store.openStore().remotes().map(RemoteView.init)
            Output.print(
                .array(views.map(\.json)), json: store.json,
                text: Output.table(
                    ["NAME", "URL", "DISTRIBUTION", "POLICY", "EVERY", "LAST SYNC"],
                    views.map { view in
                        [
                            view.stored.name, view.definition.url, view.definition.distribution, view.definition.policy,
                            view.definition.syncIntervalSeconds.map { "\($0)s" } ?? "", view.stored.lastSyncAt?.iso8601 ?? "",
                        ]
                    }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a remote, its settings and its last sync (secrets hidden).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The remote's name.") var name: String

        func run() async throws {
            print(try RemoteView(try await store.openStore().remote(named: name)).json.rendered)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a remote (what it synced stays).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The remote's name.") var name: String

        func run() async throws {
            try await store.openStore().deleteRemote(name: name)
            Output.print(.object([("deleted", .string(name))]), json: store.json, text: "Deleted the remote '\(name)'.")
        }
    }
}

/// A stored remote as commands print it: pulp_python's field names, with credentials
/// replaced by `hidden_fields` as Pulp shows them.
struct RemoteView {
    let stored: StoredRemote
    let definition: RemoteDefinition

    init(_ stored: StoredRemote) throws {
        self.stored = stored
        self.definition = try RemoteDefinition.decoded(stored.definition)
    }

    var json: JSONValue {
        var shown = definition
        shown.username = nil
        shown.password = nil
        shown.clientKey = nil
        // A proxy's credentials ride in its URL; they are shown as Pulp's hidden proxy fields.
        let proxy = definition.proxyURL.flatMap(URLComponents.init(string:))
        if var proxy, proxy.user != nil || proxy.password != nil {
            proxy.user = nil
            proxy.password = nil
            shown.proxyURL = proxy.string
        }
        let hidden: [(String, Bool)] = [
            ("client_key", definition.clientKey != nil), ("proxy_username", proxy?.user != nil), ("proxy_password", proxy?.password != nil),
            ("username", definition.username != nil), ("password", definition.password != nil),
        ]
        return .object([
            ("name", .string(stored.name)), ("settings", .rendered(shown.encoded())),
            ("hidden_fields", .array(hidden.map { .object([("name", .string($0.0)), ("is_set", .bool($0.1))]) })),
            ("created", .string(stored.createdAt.iso8601)), ("last_sync", .optional(stored.lastSyncAt?.iso8601)),
            ("last_result", stored.lastResult.map(JSONValue.rendered) ?? .null),
        ])
    }
}
