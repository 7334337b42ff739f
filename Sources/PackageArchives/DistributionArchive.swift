public import PythonPackaging

/// The metadata file read out of a distribution, with what else the archive holds.
public struct ArchiveMetadata: Sendable, Hashable {
    /// The METADATA / PKG-INFO file exactly as stored (what PEP 658 serves).
    public let metadataBytes: [UInt8]
    /// Its path inside the archive.
    public let metadataPath: String
    public let metadata: CoreMetadata
    /// For wheels: whether the `.dist-info` directory has `WHEEL` and `RECORD`.
    public let hasWheelFile: Bool
    public let hasRecord: Bool
}

/// Reads the core metadata out of a wheel (`*.dist-info/METADATA`), an sdist (`PKG-INFO` in
/// the top directory of a `.tar.gz`, `.zip`, or the older `.tar.bz2`, `.tar.xz` and `.tar`) or an egg (`EGG-INFO/PKG-INFO`), checking the
/// archive's framing on the way: every entry path must stay inside the archive, links must
/// not escape it, and expansion is capped.
public enum DistributionArchive {
    public static func readMetadata(
        of filename: DistributionFilename, from bytes: UnsafeRawBufferPointer, limits: ArchiveLimits = .default
    ) throws(ArchiveError) -> ArchiveMetadata {
        switch filename {
        case .wheel:
            return try readWheel(bytes, limits: limits)
        case .egg:
            return try readZip(bytes, limits: limits, isMetadata: { $0.count == 2 && $0[0] == "EGG-INFO" && $0[1] == "PKG-INFO" })
        case .sdist(let sdist):
            switch sdist.fileExtension {
            case ".tar.gz", ".tgz": return try readTar(bytes, limits: limits, decoder: try Inflater(.gzip))
            case ".tar.bz2", ".tbz": return try readTar(bytes, limits: limits, decoder: try Bunzip2())
            case ".tar.xz": return try readTar(bytes, limits: limits, decoder: try XZDecoder(memoryLimit: limits.maximumDecoderMemory))
            case ".tar": return try readTar(bytes, limits: limits, decoder: UncompressedStream())
            case ".zip": return try readZip(bytes, limits: limits, isMetadata: { $0.count == 2 && $0[1] == "PKG-INFO" })
            default:
                throw ArchiveError(
                    .unsupported,
                    "reading metadata from '\(sdist.fileExtension)' sdists is not supported; only .tar.gz, .tar.bz2, .tar.xz, .tar and .zip")
            }
        }
    }

    private static func readWheel(_ bytes: UnsafeRawBufferPointer, limits: ArchiveLimits) throws(ArchiveError) -> ArchiveMetadata {
        let (archive, entry, content) = try readZipMetadata(bytes, limits: limits, kind: "wheel", file: "METADATA", missing: ".dist-info/METADATA file") {
            $0.count == 2 && $0[0].hasSuffix(".dist-info") && $0[1] == "METADATA"
        }
        let directory = EntryPath.components(entry.path)[0]
        let names = Set(archive.entries.map { EntryPath.components($0.path).map(String.init) }.filter { $0.count == 2 && $0[0] == directory }.map { $0[1] })
        return ArchiveMetadata(
            metadataBytes: content, metadataPath: entry.path, metadata: CoreMetadata(parsing: content),
            hasWheelFile: names.contains("WHEEL"), hasRecord: names.contains("RECORD"))
    }

    private static func readZip(
        _ bytes: UnsafeRawBufferPointer, limits: ArchiveLimits, isMetadata: ([Substring]) -> Bool
    ) throws(ArchiveError) -> ArchiveMetadata {
        let (_, entry, content) = try readZipMetadata(
            bytes, limits: limits, kind: "archive", file: "PKG-INFO", missing: "PKG-INFO file at its top", isMetadata: isMetadata)
        return ArchiveMetadata(
            metadataBytes: content, metadataPath: entry.path, metadata: CoreMetadata(parsing: content), hasWheelFile: false,
            hasRecord: false)
    }

