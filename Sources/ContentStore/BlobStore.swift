public import Digests
public import PythonPackaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging
public import NIOCore
public import _NIOFileSystem
import Synchronization

/// Files stored by content: `artifacts/ab/cd/<sha256>` under the data directory. Bytes are
/// written to `tmp/`, hashed while they stream, flushed to disk and only then renamed into
/// place, so a reader never sees a partial file and the same bytes are stored once.
public struct BlobStore: Sendable {
    public let root: FilePath

    let artifacts: FilePath
    /// `artifacts` as a string ending in a slash.
    private let artifactsPrefix: String

    public init(root: FilePath) {
        self.root = root
        artifacts = root.appending("artifacts")
        artifactsPrefix = artifacts.string + "/"
    }

    var temporary: FilePath { root.appending("tmp") }

    /// Where the file with this sha256 lives (or would live).
    public func path(for sha256: SHA256Digest) -> FilePath {
        // Digests are ASCII: slicing their UTF-8 avoids the cost of Character indexing, and one
        // string avoids parsing each component (this runs for every download).
        let digits = sha256.hex.utf8
        let first = String(decoding: digits.prefix(2), as: UTF8.self)
        let second = String(decoding: digits.dropFirst(2).prefix(2), as: UTF8.self)
        return FilePath(artifactsPrefix + first + "/" + second + "/" + sha256.hex)
    }

    /// Creates the directories and, if asked, removes what interrupted writes left in `tmp/`:
    /// the files of writers that are no longer running. Another process writing there now
    /// (a sync or an upload beside the server) keeps its files.
    public func prepare(removingInterruptedWrites: Bool, logger: Logger) async throws {
        let fileSystem = FileSystem.shared
        try await fileSystem.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try await fileSystem.createDirectory(at: temporary, withIntermediateDirectories: true)
        guard removingInterruptedWrites else { return }
        let abandoned = try await fileSystem.withDirectoryHandle(atPath: temporary) { directory in
            var names: [String] = []
            for try await entry in directory.listContents() where !Self.isBeingWritten(entry.name.string) {
                names.append(entry.name.string)
            }
            return names
        }
        for name in abandoned { _ = try await fileSystem.removeItem(at: temporary.appending(name), recursively: true) }
        if !abandoned.isEmpty { logger.info("removed files left by an interrupted write", metadata: ["store.removed": "\(abandoned.count)"]) }
    }

