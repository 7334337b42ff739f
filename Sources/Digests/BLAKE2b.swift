/// BLAKE2b (RFC 7693), the hash behind PyPI's `blake2b_256` digests (a 32-byte output).
///
/// A small, self-contained implementation: swift-crypto does not expose BLAKE2, and linking
/// libsodium for one function would add a runtime library to every deployment. It is checked
/// against RFC 7693's test vectors and Python's `hashlib.blake2b` in the test suite.
public struct BLAKE2b: Sendable {
    private static let iv: [UInt64] = [
        0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179,
    ]

    /// The message word schedule of each of the ten distinct rounds, flattened.
    private static let sigma: [Int] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ]

    private var state: [UInt64]
    private var buffer: [UInt8]
    private var bufferCount = 0
    private var bytesLow: UInt64 = 0
    private var bytesHigh: UInt64 = 0
    private let outputLength: Int

    /// A hasher with an output of `outputLength` bytes (1 to 64) and an optional key (up to 64 bytes).
    public init(outputLength: Int = 32, key: [UInt8] = []) {
        precondition((1...64).contains(outputLength) && key.count <= 64, "BLAKE2b takes 1 to 64 output bytes and a key of at most 64")
        self.outputLength = outputLength
        var state = Self.iv
        state[0] ^= 0x0101_0000 ^ (UInt64(key.count) << 8) ^ UInt64(outputLength)
        self.state = state
        self.buffer = [UInt8](repeating: 0, count: 128)
        if !key.isEmpty {
            buffer.replaceSubrange(0..<key.count, with: key)
            bufferCount = 128
        }
    }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            if bufferCount == 128 {
                count(128)
                compress(last: false)
                bufferCount = 0
            }
            // Whole blocks straight from the input, keeping the final one back in case it is the last.
            if bufferCount == 0 {
                while bytes.count - offset > 128 {
                    count(128)
                    buffer.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 128])) }
                    compress(last: false)
                    offset += 128
                }
            }
            let take = Swift.min(128 - bufferCount, bytes.count - offset)
            buffer.withUnsafeMutableBytes { destination in
                UnsafeMutableRawBufferPointer(rebasing: destination[bufferCount..<bufferCount + take])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
            }
            bufferCount += take
            offset += take
        }
    }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        Array(bytes).withUnsafeBytes { update($0) }
    }

    /// The digest of everything fed so far.
    public func finalize() -> [UInt8] {
        var copy = self
        copy.count(UInt64(copy.bufferCount))
        for index in copy.bufferCount..<128 { copy.buffer[index] = 0 }
        copy.compress(last: true)
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for word in copy.state {
            for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Array(output.prefix(outputLength))
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Collection<UInt8>, outputLength: Int = 32) -> [UInt8] {
        var hasher = BLAKE2b(outputLength: outputLength)
        hasher.update(bytes)
        return hasher.finalize()
    }

    private mutating func count(_ added: UInt64) {
        let (sum, overflow) = bytesLow.addingReportingOverflow(added)
        bytesLow = sum
        if overflow { bytesHigh &+= 1 }
    }

    private mutating func compress(last: Bool) {
        let low = bytesLow
        let high = bytesHigh
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 32) { scratch in
            let v = UnsafeMutableBufferPointer(rebasing: scratch[0..<16])
            let m = UnsafeMutableBufferPointer(rebasing: scratch[16..<32])
            buffer.withUnsafeBytes { raw in
                for index in 0..<16 {
                    m[index] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                }
            }
            state.withUnsafeBufferPointer { h in
                Self.iv.withUnsafeBufferPointer { iv in
                    for index in 0..<8 {
                        v[index] = h[index]
                        v[index + 8] = iv[index]
                    }
                }
            }
            v[12] ^= low
            v[13] ^= high
            if last { v[14] = ~v[14] }
            Self.sigma.withUnsafeBufferPointer { sigma in
                for round in 0..<12 {
                    let s = UnsafeBufferPointer(rebasing: sigma[(round % 10) * 16..<(round % 10) * 16 + 16])
                    Self.mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]])
                    Self.mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]])
                    Self.mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]])
                    Self.mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]])
                    Self.mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]])
                    Self.mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]])
                    Self.mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]])
                    Self.mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]])
                }
            }
            state.withUnsafeMutableBufferPointer { h in
                for index in 0..<8 { h[index] ^= v[index] ^ v[index + 8] }
            }
        }
    }

    @inline(__always)
    private static func mix(_ v: UnsafeMutableBufferPointer<UInt64>, _ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
        v[a] = v[a] &+ v[b] &+ x
        v[d] = rotateRight(v[d] ^ v[a], 32)
        v[c] = v[c] &+ v[d]
        v[b] = rotateRight(v[b] ^ v[c], 24)
        v[a] = v[a] &+ v[b] &+ y
        v[d] = rotateRight(v[d] ^ v[a], 16)
        v[c] = v[c] &+ v[d]
        v[b] = rotateRight(v[b] ^ v[c], 63)
    }

    @inline(__always)
    private static func rotateRight(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value >> amount) | (value << (64 &- amount))
    }
}