    /// Opens a zip, checks its entry paths, and reads its one metadata entry; none (`missing`
    /// says what was looked for), or more than one, is an error.
    private static func readZipMetadata(
        _ bytes: UnsafeRawBufferPointer, limits: ArchiveLimits, kind: String, file: String, missing: String, isMetadata: ([Substring]) -> Bool
    ) throws(ArchiveError) -> (ZipArchive, ZipArchive.Entry, [UInt8]) {
        let archive = try ZipArchive(bytes, limits: limits)
        try checkPaths(archive)
        let candidates = archive.entries.filter { isMetadata(EntryPath.components($0.path)) }
        guard let entry = candidates.first else { throw ArchiveError(.missingMetadata, "the \(kind) has no \(missing)") }
        guard candidates.count == 1 else {
            throw ArchiveError(
                .duplicateMetadata, "the \(kind) has more than one \(file) file: \(candidates.map(\.path).joined(separator: ", "))")
        }
        return (archive, entry, try archive.read(entry, limit: limits.maximumMetadataSize, limits: limits))
    }

    private static func checkPaths(_ archive: ZipArchive) throws(ArchiveError) {
        var seen = Set<String>()
        for entry in archive.entries {
            if let problem = EntryPath.problem(entry.path) { throw ArchiveError(.unsafePath, problem) }
            if entry.isSymlink { throw ArchiveError(.unsafePath, "the entry '\(entry.path)' is a symbolic link, which distributions may not contain") }
            guard seen.insert(entry.path).inserted else {
                throw ArchiveError(.corrupt, "the entry '\(entry.path)' appears more than once in the zip file")
            }
        }
    }

    private static func readTar(_ bytes: UnsafeRawBufferPointer, limits: ArchiveLimits, decoder: some StreamDecoder) throws(ArchiveError) -> ArchiveMetadata {
        let maximumMetadata = limits.maximumMetadataSize
        var metadataPath: String?
        var reader = TarReader { (entry) throws(ArchiveError) -> Int? in
            if let problem = EntryPath.problem(entry.path) { throw ArchiveError(.unsafePath, problem) }
            let parts = EntryPath.components(entry.path)
            let isMetadata = parts.count == 2 && parts[1] == "PKG-INFO"
            if entry.kind == .symlink || entry.kind == .hardlink {
                if isMetadata { throw ArchiveError(.unsafePath, "'\(entry.path)' is a link, not a file") }
                try checkLink(entry, parts: parts)
            }
            guard isMetadata && entry.kind == .file else { return nil }
            // Refused at the second one, so that repeated copies are never all held in memory.
            if let first = metadataPath {
                throw ArchiveError(.duplicateMetadata, "the sdist has more than one top-level PKG-INFO: \(first), \(entry.path)")
            }
            metadataPath = entry.path
            return maximumMetadata
        }
        var expanded: Int64 = 0
        let take = { (piece: UnsafeRawBufferPointer) throws(ArchiveError) in
            expanded += Int64(piece.count)
            try limits.check(expanded: expanded, compressed: Int64(bytes.count), what: "the sdist")
            try reader.feed(piece)
        }
        try decoder.decode(bytes, sink: take)
        try decoder.finish(sink: take)
        guard decoder.finished else { throw ArchiveError(.corrupt, "the \(decoder.formatName) stream is truncated") }
        try reader.finish()
        guard let (entry, content) = reader.kept.first else {
            throw ArchiveError(.missingMetadata, "the sdist has no PKG-INFO file in its top directory")
        }
        return ArchiveMetadata(
            metadataBytes: content, metadataPath: entry.path, metadata: CoreMetadata(parsing: content), hasWheelFile: false,
            hasRecord: false)
    }

    /// A link must point inside the archive: relative, and not above the archive's root.
    private static func checkLink(_ entry: TarReader.Entry, parts: [Substring]) throws(ArchiveError) {
        let target = entry.linkTarget
        if target.hasPrefix("/") || EntryPath.problem(target)?.contains("absolute") == true {
            throw ArchiveError(.unsafePath, "the link '\(entry.path)' points to the absolute path '\(target)'")
        }
        // Hard link targets are relative to the archive root; symlinks to the link's directory.
        var depth = entry.kind == .hardlink ? 0 : parts.count - 1
        for component in target.split(separator: "/") where component != "." {
            depth += component == ".." ? -1 : 1
            if depth < 0 { throw ArchiveError(.unsafePath, "the link '\(entry.path)' points outside the archive ('\(target)')") }
        }
    }
}