    /// Whether a temporary file's writer still runs: its name carries the writer's process id
    /// (`upload-<pid>-<random>`). A name without one, or this process's own id (a process that
    /// ran before under the same id), means no.
    static func isBeingWritten(_ name: String) -> Bool {
        let parts = name.split(separator: "-")
        guard parts.count == 3, parts[0] == "upload", let pid = pid_t(parts[1]), pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Whether the bytes with this sha256 are stored.
    public func contains(sha256: SHA256Digest) async throws -> Bool {
        try await FileSystem.shared.info(forFileAt: path(for: sha256)) != nil
    }

    /// A writer for new bytes, refusing more than `maximumSize`.
    public func makeWriter(maximumSize: Int64 = .max) async throws -> BlobWriter {
        let path = temporary.appending("upload-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        let handle = try await FileSystem.shared.openFile(forWritingAt: path, options: .newFile(replaceExisting: false, permissions: nil))
        return BlobWriter(path: path, handle: handle, maximumSize: maximumSize)
    }

    /// Moves written bytes to their content address. If the same bytes are already stored the
    /// new copy is dropped. `expected` digests, when given, must match or nothing is kept.
    @discardableResult
    public func commit(_ blob: WrittenBlob, expectedSHA256: SHA256Digest? = nil, expectedSize: Int64? = nil) async throws -> FilePath {
        if let expectedSHA256, expectedSHA256 != blob.digests.sha256 {
            _ = try? await FileSystem.shared.removeItem(at: blob.path)
            throw StoreError(.digestMismatch, "the bytes have sha256 \(blob.digests.sha256), not the \(expectedSHA256) declared")
        }
        if let expectedSize, expectedSize != blob.digests.size {
            _ = try? await FileSystem.shared.removeItem(at: blob.path)
            throw StoreError(.digestMismatch, "the file is \(blob.digests.size) bytes, not the \(expectedSize) declared")
        }
        let destination = path(for: blob.digests.sha256)
        let fileSystem = FileSystem.shared
        if try await fileSystem.info(forFileAt: destination) != nil {
            try await fileSystem.removeItem(at: blob.path)
            // Touched: orphan cleanup leaves files changed within its protection window, and
            // these bytes are about to be named again.
            _ = utimes(destination.string, nil)
            return destination
        }
        let directory = destination.removingLastComponent()
        let isNewDirectory = try await fileSystem.info(forFileAt: directory) == nil
        if isNewDirectory { try await fileSystem.createDirectory(at: directory, withIntermediateDirectories: true) }
        // rename(2) replaces atomically: a writer storing the same bytes at the same moment
        // leaves identical bytes, and a reader never sees a missing or partial file.
        guard rename(blob.path.string, destination.string) == 0 else {
            let code = errno
            _ = try? await fileSystem.removeItem(at: blob.path)
            throw StoreError(.io, "cannot move a stored file into place at \(destination): \(String(cString: strerror(code)))")
        }
        // The rename, and the directories just made for it, must be on disk before the
        // database names the file.
        try Self.synchronizeDirectory(directory)
        if isNewDirectory {
            try Self.synchronizeDirectory(directory.removingLastComponent())
            try Self.synchronizeDirectory(artifacts)
        }
        return destination
    }

    /// Flushes a directory's entries to disk.
    static func synchronizeDirectory(_ path: FilePath) throws {
        let descriptor = open(path.string, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError(.io, "cannot open \(path) to flush it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreError(.io, "cannot flush \(path) to disk: \(String(cString: strerror(errno))); check the disk")
        }
    }

    /// Removes a stored file unless it changed after `cutoff` (stored or touched again since);
    /// its size when removed.
    func remove(sha256: SHA256Digest, unchangedSince cutoff: Timestamp) -> Int64? {
        let target = path(for: sha256).string
        var info = stat()
        guard stat(target, &info) == 0 else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000
        guard modified < cutoff.microseconds, unlink(target) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Drops written bytes that will not be kept.
    public func discard(_ blob: WrittenBlob) async {
        _ = try? await FileSystem.shared.removeItem(at: blob.path)
    }
}

/// Bytes written to a temporary file and hashed on the way, not yet part of the store.
public struct WrittenBlob: Sendable {
    public let path: FilePath
    public let digests: FileDigests
}

/// Streams bytes into a temporary file while computing their digests. Used by one task.
public final class BlobWriter {
    public let path: FilePath
    private let handle: WriteFileHandle
    private var hasher = DigestHasher()
    private let maximumSize: Int64
    private var closed = false

    init(path: FilePath, handle: WriteFileHandle, maximumSize: Int64) {
        self.path = path
        self.handle = handle
        self.maximumSize = maximumSize
    }

    /// Appends bytes. Past `maximumSize` it removes the temporary file and throws `tooLarge`.
    public func write(_ buffer: ByteBuffer) async throws {
        guard hasher.size + Int64(buffer.readableBytes) <= maximumSize else {
            await abandon()
            throw StoreError(.tooLarge, "the file is larger than the \(maximumSize) bytes allowed")
        }
        buffer.withUnsafeReadableBytes { hasher.update($0) }
        try await handle.write(contentsOf: buffer, toAbsoluteOffset: hasher.size - Int64(buffer.readableBytes))
    }

    /// Flushes the bytes to disk and closes the file.
    /// On failure (a disk error) the temporary file is removed.
    public func finish() async throws -> WrittenBlob {
        do {
            try await handle.synchronize()
            try await handle.close()
            closed = true
        } catch {
            await abandon()
            throw StoreError(.io, "cannot flush an upload to disk: \(error); check the disk")
        }
        return WrittenBlob(path: path, digests: hasher.finalize())
    }

    /// Closes and removes the temporary file.
    public func abandon() async {
        if !closed {
            closed = true
            try? await handle.close()
        }
        _ = try? await FileSystem.shared.removeItem(at: path)
    }
}

/// A verified file fetched from upstream to pass on, not to keep (streamed content), shared by
/// the requests that asked for it at once: each releases its hold once it has sent the file
/// (or when its hold is dropped unreleased: a client that hung up before its body was
/// written), and the file goes with the last hold.
public final class PassedOnFile: Sendable {
    public let path: FilePath
    private let releaseOnce: @Sendable () async -> Void
    private let released = Atomic<Bool>(false)

    public init(path: FilePath, release: @escaping @Sendable () async -> Void) {
        self.path = path
        self.releaseOnce = release
    }

    /// Gives up this hold on the file; later calls do nothing.
    public func release() async {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await releaseOnce()
    }

    deinit {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let releaseOnce = releaseOnce
        Task { await releaseOnce() }
    }
}
