import ArgumentParser
import ContentStore
import Foundation
import PythonPackaging

/// `wheelhouse user …`: named accounts. Each may upload (twine) and manage the server through
/// the management API (pulp-cli's --username/--password, with the password or a token); staff
/// accounts manage the others. `__token__` is the upload token's.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the accounts that may upload and use the management API, and their tokens.",
        subcommands: [Create.self, List.self, Delete.self, TokenCommand.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account, or set its password: from --password-file, else a generated one printed once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The user name.") var username: String
        @Option(help: "A file whose first line is the password (kept out of the process list).") var passwordFile: String?
        @Flag(help: "Make the account staff: it manages the other accounts (users/ in the API).") var staff = false

        func run() async throws {
            do {
                try Account.check(username: username)
            } catch let error as StoreError {
                throw CommandFailure(error.message + " __token__ is set by WHEELHOUSE_UPLOAD_TOKEN.")
            }
            var password = ContentStore.newPassword()
            var generated = true
            if let passwordFile {
                guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else { throw CommandFailure("cannot read \(passwordFile)") }
                password = String(text.prefix { $0 != "\n" && $0 != "\r" })
                guard password.count >= 8 else { throw CommandFailure("the password in \(passwordFile) is shorter than 8 characters") }
                generated = false
            }
            let contentStore = try await store.openStore(creating: true)
            try await contentStore.setPassword(username: username, password: password)
            if staff, var profile = try await contentStore.account(username: username)?.profile {
                profile.isStaff = true
                try await contentStore.updateAccount(username: username, profile: profile)
            }
            let value = JSONValue.object([("username", .string(username))] + (generated ? [("password", .string(password))] : []))
            Output.print(
                value, json: store.json,
                text: generated ? "The account '\(username)' has the password: \(password)\n(It is stored hashed and will not be shown again.)"
                    : "The account '\(username)' has the password from \(passwordFile ?? "")."
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let accounts = try await store.openStore().accounts()
            let value = JSONValue.array(
                accounts.map {
                    .object([
                        ("username", .string($0.username)), ("staff", .bool($0.profile.isStaff)), ("active", .bool($0.profile.isActive)),
                        ("created", .string($0.createdAt.iso8601)),
                    ])
                })
            let text = accounts.map {
                [$0.username, $0.profile.isStaff ? "staff" : "", $0.profile.isActive ? "" : "inactive", $0.createdAt.iso8601].filter { !$0.isEmpty }
                    .joined(separator: "  ")
            }
            Output.print(value, json: store.json, text: text.joined(separator: "\n"))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account and its tokens: they no longer sign in.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The user name.") var username: String

        func run() async throws {
            let contentStore = try await store.openStore()
            guard try await contentStore.account(username: username) != nil else { throw CommandFailure("there is no account '\(username)'") }
            try await contentStore.deleteAccount(username: username)
            Output.print(.object([("deleted", .string(username))]), json: store.json, text: "Deleted the account '\(username)'.")
        }
    }
}
