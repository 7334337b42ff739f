/// A streaming reader of tar data (ustar, GNU long names, pax headers): fed the expanded
/// bytes piece by piece, it reports each entry and keeps the content of the ones asked for.
struct TarReader {
    enum Kind {
        case file, directory, symlink, hardlink, other
    }

    struct Entry {
        var path: String
        var kind: Kind
        var size: Int64
        var linkTarget: String
    }

    /// Decides, for each entry, whether to keep its content (up to the given size).
    let keep: (Entry) throws(ArchiveError) -> Int?
    private(set) var kept: [(entry: Entry, content: [UInt8])] = []
    private(set) var sawEndMarker = false

    private var header: [UInt8] = []
    private var current: Entry?
    private var remaining: Int64 = 0
    private var padding: Int64 = 0
    private var collecting: [UInt8]?
    private var pendingLongName: String?
    private var pendingLongLink: String?
    private var pendingPax: [String: String] = [:]
    private var metaKind: UInt8 = 0
    private var metaBuffer: [UInt8] = []

    init(keep: @escaping (Entry) throws(ArchiveError) -> Int?) { self.keep = keep }

    /// Feeds the next expanded bytes.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
        var offset = 0
        while offset < bytes.count {
            if sawEndMarker { return }
            if remaining > 0 {
                let take = Int(Swift.min(remaining, Int64(bytes.count - offset)))
                let piece = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take])
                if metaKind != 0 {
                    metaBuffer.append(contentsOf: piece)
                } else if collecting != nil {
                    collecting!.append(contentsOf: piece)
                }
                remaining -= Int64(take)
                offset += take
                if remaining == 0 { try finishEntry() }
                continue
            }
            if padding > 0 {
                let take = Int(Swift.min(padding, Int64(bytes.count - offset)))
                padding -= Int64(take)
                offset += take
                continue
            }
            let take = Swift.min(512 - header.count, bytes.count - offset)
            header.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
            offset += take
            if header.count == 512 {
                try startEntry()
                header.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Called after the last byte: the archive must not stop inside an entry.
    func finish() throws(ArchiveError) {
        guard remaining == 0, header.isEmpty || header.allSatisfy({ $0 == 0 }) else {
            throw ArchiveError(.corrupt, "the tar archive is truncated")
        }
    }

    private mutating func startEntry() throws(ArchiveError) {
        if header.allSatisfy({ $0 == 0 }) {
            sawEndMarker = true
            return
        }
        guard Self.checksumMatches(header) else { throw ArchiveError(.corrupt, "a tar header fails its checksum (not a tar file, or corrupt)") }
        let type = header[156]
        let size = try Self.octal(header[124..<136])
        guard size >= 0 else { throw ArchiveError(.corrupt, "a tar header has a negative size") }
        remaining = size
        padding = (512 - size % 512) % 512
        switch type {
        case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g"):
            guard size <= 1 << 20 else { throw ArchiveError(.tooLarge, "a tar extended header is larger than 1 MiB") }
            metaKind = type
            metaBuffer = []
            if size == 0 { try finishEntry() }
            return
        default:
            break
        }
        var path = pendingPax["path"] ?? pendingLongName ?? Self.headerName(header)
        let link = pendingPax["linkpath"] ?? pendingLongLink ?? Self.string(header[157..<257])
        if let paxSize = pendingPax["size"], let value = Int64(paxSize), value >= 0 {
            remaining = value
            padding = (512 - value % 512) % 512
        }
        pendingLongName = nil
        pendingLongLink = nil
        pendingPax = [:]
        let kind: Kind
        switch type {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = .file
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "1"): kind = .hardlink
        default: kind = .other
        }
        if kind == .directory, !path.hasSuffix("/") { path += "/" }
        let entry = Entry(path: path, kind: kind, size: remaining, linkTarget: link)
        current = entry
        if let limit = try keep(entry) {
            guard remaining <= Int64(limit) else {
                throw ArchiveError(.tooLarge, "'\(path)' is \(remaining) bytes, more than the \(limit) allowed")
            }
            collecting = []
        }
        if remaining == 0 { try finishEntry() }
    }

    private mutating func finishEntry() throws(ArchiveError) {
        if metaKind != 0 {
            let text = String(decoding: metaBuffer.prefix { $0 != 0 }, as: UTF8.self)
            switch metaKind {
            case UInt8(ascii: "L"): pendingLongName = text
            case UInt8(ascii: "K"): pendingLongLink = text
            case UInt8(ascii: "x"):
                // Only the keys read are kept: headers in a row must not pile up in memory.
                let records = try Self.paxRecords(metaBuffer).filter { ["path", "linkpath", "size"].contains($0.key) }
                pendingPax.merge(records) { $1 }
            default: _ = try Self.paxRecords(metaBuffer)  // global records: checked, not applied per entry
            }
            metaKind = 0
            metaBuffer = []
            return
        }
        if let entry = current, let content = collecting { kept.append((entry, content)) }
        collecting = nil
        current = nil
    }

    private static func checksumMatches(_ header: [UInt8]) -> Bool {
        guard let stored = try? octal(header[148..<156]) else { return false }
        var sum: Int64 = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int64(byte) }
        return sum == stored
    }

    /// An octal field, or GNU's base-256 form for large sizes.
    private static func octal(_ field: ArraySlice<UInt8>) throws(ArchiveError) -> Int64 {
        if let first = field.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7F)
            for byte in field.dropFirst() {
                guard value < Int64.max >> 8 else { throw ArchiveError(.corrupt, "a tar size field overflows") }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        for byte in field {
            if byte == 0 || (byte == UInt8(ascii: " ") && seenDigit) { break }
            if byte == UInt8(ascii: " ") { continue }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7"), value < Int64.max >> 3 else {
                throw ArchiveError(.corrupt, "a tar header has a malformed number")
            }
            value = value * 8 + Int64(byte - UInt8(ascii: "0"))
            seenDigit = true
        }
        return value
    }

    private static func string(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The name field, joined with the ustar prefix field when there is one.
    private static func headerName(_ header: [UInt8]) -> String {
        let name = string(header[0..<100])
        guard header[257..<262].elementsEqual("ustar".utf8) else { return name }
        let prefix = string(header[345..<500])
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// `"%d %s=%s\n"` records.
    private static func paxRecords(_ data: [UInt8]) throws(ArchiveError) -> [String: String] {
        var records: [String: String] = [:]
        var at = 0
        while at < data.count {
            guard let space = data[at...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: data[at..<space], as: UTF8.self)), length > space - at + 1, length <= data.count - at,
                data[at + length - 1] == UInt8(ascii: "\n")
            else { throw ArchiveError(.corrupt, "a pax extended header is malformed") }
            let record = data[(space + 1)..<(at + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[..<equals], as: UTF8.self)] = String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            at += length
        }
        return records
    }
}
