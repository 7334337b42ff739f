import ArgumentParser
import Foundation

/// An upstream's user name and password: the password from a file or the environment, never
/// an argument (arguments show in `ps` to every user of the machine).
struct CredentialOptions: ParsableArguments {
    @Option(help: "User name for the upstream (password from $WHEELHOUSE_UPSTREAM_PASSWORD or --password-file).")
    var username: String?
    @Option(help: "A file whose first line is the upstream's password (kept out of the process list, unlike an argument).")
    var passwordFile: String?
    /// Refused: an argument shows in `ps` to every user of the machine.
    @Option(help: .hidden)
    var password: String?

    /// The password from `--password-file` (without its line ending), else from
    /// `$WHEELHOUSE_UPSTREAM_PASSWORD`.
    func resolvedPassword() throws -> String? {
        if password != nil {
            throw CommandFailure(
                "--password would show the password to every user of this machine (in ps); put it in $WHEELHOUSE_UPSTREAM_PASSWORD or a file named by --password-file")
        }
        guard let passwordFile else { return ProcessInfo.processInfo.environment["WHEELHOUSE_UPSTREAM_PASSWORD"] }
        guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
            throw CommandFailure("cannot read the password file \(passwordFile)")
        }
        return String(text.prefix { $0 != "\n" && $0 != "\r" })
    }
}
