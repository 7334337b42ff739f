import ArgumentParser
import ContentStore
import PythonPackaging

/// `wheelhouse user token …`: an account's tokens. A token signs in in place of the password
/// (`NAME` and the token, for pulp-cli and twine), or as `__token__` for uploads only.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Make, list and revoke an account's tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token for an account; it is printed once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The user name.") var username: String
        @Option(help: "What the token is for, to tell it apart later.") var label = ""

        func run() async throws {
            let (token, text) = try await store.openStore().createToken(username: username, label: label)
            Output.print(
                .object([("id", .integer(token.id)), ("username", .string(username)), ("token", .string(text))]), json: store.json,
                text: "Token \(token.id) of '\(username)': \(text)\n(Only its digest is stored; it will not be shown again.)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's tokens (not their text).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The user name.") var username: String

        func run() async throws {
            let tokens = try await store.openStore().tokens(username: username)
            let value = JSONValue.array(
                tokens.map { .object([("id", .integer($0.id)), ("label", .string($0.label)), ("created", .string($0.createdAt.iso8601))]) })
            Output.print(value, json: store.json, text: tokens.map { "\($0.id)  \($0.createdAt.iso8601)  \($0.label)" }.joined(separator: "\n"))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke one of an account's tokens: it signs in no more.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The user name.") var username: String
        @Argument(help: "The token's ID (from `token list`).") var id: Int64

        func run() async throws {
            try await store.openStore().revokeToken(username: username, id: id)
            Output.print(.object([("revoked", .integer(id))]), json: store.json, text: "Revoked token \(id) of '\(username)'.")
        }
    }
}
