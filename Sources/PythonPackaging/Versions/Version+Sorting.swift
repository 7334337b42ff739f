extension Sequence where Element == Version {
    /// The versions in `packaging`'s order, equal ones keeping their relative order.
    ///
    /// Much faster than `sorted()` on long lists: each version is encoded once into bytes that
    /// compare with `memcmp` in the same order (`Version.appendSortKey`), and the sort moves
    /// small plain records instead of reference-counted versions.
    public func sortedByPrecedence() -> [Version] {
        let versions = Array(self)
        return Version.sortedIndices(versions).map { versions[$0] }
    }
}

extension Version {
    /// `items` sorted by the version each carries, in `packaging`'s order (stable).
    public static func sorted<Item>(_ items: [Item], by version: (Item) -> Version) -> [Item] {
        sortedIndices(items.map(version)).map { items[$0] }
    }

    /// One entry of the sort: the first eight key bytes as a big-endian word (most comparisons
    /// end there), then where the whole key is.
    private struct SortRecord {
        var prefix: UInt64
        var offset: UInt32
        var length: UInt32
        var index: Int
    }

    /// The positions of `versions` in sorted order (stable).
    static func sortedIndices(_ versions: [Version]) -> [Int] {
        var keys: [UInt8] = []
        keys.reserveCapacity(versions.count * 12)
        var records: [SortRecord] = []
        records.reserveCapacity(versions.count)
        for (index, version) in versions.enumerated() {
            let start = keys.count
            version.appendSortKey(to: &keys)
            var prefix: UInt64 = 0
            for position in 0..<8 {
                prefix = prefix << 8 | UInt64(start + position < keys.count ? keys[start + position] : 0)
            }
            records.append(SortRecord(prefix: prefix, offset: UInt32(start), length: UInt32(keys.count - start), index: index))
        }
        radixSort(&records)
        // Records whose first eight key bytes tie are ordered by their whole keys.
        keys.withUnsafeBufferPointer { keys in
            let base = keys.baseAddress!
            var start = 0
            while start < records.count {
                var end = start + 1
                while end < records.count, records[end].prefix == records[start].prefix { end += 1 }
                if end - start > 1 {
                    records[start..<end].sort { a, b in
                        let order = compareBytes(base + Int(a.offset), Int(a.length), base + Int(b.offset), Int(b.length))
                        return order != 0 ? order < 0 : a.index < b.index
                    }
                }
                start = end
            }
        }
        return records.map(\.index)
    }

    /// A stable least-significant-digit radix sort on `prefix`, a byte at a time, skipping the
    /// bytes every record shares.
    private static func radixSort(_ records: inout [SortRecord]) {
        guard records.count > 1 else { return }
        var scratch = records
        var differing: UInt64 = 0
        let first = records[0].prefix
        for record in records { differing |= record.prefix ^ first }
        var counts = [Int](repeating: 0, count: 257)
        for shift in stride(from: 0, to: 64, by: 8) where (differing >> UInt64(shift)) & 0xFF != 0 {
            for index in counts.indices { counts[index] = 0 }
            for record in records { counts[Int((record.prefix >> UInt64(shift)) & 0xFF) + 1] += 1 }
            for index in 1..<257 { counts[index] += counts[index - 1] }
            for record in records {
                let bucket = Int((record.prefix >> UInt64(shift)) & 0xFF)
                scratch[counts[bucket]] = record
                counts[bucket] += 1
            }
            swap(&records, &scratch)
        }
    }

    /// Byte-wise comparison, a shorter key first when one is a prefix of the other.
    @inline(__always)
    private static func compareBytes(_ a: UnsafePointer<UInt8>, _ countA: Int, _ b: UnsafePointer<UInt8>, _ countB: Int) -> Int {
        let shared = Swift.min(countA, countB)
        var index = 0
        while index + 8 <= shared {
            let left = UInt64(bigEndian: UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self))
            let right = UInt64(bigEndian: UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self))
            if left != right { return left < right ? -1 : 1 }
            index += 8
        }
        while index < shared {
            if a[index] != b[index] { return a[index] < b[index] ? -1 : 1 }
            index += 1
        }
        return countA == countB ? 0 : (countA < countB ? -1 : 1)
    }

    /// Appends bytes that order exactly as `packaging` orders versions, so that comparing two
    /// keys byte by byte (shorter first when one is a prefix) compares the versions.
    ///
    /// Numbers are a length byte (one more than the count of significant bytes) then the bytes
    /// big-endian, so longer means larger; numbers beyond 64 bits use lengths above 9. The
    /// release ends with a 0 byte, below any number; ranks are single bytes; local segments are
    /// tagged text (1) or number (2) and the label ends with a 0 byte.
    func appendSortKey(to key: inout [UInt8]) {
        let shape = self.shape
        Self.appendNumber(number(at: 0), to: &key)
        for index in 0..<significantReleaseCount { Self.appendNumber(number(at: index + 1), to: &key) }
        key.append(0)
        key.append(UInt8(shape.preRank + 1))
        Self.appendNumber(shape.preKind >= 0 ? number(at: shape.releaseCount + 1) : 0, to: &key)
        key.append(shape.hasPost ? 1 : 0)
        Self.appendNumber(shape.hasPost ? number(at: shape.releaseCount + 2) : 0, to: &key)
        key.append(shape.hasDev ? 0 : 1)
        Self.appendNumber(shape.hasDev ? number(at: shape.releaseCount + 3) : 0, to: &key)
        guard var label = localDescription else {
            key.append(0)
            return
        }
        key.append(1)
        label.withUTF8 { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                var digitsOnly = true
                while end < bytes.count, bytes[end] != UInt8(ascii: ".") {
                    digitsOnly = digitsOnly && PythonText.isASCIIDigit(bytes[end])
                    end += 1
                }
                let segment = bytes[start..<end]
                if digitsOnly {
                    key.append(2)
                    Self.appendNumber(VersionNumber(digits: segment), to: &key)
                } else {
                    key.append(1)
                    key.append(contentsOf: segment)
                    key.append(0)
                }
                start = end + 1
            }
        }
        key.append(0)
    }

    @inline(__always)
    private static func appendNumber(_ number: VersionNumber, to key: inout [UInt8]) {
        switch number {
        case .small(let value):
            let byteCount = (64 - value.leadingZeroBitCount + 7) / 8
            key.append(UInt8(byteCount + 1))
            for shift in stride(from: (byteCount - 1) * 8, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        case .large(let digits):
            // Longer digit strings are larger numbers; beyond 64 bits there are at least 20 digits.
            let count = digits.utf8.count
            key.append(UInt8(min(10 + count / 256, 255)))
            key.append(UInt8(count % 256))
            key.append(contentsOf: digits.utf8)
        }
    }
}
