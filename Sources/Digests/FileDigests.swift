import Crypto
public import PythonPackaging

/// The digests PyPI's JSON API lists for a file, and its size.
public struct FileDigests: Sendable, Hashable {
    public let sha256: PythonPackaging.SHA256Digest
    public let md5: String
    public let blake2b256: String
    public let size: Int64

    public init(sha256: PythonPackaging.SHA256Digest, md5: String, blake2b256: String, size: Int64) {
        self.sha256 = sha256
        self.md5 = md5
        self.blake2b256 = blake2b256
        self.size = size
    }

    /// The digests of bytes already in memory.
    public static func of(_ bytes: some Collection<UInt8>) -> FileDigests {
        var hasher = DigestHasher()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// Computes all three digests in one pass over a stream of chunks.
public struct DigestHasher: Sendable {
    private var sha256 = SHA256()
    private var md5 = Insecure.MD5()
    private var blake2b = BLAKE2b(outputLength: 32)
    public private(set) var size: Int64 = 0

    public init() {}

    public mutating func update(_ chunk: UnsafeRawBufferPointer) {
        sha256.update(bufferPointer: chunk)
        md5.update(bufferPointer: chunk)
        blake2b.update(chunk)
        size += Int64(chunk.count)
    }

    public mutating func update(_ chunk: some Collection<UInt8>) {
        if chunk.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(chunk).withUnsafeBytes { update($0) }
        }
    }

    /// The sha256 so far, without finishing the others (for a quick identity check).
    public func currentSHA256() -> PythonPackaging.SHA256Digest { PythonPackaging.SHA256Digest(bytes: Array(sha256.finalize())) }

    public func finalize() -> FileDigests {
        FileDigests(
            sha256: PythonPackaging.SHA256Digest(bytes: Array(sha256.finalize())), md5: Hex.encode(md5.finalize()),
            blake2b256: Hex.encode(blake2b.finalize()), size: size)
    }
}

/// Lowercase hexadecimal text of bytes.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` is `length` lowercase or uppercase hex digits.
    public static func isHex(_ text: String, length: Int) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
    }
}
