import Digests
import Foundation
import Testing
import TestSupport

@Suite("Digests")
struct DigestTests {
    static func bytes(_ length: Int) -> [UInt8] { (0..<length).map { UInt8(($0 * 7 + length) % 256) } }

    static func cases() throws -> [[String: Any]] {
        let url = try #require(Bundle.module.url(forResource: "digests", withExtension: "json", subdirectory: "Vectors"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return object["cases"] as! [[String: Any]]
    }

    @Test("RFC 7693 Appendix A: BLAKE2b-512 of \"abc\"")
    func rfc7693() {
        let digest = Hex.encode(BLAKE2b.hash(Array("abc".utf8), outputLength: 64))
        #expect(digest == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    }

    @Test("BLAKE2b-256 of the empty string")
    func empty() {
        #expect(Hex.encode(BLAKE2b.hash([UInt8]())) == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
    }

    @Test("sha256, md5 and blake2b agree with Python's hashlib around block boundaries")
    func hashlib() throws {
        let key = (0..<64).map(UInt8.init)
        for item in try Self.cases() {
            let length = item["length"] as! Int
            let data = Self.bytes(length)
            let digests = FileDigests.of(data)
            #expect(digests.sha256.hex == item["sha256"] as! String, "sha256 of \(length) bytes")
            #expect(digests.md5 == item["md5"] as! String, "md5 of \(length) bytes")
            #expect(digests.blake2b256 == item["blake2b_256"] as! String, "blake2b-256 of \(length) bytes")
            #expect(digests.size == Int64(length))
            #expect(Hex.encode(BLAKE2b.hash(data, outputLength: 64)) == item["blake2b_512"] as! String)
            var keyed = BLAKE2b(outputLength: 64, key: key)
            keyed.update(data)
            #expect(Hex.encode(keyed.finalize()) == item["blake2b_512_keyed"] as! String, "keyed blake2b-512 of \(length) bytes")
        }
    }

    @Test("streaming in uneven chunks gives the one-shot digests")
    func streaming() {
        let data = Self.bytes(100_003)
        let whole = FileDigests.of(data)
        for chunk in [1, 7, 127, 128, 129, 4096, 65_537] {
            var hasher = DigestHasher()
            var offset = 0
            while offset < data.count {
                let end = min(offset + chunk, data.count)
                hasher.update(data[offset..<end])
                offset = end
            }
            #expect(hasher.finalize() == whole, "chunks of \(chunk)")
        }
    }

    @Test("every corpus file hashes to its SHA256SUMS entry")
    func corpus() throws {
        let sums = try Corpus.checksums()
        #expect(sums.count == 70)
        for (filename, sha256) in sums {
            #expect(FileDigests.of(try Corpus.data(filename)).sha256.hex == sha256, "\(filename)")
        }
    }

    @Test("hex helpers")
    func hex() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.isHex("00abFF", length: 6))
        #expect(!Hex.isHex("00abfg", length: 6))
        #expect(!Hex.isHex("00ab", length: 6))
    }
}
