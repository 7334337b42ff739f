import ArgumentParser
import ContentStore
import Foundation
import PythonPackaging
import Replication

/// `wheelhouse verify [--repair]`: integrity at rest. Every stored file is read again and
/// compared with its recorded sha256 and size; with `--repair`, a missing or altered one is
/// fetched again from the upstream it was synced from, verified, and put back in place.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every stored file against its recorded sha256 and size; --repair fetches bad ones again from their upstream.",
        discussion: """
            Reads each distribution file (and PEP 658 metadata file) the store keeps, in chunks, and reports each one \
            that is missing or whose bytes changed. Exits 1 while any remains. --repair fetches such a file from the \
            upstream it was synced from, checks it against the recorded sha256, and puts it back atomically; a PEP 658 \
            metadata file is made again from the stored distribution file when that is intact. A distribution file that \
            was uploaded here has no upstream, and is reported as not repairable (restore it from a backup).
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Check only what this distribution serves (repeatable; its base path).") var distribution: [String] = []
    @Flag(help: "Fetch missing or altered files again from their upstream.") var repair = false

    func run() async throws {
        let contentStore = try await store.openStore()
        let files = try await contentStore.recordedFiles(basePaths: distribution.isEmpty ? nil : distribution)
        var problems: [JSONValue] = []
        var lines: [String] = []
        var remaining = 0
        var bytes: Int64 = 0
        for (index, file) in files.enumerated() {
            if index > 0, index % 1000 == 0 { FileHandle.standardError.write(Data("checked \(index) of \(files.count) files\n".utf8)) }
            bytes += file.size ?? 0
            guard let fault = try await contentStore.check(file) else { continue }
            let name = file.names.first ?? file.sha256.hex
            var outcome = "not repaired"
            if repair {
                outcome = await Self.repair(file, in: contentStore)
            }
            if outcome != "repaired" { remaining += 1 }
            problems.append(
                .object([
                    ("file", .string(name)), ("sha256", .string(file.sha256.hex)), ("problem", .string(fault.description)),
                    ("outcome", .string(outcome)),
                ]))
            lines.append("\(name) (sha256 \(file.sha256)): \(fault); \(outcome)")
        }
        let summary = "Checked \(files.count) stored files (\(bytes) bytes of distribution files): \(problems.count) bad, \(remaining) remaining."
        Output.print(
            .object([("checked", .integer(Int64(files.count))), ("problems", .array(problems)), ("remaining", .integer(Int64(remaining)))]),
            json: store.json, text: (lines + [summary]).joined(separator: "\n"))
        if remaining > 0 { throw ExitCode(1) }
    }

    /// Fetches a file again from its upstream and restores it; what happened, in words.
    private static func repair(_ file: RecordedFile, in store: ContentStore) async -> String {
        // A PEP 658 metadata file is made again from the distribution file that holds it.
        if file.size == nil, (try? await store.regenerateMetadata(file)) == true { return "repaired" }
        guard let url = file.upstreamURL else { return "not repairable: it was not synced from an upstream (restore it from a backup)" }
        do {
            let blob = try await URLFetcher.fetch(url, filename: file.names.first ?? file.sha256.hex, into: store.blobs, logger: Log.logger)
            try await store.restore(blob, as: file)
            return "repaired"
        } catch {
            return "not repaired: \(error)"
        }
    }
}
