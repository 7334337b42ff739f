/// The sort keys of many versions (`Version.appendSortKey`) in one buffer, sorted sixteen
/// bytes at a time: by bytes 0–15 as two words (`WordSortRecord.sort`), then each run that ties
/// there by bytes 16–31, and so on, as deep as the keys go. Duplicates and long shared prefixes cost a
/// pass per sixteen bytes, not comparisons of whole keys.
struct SortKeyTable {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where each key starts, and where the last ends.
    let starts: [Int]

    func length(_ index: Int) -> Int { starts[index + 1] - starts[index] }

    /// Key `index`'s bytes `16 * depth` to `16 * depth + 15` as two big-endian words, zeros
    /// standing in past the key's end.
    func record(for index: Int, depth: Int) -> WordSortRecord {
        let start = starts[index] + depth * 16
        let end = starts[index + 1]
        if start + 16 <= end, let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base + start)
            return WordSortRecord(
                high: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)), index: index)
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for position in 0..<8 {
            high = high << 8 | UInt64(start + position < end ? bytes[start + position] : 0)
            low = low << 8 | UInt64(start + 8 + position < end ? bytes[start + 8 + position] : 0)
        }
        return WordSortRecord(high: high, low: low, index: index)
    }

    /// Whether the keys of `records`, all of one length, are byte for byte the same.
    private func identical(_ records: ArraySlice<WordSortRecord>) -> Bool {
        guard let base = bytes.baseAddress, let first = records.first else { return true }
        let count = length(first.index)
        let reference = base + starts[first.index]
        return records.dropFirst().allSatisfy { record in
            let other = base + starts[record.index]
            var offset = 0
            while offset + 8 <= count {
                if UnsafeRawPointer(reference).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != UnsafeRawPointer(other).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                {
                    return false
                }
                offset += 8
            }
            while offset < count, reference[offset] == other[offset] { offset += 1 }
            return offset == count
        }
    }

    /// Sorts `records` (made at `depth`) by their whole keys, equal keys by index.
    func sort(_ records: inout [WordSortRecord], depth: Int) {
        WordSortRecord.sort(&records)
        let covered = (depth + 1) * 16
        var start = 0
        while start < records.count {
            var end = start + 1
            var longest = length(records[start].index)
            var sameLength = true
            while end < records.count, records[end].high == records[start].high, records[end].low == records[start].low {
                let size = length(records[end].index)
                sameLength = sameLength && size == longest
                longest = max(longest, size)
                end += 1
            }
            if end - start > 1 {
                if sameLength, identical(records[start..<end]) {
                    // Duplicates (common in long lists): already in index order.
                } else if longest > covered {
                    // The keys go on: order this run by their next sixteen bytes.
                    var run = records[start..<end].map { record(for: $0.index, depth: depth + 1) }
                    sort(&run, depth: depth + 1)
                    records.replaceSubrange(start..<end, with: run)
                } else if !sameLength {
                    // Equal but for zero padding: the shorter key is a prefix of the longer.
                    records[start..<end].sort { (length($0.index), $0.index) < (length($1.index), $1.index) }
                }
            }
            start = end
        }
    }
}
