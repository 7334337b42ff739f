import SystemZlib

/// Builds zip, tar and gzip files in memory, including broken and hostile ones, so that the
/// tests make their own fixtures.
public enum ArchiveBuilder {
    /// One zip entry, with knobs to make it lie.
    public struct ZipEntry {
        public var path: String
        public var data: [UInt8]
        public var deflate = true
        public var isSymlink = false
        public var encrypted = false
        public var method: UInt16?
        public var declaredSize: UInt32?
        public var crc: UInt32?
        /// Values the central directory gives in a zip64 extra field instead (its 32-bit fields
        /// then say 0xFFFFFFFF), whatever the real sizes and offset are.
        public var zip64Size: UInt64?
        public var zip64CompressedSize: UInt64?
        public var zip64Offset: UInt64?

        public init(_ path: String, _ data: [UInt8], deflate: Bool = true) {
            self.path = path
            self.data = data
            self.deflate = deflate
        }

        public init(_ path: String, _ text: String) { self.init(path, Array(text.utf8)) }
    }

    /// A zip file; `zip64Directory` replaces the end record's directory size and offset with a
    /// zip64 end record giving those values.
    public static func zip(_ entries: [ZipEntry], zip64Directory: (size: UInt64, offset: UInt64)? = nil) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let payload = entry.deflate ? rawDeflate(entry.data) : entry.data
            let method = entry.method ?? (entry.deflate ? 8 : 0)
            let crc = entry.crc ?? UInt32(crc32(0, entry.data, uInt(entry.data.count)))
            let name = Array(entry.path.utf8)
            let flags: UInt16 = (entry.encrypted ? 1 : 0) | 0x0800
            let size = entry.declaredSize ?? UInt32(entry.data.count)
            let offset = UInt32(out.count)
            out += le32(0x0403_4B50) + le16(20) + le16(flags) + le16(method) + le16(0) + le16(0x21)
            out += le32(crc) + le32(UInt32(payload.count)) + le32(size) + le16(UInt16(name.count)) + le16(0) + name + payload
            let mode: UInt32 = entry.isSymlink ? 0o120777 : 0o100644
            central += le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(flags) + le16(method) + le16(0) + le16(0x21)
            let zip64 = [entry.zip64Size, entry.zip64CompressedSize, entry.zip64Offset].compactMap { $0 }.flatMap(le64)
            let extra = zip64.isEmpty ? [] : le16(1) + le16(UInt16(zip64.count)) + zip64
            let wide: UInt32 = 0xFFFF_FFFF
            central += le32(crc) + le32(entry.zip64CompressedSize == nil ? UInt32(payload.count) : wide)
            central += le32(entry.zip64Size == nil ? size : wide) + le16(UInt16(name.count)) + le16(UInt16(extra.count)) + le16(0)
            central += le16(0) + le16(0) + le32(mode << 16) + le32(entry.zip64Offset == nil ? offset : wide) + name + extra
        }
        let centralOffset = UInt32(out.count)
        out += central
        if let zip64Directory {
            let record = UInt64(out.count)
            out += le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
            out += le64(UInt64(entries.count)) + le64(UInt64(entries.count)) + le64(zip64Directory.size) + le64(zip64Directory.offset)
            out += le32(0x0706_4B50) + le32(0) + le64(record) + le32(1)
        }
        let directorySize = zip64Directory == nil ? UInt32(central.count) : 0xFFFF_FFFF
        let directoryOffset = zip64Directory == nil ? centralOffset : 0xFFFF_FFFF
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(directorySize) + le32(directoryOffset) + le16(0)
        return out
    }

    /// A tar entry.
    public struct TarEntry {
        public enum Kind: UInt8 {
            case file = 0x30, hardlink = 0x31, symlink = 0x32, directory = 0x35
            /// A pax extended header whose records are the entry's data, as given.
            case paxHeader = 0x78
        }

        public var path: String
        public var data: [UInt8]
        public var kind: Kind
        public var link: String

        public init(_ path: String, _ data: [UInt8], kind: Kind = .file, link: String = "") {
            self.path = path
            self.data = data
            self.kind = kind
            self.link = link
        }

        public init(_ path: String, _ text: String) { self.init(path, Array(text.utf8)) }
    }

    /// A ustar archive; names longer than 100 bytes get a pax header.
    public static func tar(_ entries: [TarEntry], corruptChecksum: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            if entry.path.utf8.count > 99 {
                let record = paxRecord("path", entry.path)
                out += header(name: "PaxHeader", size: record.count, type: UInt8(ascii: "x"), link: "", corrupt: false)
                out += padded(record)
            }
            out += header(name: String(entry.path.prefix(99)), size: entry.data.count, type: entry.kind.rawValue, link: entry.link, corrupt: corruptChecksum)
            out += padded(entry.data)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    public static func gzip(_ data: [UInt8]) -> [UInt8] { deflate(data, windowBits: 31) }

    public static func rawDeflate(_ data: [UInt8]) -> [UInt8] { deflate(data, windowBits: -15) }

    /// Minimal METADATA text for a project; `extra` holds further header lines.
    public static func metadata(name: String, version: String, extra: String = "") -> String {
        "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\nSummary: A test project\n\(extra)"
    }

    /// A well-formed wheel for `name` and `version`, plus any extra entries.
    public static func wheel(name: String, version: String, metadata: String? = nil, extra: [ZipEntry] = []) -> [UInt8] {
        let distInfo = "\(name)-\(version).dist-info"
        return zip(
            [
                ZipEntry("\(name)/__init__.py", "VALUE = 1\n"),
                ZipEntry("\(distInfo)/METADATA", metadata ?? Self.metadata(name: name, version: version)),
                ZipEntry("\(distInfo)/WHEEL", "Wheel-Version: 1.0\nGenerator: wheelhouse-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
                ZipEntry("\(distInfo)/RECORD", ""),
            ] + extra)
    }

    /// A well-formed `.tar.gz` sdist.
    public static func sdist(name: String, version: String, metadata: String? = nil, extra: [TarEntry] = []) -> [UInt8] {
        let top = "\(name)-\(version)"
        return gzip(
            tar(
                [
                    TarEntry("\(top)/PKG-INFO", metadata ?? Self.metadata(name: name, version: version)),
                    TarEntry("\(top)/setup.py", "from setuptools import setup\nsetup()\n"),
                ] + extra))
    }

    private static func deflate(_ data: [UInt8], windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                SystemZlib.deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    private static func header(name: String, size: Int, type: UInt8, link: String, corrupt: Bool) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(size, radix: 8).leftPadded(to: 11), at: 124)
        put("00000000000", at: 136)
        block[156] = type
        put(link, at: 157)
        put("ustar", at: 257)
        put("00", at: 263)
        for index in 148..<156 { block[index] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) } + (corrupt ? 1 : 0)
        put(String(sum, radix: 8).leftPadded(to: 6), at: 148)
        block[154] = 0
        block[155] = 0x20
        return block
    }

    private static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length += 1 }
        return Array("\(length)\(body)".utf8)
    }

    private static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    private static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> ($0 * 8)) & 0xFF) } }
    private static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8((value >> ($0 * 8)) & 0xFF) } }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}

/// Builds `multipart/form-data` bodies the way twine sends an upload.
public struct MultipartBuilder: Sendable {
    public let boundary = "wheelhouse-test-boundary-\(UInt32.random(in: 0...UInt32.max))"
    private var body: [UInt8] = []

    public init() {}

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public mutating func field(_ name: String, _ value: String) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    public mutating func file(_ name: String, filename: String, _ data: [UInt8]) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += data + Array("\r\n".utf8)
    }

    /// The finished body, closing boundary included.
    public func build() -> [UInt8] { body + Array("--\(boundary)--\r\n".utf8) }

    /// An upload of `data` as `filename` with twine's fields (`:action`, digests, name, version).
    public static func upload(filename: String, data: [UInt8], name: String, version: String, sha256: String?, filetype: String = "bdist_wheel") -> MultipartBuilder {
        var builder = MultipartBuilder()
        builder.field(":action", "file_upload")
        builder.field("protocol_version", "1")
        builder.field("name", name)
        builder.field("version", version)
        builder.field("filetype", filetype)
        builder.field("metadata_version", "2.1")
        if let sha256 { builder.field("sha256_digest", sha256) }
        builder.file("content", filename: filename, data)
        return builder
    }
}
