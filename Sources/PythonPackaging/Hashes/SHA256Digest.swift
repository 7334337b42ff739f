/// A sha256 digest as indexes write it: 64 lowercase hexadecimal digits. A value exists only
/// after its text was checked (or it was computed), so it is safe to put in a file path, a URL
/// or a page without further escaping.
public struct SHA256Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 64 lowercase hexadecimal digits.
    public let hex: String

    /// Reads 64 hexadecimal digits, in either case (upper case is lowered); nil for anything else.
    public init?(hex text: some StringProtocol) {
        guard text.utf8.count == 64 else { return nil }
        var digits: [UInt8] = []
        digits.reserveCapacity(64)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): digits.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digits.append(byte | 0x20)
            default: return nil
            }
        }
        hex = String(decoding: digits, as: UTF8.self)
    }

    /// The digest of 32 bytes a hash function produced.
    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 32, "a sha256 digest is 32 bytes")
        let alphabet = Array("0123456789abcdef".utf8)
        var digits: [UInt8] = []
        digits.reserveCapacity(64)
        for byte in bytes {
            digits.append(alphabet[Int(byte >> 4)])
            digits.append(alphabet[Int(byte & 0x0F)])
        }
        hex = String(decoding: digits, as: UTF8.self)
    }

    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool { lhs.hex < rhs.hex }

    public var description: String { hex }
}
