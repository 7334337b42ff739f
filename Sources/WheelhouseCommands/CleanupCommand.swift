import ArgumentParser
import ContentStore
import PythonPackaging

/// `wheelhouse cleanup`: orphan cleanup, as Pulp's `orphans/cleanup/`.
struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove packages no repository version holds, and the stored files nothing names, after a protection time.",
        discussion: """
            As Pulp's orphan cleanup: packages that no repository version (old ones included) holds, recorded before the \
            protection time, go; then the stored files (and PEP 658 metadata files) that no package names any more and \
            that were not stored or touched within it. An upload or a sync running meanwhile touches what it stores, so \
            it keeps it. Runs beside `serve`.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Minutes an orphan is kept after it was recorded or its file stored (Pulp's orphan_protection_time).")
    var protectionTime: Int64 = 1440

    func run() async throws {
        guard (0...52_560_000).contains(protectionTime) else { throw CommandFailure("--protection-time is 0 to 52560000 minutes") }
        let cutoff = Timestamp(microseconds: Timestamp.now().microseconds - protectionTime * 60_000_000)
        let cleanup = try await store.openStore().removeOrphans(recordedBefore: cutoff)
        Output.print(
            .object([("packages", .integer(Int64(cleanup.packages))), ("files", .integer(Int64(cleanup.files))), ("bytes", .integer(cleanup.bytes))]),
            json: store.json,
            text: "Removed \(cleanup.packages) orphan packages and \(cleanup.files) stored files (\(cleanup.bytes) bytes).")
    }
}
