/// A zip file read from memory: its central directory, and entries inflated on request with
/// their sizes and CRC checked. Zip64 records are understood; encrypted entries and methods
/// other than stored and deflate are refused.
struct ZipArchive {
    struct Entry {
        var path: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int64
        var uncompressedSize: Int64
        var localHeaderOffset: Int64
        var isSymlink: Bool
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var entries: [Entry] = []

    init(_ bytes: UnsafeRawBufferPointer, limits: ArchiveLimits) throws(ArchiveError) {
        self.bytes = bytes
        let end = try Self.findEndOfCentralDirectory(bytes)
        var count = Int64(read16(end + 10))
        var size = Int64(read32(end + 12))
        var offset = Int64(read32(end + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            (count, size, offset) = try readZip64End(locatorAt: end - 20)
        }
        guard count <= Int64(limits.maximumEntries) else {
            throw ArchiveError(.tooLarge, "the zip file lists \(count) entries, more than the \(limits.maximumEntries) allowed")
        }
        guard offset >= 0, size >= 0, offset <= Int64(bytes.count), size <= Int64(bytes.count) - offset else {
            throw ArchiveError(.corrupt, "the zip file's central directory lies outside the file (truncated?)")
        }
        var cursor = Int(offset)
        var expanded: Int64 = 0
        for _ in 0..<count {
            let entry = try readCentralEntry(at: &cursor)
            // Each size is checked before the sum, so that crafted zip64 sizes cannot overflow it.
            try limits.check(expanded: entry.uncompressedSize, compressed: Int64(bytes.count), what: "the zip file")
            expanded += entry.uncompressedSize
            try limits.check(expanded: expanded, compressed: Int64(bytes.count), what: "the zip file")
            entries.append(entry)
        }
    }

    private func read16(_ at: Int) -> UInt16 { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
    private func read32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
    private func read64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }

    private static func findEndOfCentralDirectory(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) -> Int {
        guard bytes.count >= 22 else { throw ArchiveError(.corrupt, "the file is too short to be a zip file") }
        let lowest = Swift.max(0, bytes.count - 22 - 0xFFFF)
        var at = bytes.count - 22
        while at >= lowest {
            if bytes[at] == 0x50, bytes[at + 1] == 0x4B, bytes[at + 2] == 0x05, bytes[at + 3] == 0x06 { return at }
            at -= 1
        }
        throw ArchiveError(.corrupt, "no zip end-of-central-directory record: the file is not a zip file or is truncated")
    }

    private func readZip64End(locatorAt locator: Int) throws(ArchiveError) -> (Int64, Int64, Int64) {
        guard locator >= 0, read32(locator) == 0x0706_4B50 else {
            throw ArchiveError(.corrupt, "the zip64 end-of-central-directory locator is missing")
        }
        let record = read64(locator + 8)
        guard bytes.count >= 56, record <= UInt64(bytes.count - 56), read32(Int(record)) == 0x0606_4B50 else {
            throw ArchiveError(.corrupt, "the zip64 end-of-central-directory record is missing")
        }
        let at = Int(record)
        let values = [read64(at + 32), read64(at + 40), read64(at + 48)]
        guard values.allSatisfy({ $0 < UInt64(Int64.max) }) else { throw ArchiveError(.corrupt, "the zip64 record is corrupt") }
        return (Int64(values[0]), Int64(values[1]), Int64(values[2]))
    }

    private func readCentralEntry(at cursor: inout Int) throws(ArchiveError) -> Entry {
        guard cursor + 46 <= bytes.count, read32(cursor) == 0x0201_4B50 else {
            throw ArchiveError(.corrupt, "a zip central directory entry is corrupt or truncated")
        }
        let nameLength = Int(read16(cursor + 28))
        let extraLength = Int(read16(cursor + 30))
        let commentLength = Int(read16(cursor + 32))
        let next = cursor + 46 + nameLength + extraLength + commentLength
        guard next <= bytes.count else { throw ArchiveError(.corrupt, "a zip central directory entry is truncated") }
        let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[cursor + 46..<cursor + 46 + nameLength])
        let flags = read16(cursor + 8)
        // Bit 11 says UTF-8; otherwise the name is CP437, which agrees with ASCII.
        let path = String(decoding: nameBytes, as: UTF8.self)
        let madeBy = read16(cursor + 4) >> 8
        let mode = read32(cursor + 38) >> 16
        var entry = Entry(
            path: path, method: read16(cursor + 10), flags: flags, crc: read32(cursor + 16),
            compressedSize: Int64(read32(cursor + 20)), uncompressedSize: Int64(read32(cursor + 24)),
            localHeaderOffset: Int64(read32(cursor + 42)), isSymlink: madeBy == 3 && mode & 0o170000 == 0o120000)
        try applyZip64Extra(&entry, extra: cursor + 46 + nameLength, length: extraLength)
        cursor = next
        return entry
    }

