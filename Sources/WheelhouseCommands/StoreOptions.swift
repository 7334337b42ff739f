import ArgumentParser
import ContentStore
import Foundation
import Logging
import _NIOFileSystem

/// The options every store command shares: where the data is, and how to print.
struct StoreOptions: ParsableArguments {
    @Option(help: "The data directory (default: $WHEELHOUSE_DATA_DIR, else ./wheelhouse-data).")
    var dataDir: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// The data directory to use.
    var directory: String {
        dataDir ?? ProcessInfo.processInfo.environment["WHEELHOUSE_DATA_DIR"] ?? "wheelhouse-data"
    }

    /// Opens the store. Only commands that make things (`creating`) start a new one, so that a
    /// mistyped `--data-dir` is an error rather than a new, empty index. A new store gets the
    /// `default` repository and distribution. Only the server (`removingInterruptedWrites`)
    /// clears what a crash left in `tmp/`.
    func openStore(creating: Bool = false, removingInterruptedWrites: Bool = false) async throws -> ContentStore {
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard creating || FileManager.default.fileExists(atPath: path + "/" + ContentStore.databaseFilename) else {
            throw CommandFailure(
                "there is no Wheelhouse store in '\(path)': check --data-dir (or $WHEELHOUSE_DATA_DIR); serve, sync, upload and the create commands make one")
        }
        let store = try await ContentStore.open(directory: FilePath(path), logger: Log.logger, removingInterruptedWrites: removingInterruptedWrites)
        try await Self.setUpFirstUse(store)
        return store
    }

    private static func setUpFirstUse(_ store: ContentStore) async throws {
        guard try await store.repositories().isEmpty, try await store.distributions().isEmpty else { return }
        do {
            let repository = try await store.createRepository(name: "default")
            _ = try await store.createDistribution(name: "default", basePath: "default", target: .repository(repository.id))
        } catch let error as StoreError where error.code == .conflict {
            // Another process set it up at the same moment.
        }
    }
}

/// The process-wide logger: structured lines on standard error, level from `LOG_LEVEL`.
enum Log {
    static let logger: Logger = {
        LoggingSystem.bootstrap { LineLogHandler(label: $0) }
        var logger = Logger(label: "wheelhouse")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        return logger
    }()
}

/// Errors the commands raise themselves, with what to do.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
