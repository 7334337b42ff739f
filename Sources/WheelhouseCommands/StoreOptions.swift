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

    func openStore() async throws -> ContentStore {
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        return try await ContentStore.open(directory: FilePath(path), logger: Log.logger)
    }
}

/// The process-wide logger: structured lines on standard error, level from `LOG_LEVEL`.
enum Log {
    static let logger: Logger = {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "wheelhouse")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }()
}

/// Errors the commands raise themselves, with what to do.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