    /// Replaces 0xFFFFFFFF sizes and offsets with the zip64 extra field's 64-bit values.
    private func applyZip64Extra(_ entry: inout Entry, extra start: Int, length: Int) throws(ArchiveError) {
        var at = start
        while at + 4 <= start + length {
            let id = read16(at)
            let size = Int(read16(at + 2))
            guard at + 4 + size <= start + length else { throw ArchiveError(.corrupt, "a zip extra field is truncated") }
            if id == 0x0001 {
                var field = at + 4
                let fieldEnd = at + 4 + size
                func next() throws(ArchiveError) -> Int64 {
                    guard field + 8 <= fieldEnd else { throw ArchiveError(.corrupt, "a zip64 extra field is truncated") }
                    defer { field += 8 }
                    return Int64(bitPattern: read64(field))
                }
                if entry.uncompressedSize == 0xFFFF_FFFF { entry.uncompressedSize = try next() }
                if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = try next() }
                if entry.localHeaderOffset == 0xFFFF_FFFF { entry.localHeaderOffset = try next() }
            }
            at += 4 + size
        }
        guard entry.uncompressedSize >= 0, entry.compressedSize >= 0, entry.localHeaderOffset >= 0 else {
            throw ArchiveError(.corrupt, "the zip entry '\(entry.path)' has impossible sizes")
        }
    }

    /// The content of `entry`, inflated, if it is at most `limit` bytes; sizes and CRC-32 are
    /// checked against the directory.
    func read(_ entry: Entry, limit: Int, limits: ArchiveLimits) throws(ArchiveError) -> [UInt8] {
        guard entry.flags & 1 == 0 else { throw ArchiveError(.unsupported, "the zip entry '\(entry.path)' is encrypted") }
        guard entry.uncompressedSize <= Int64(limit) else {
            throw ArchiveError(.tooLarge, "'\(entry.path)' is \(entry.uncompressedSize) bytes, more than the \(limit) allowed")
        }
        try limits.check(expanded: entry.uncompressedSize, compressed: entry.compressedSize, what: "'\(entry.path)'")
        guard entry.localHeaderOffset <= Int64(bytes.count - 30), read32(Int(entry.localHeaderOffset)) == 0x0403_4B50 else {
            throw ArchiveError(.corrupt, "the local header of '\(entry.path)' is missing or corrupt")
        }
        let header = Int(entry.localHeaderOffset)
        let dataStart = header + 30 + Int(read16(header + 26)) + Int(read16(header + 28))
        guard dataStart <= bytes.count, entry.compressedSize <= Int64(bytes.count - dataStart) else {
            throw ArchiveError(.corrupt, "the data of '\(entry.path)' runs past the end of the file (truncated?)")
        }
        let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<dataStart + Int(entry.compressedSize)])
        var output: [UInt8] = []
        output.reserveCapacity(Int(entry.uncompressedSize))
        switch entry.method {
        case 0:
            output.append(contentsOf: data)
        case 8:
            let inflater = try Inflater(.raw)
            try inflater.decode(data) { (piece) throws(ArchiveError) in
                guard output.count + piece.count <= Int(entry.uncompressedSize) else {
                    throw ArchiveError(.corrupt, "'\(entry.path)' inflates to more than its declared \(entry.uncompressedSize) bytes")
                }
                output.append(contentsOf: piece)
            }
            guard inflater.finished else { throw ArchiveError(.corrupt, "the compressed data of '\(entry.path)' is truncated") }
        default:
            throw ArchiveError(.unsupported, "'\(entry.path)' uses zip compression method \(entry.method); only stored and deflate are read")
        }
        guard output.count == Int(entry.uncompressedSize) else {
            throw ArchiveError(.corrupt, "'\(entry.path)' is \(output.count) bytes but the directory says \(entry.uncompressedSize)")
        }
        let crc = output.withUnsafeBytes { CRC32.checksum($0) }
        guard UInt32(crc) == entry.crc else { throw ArchiveError(.corrupt, "'\(entry.path)' fails its CRC-32 check") }
        return output
    }
}
