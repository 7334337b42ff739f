/// One version in a sort: two words that order as one 128-bit integer (`high` first), and
/// where the version was. For a packed version they are the whole order (`PackedVersion`'s
/// release, and its suffix with the bits that do not count shifted out); for others they are
/// the first sixteen bytes of the sort key (`Version.appendSortKey`).
struct WordSortRecord {
    var high: UInt64
    var low: UInt64
    var index: Int

    /// Sorts stably by (high, low): a least-significant-digit radix sort a byte at a
    /// time, with every histogram counted in one pass and the bytes all records share skipped.
    /// Short lists use a comparison sort, which is cheaper below a few hundred records.
    static func sort(_ records: inout [WordSortRecord]) {
        guard records.count > 1 else { return }
        if records.count < 256 {
            records.sort { ($0.high, $0.low, $0.index) < ($1.high, $1.low, $1.index) }
            return
        }
        // Digit d (0...15): bytes 0...7 of `low`, least significant first, then those of `high`.
        var counts = [Int](repeating: 0, count: 16 * 256)
        counts.withUnsafeMutableBufferPointer { counts in
            for record in records {
                for byte in 0..<8 {
                    counts[byte << 8 | Int(truncatingIfNeeded: record.low >> UInt64(byte << 3)) & 0xFF] += 1
                    counts[(8 + byte) << 8 | Int(truncatingIfNeeded: record.high >> UInt64(byte << 3)) & 0xFF] += 1
                }
            }
        }
        var scratch = records
        for digit in 0..<16 {
            let histogram = counts[(digit << 8)..<((digit + 1) << 8)]
            if histogram.contains(records.count) { continue }  // every record has the same byte here
            var offsets = [Int](repeating: 0, count: 256)
            var total = 0
            for (bucket, count) in histogram.enumerated() {
                offsets[bucket] = total
                total += count
            }
            let shift = UInt64((digit & 7) << 3)
            let fromHigh = digit >= 8
            records.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        for record in source {
                            let word = fromHigh ? record.high : record.low
                            let bucket = Int(truncatingIfNeeded: word >> shift) & 0xFF
                            target[offsets[bucket]] = record
                            offsets[bucket] += 1
                        }
                    }
                }
            }
            swap(&records, &scratch)
        }
    }
}
