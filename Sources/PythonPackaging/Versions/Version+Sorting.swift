extension Sequence where Element == Version {
    /// The versions in `packaging`'s order, equal ones keeping their relative order.
    ///
    /// Much faster than `sorted()` on long lists: versions held in two words (nearly all of an
    /// index's) are radix-sorted on those words and rebuilt from them; the rest are encoded
    /// once into bytes that compare with `memcmp` in the same order (`Version.appendSortKey`)
    /// and merged in. When more than one in eight is of the second kind, all of them go the
    /// byte-key way.
    public func sortedByPrecedence() -> [Version] {
        let versions = Array(self)
        return Version.sorted(versions, packed: { packed, _ in Version(.packed(packed)) }, stored: { versions[$0] })
    }
}

extension Version {
    /// `items` sorted by the version each carries, in `packaging`'s order (stable).
    public static func sorted<Item>(_ items: [Item], by version: (Item) -> Version) -> [Item] {
        sortedIndices(items.map(version)).map { items[$0] }
    }

    /// The positions of `versions` in sorted order (stable).
    static func sortedIndices(_ versions: [Version]) -> [Int] {
        sorted(versions, packed: { _, index in index }, stored: { $0 })
    }

    /// The sorted order of `versions` (stable), each entry made by `packed` from a packed
    /// version and its position or by `stored` from the position of any other.
    fileprivate static func sorted<Output>(
        _ versions: [Version], packed makePacked: (PackedVersion, Int) -> Output, stored makeStored: (Int) -> Output
    ) -> [Output] {
        var packed: [WordSortRecord] = []
        packed.reserveCapacity(versions.count)
        // The suffix bits the sort leaves out (the release length as written), by position.
        var spellings = [UInt8](repeating: 0, count: versions.count)
        var stored: [Int] = []
        for (index, version) in versions.enumerated() {
            if case .packed(let words) = version.representation {
                packed.append(WordSortRecord(high: words.release, low: words.suffix >> 11, index: index))
                spellings[index] = UInt8(truncatingIfNeeded: words.suffix >> 8) & 0x7
            } else {
                stored.append(index)
            }
        }
        // Merging costs mixed comparisons per stored version: worth it while they are few.
        guard stored.count * 8 <= versions.count else { return keySortedIndices(versions).map(makeStored) }
        WordSortRecord.sort(&packed)
        // Rebuilt from its record, a packed version is not read again from `versions`.
        func output(_ record: WordSortRecord) -> Output {
            makePacked(
                PackedVersion(release: record.high, suffix: record.low << 11 | UInt64(spellings[record.index]) << 8), record.index)
        }
        guard !stored.isEmpty else { return packed.map(output) }
        let storedOrder = keySortedIndices(stored.map { versions[$0] }).map { stored[$0] }
        var result: [Output] = []
        result.reserveCapacity(versions.count)
        var next = 0
        for (position, end) in mergePoints(packed, storedOrder, of: versions) {
            for record in packed[next..<end] { result.append(output(record)) }
            result.append(makeStored(position))
            next = end
        }
        for record in packed[next...] { result.append(output(record)) }
        return result
    }

    /// For each stored position in order, how many sorted packed records come before it,
    /// keeping equal versions in their original order. Each stored version finds its place by
    /// galloping from the previous one's, so this costs about log2 of the gaps in comparisons.
    private static func mergePoints(_ packed: [WordSortRecord], _ stored: [Int], of versions: [Version]) -> [(Int, Int)] {
        var points: [(Int, Int)] = []
        points.reserveCapacity(stored.count)
        var next = 0
        for position in stored {
            let version = versions[position]
            func sortsAfter(_ record: WordSortRecord) -> Bool {
                let order = versions[record.index].compare(to: version)
                return order > 0 || (order == 0 && record.index > position)
            }
            // The first packed record that sorts after this stored version: gallop, then bisect.
            var low = next
            var step = 1
            var high = next
            while high < packed.count, !sortsAfter(packed[high]) {
                low = high + 1
                high = next + step
                step *= 2
            }
            high = min(high, packed.count)
            while low < high {
                let middle = (low + high) / 2
                if sortsAfter(packed[middle]) {
                    high = middle
                } else {
                    low = middle + 1
                }
            }
            points.append((position, low))
            next = low
        }
        return points
    }

    /// The positions of `versions` in sorted order (stable), through byte keys: the general
    /// path, for versions that do not fit two words.
    static func keySortedIndices(_ versions: [Version]) -> [Int] {
        var bytes = SortKeyBuffer(capacity: versions.count * 24)
        var starts: [Int] = []
        starts.reserveCapacity(versions.count + 1)
        for version in versions {
            starts.append(bytes.count)
            version.appendSortKey(to: &bytes)
        }
        starts.append(bytes.count)
        return bytes.withWritten { written in
            let keys = SortKeyTable(bytes: written, starts: starts)
            var records = versions.indices.map { keys.record(for: $0, depth: 0) }
            keys.sort(&records, depth: 0)
            return records.map(\.index)
        }
    }

    /// Appends bytes that order exactly as `packaging` orders versions, so that comparing two
    /// keys byte by byte (shorter first when one is a prefix) compares the versions.
    ///
    /// Numbers are a length byte (one more than the count of significant bytes) then the bytes
    /// big-endian, so longer means larger; numbers beyond 64 bits use lengths above 9. The
    /// release ends with a 0 byte, below any number; ranks are single bytes; local segments are
    /// tagged text (1) or number (2) and the label ends with a 0 byte.
    func appendSortKey(to key: inout SortKeyBuffer) {
        switch representation {
        case .packed(let packed):
            key.reserve(8 + 10 * 8)
            Self.appendPublicKey(packed.shape, significant: packed.significantReleaseCount, to: &key) { .small(packed.number(at: $0)) }
            key.append(0)
        case .stored(let storage):
            storage.withUnsafeMutablePointers { header, words in
                let shape = header.pointee.shape
                // Ten bytes per number and twelve per label byte are more than a key needs.
                let largeDigits = header.pointee.large?.reduce(0) { $0 + $1.description.utf8.count } ?? 0
                key.reserve(8 + 10 * (shape.releaseCount + 4) + largeDigits + 12 * ((header.pointee.localLabel?.utf8.count ?? 0) + 1))
                let significant = header.pointee.significantReleaseCount
                if let large = header.pointee.large {
                    Self.appendPublicKey(shape, significant: significant, to: &key) { large[$0] }
                } else {
                    Self.appendPublicKey(shape, significant: significant, to: &key) { .small(words[$0]) }
                }
                guard let label = header.pointee.localLabel else {
                    key.append(0)
                    return
                }
                key.append(1)
                if label.utf8.withContiguousStorageIfAvailable({ Self.appendLocalKey($0, to: &key) }) == nil {
                    Array(label.utf8).withUnsafeBufferPointer { Self.appendLocalKey($0, to: &key) }
                }
                key.append(0)
            }
        }
    }

    /// Epoch, significant release, pre, post and dev; `number` gives the number at a word
    /// position (see `VersionStorage`).
    @inline(__always)
    private static func appendPublicKey(
        _ shape: VersionStorage.Shape, significant: Int, to key: inout SortKeyBuffer, number: (Int) -> VersionNumber
    ) {
        appendNumber(number(0), to: &key)
        for index in 0..<significant { appendNumber(number(index + 1), to: &key) }
        key.append(0)
        key.append(UInt8(shape.preRank + 1))
        appendNumber(shape.preKind >= 0 ? number(shape.releaseCount + 1) : 0, to: &key)
        key.append(shape.hasPost ? 1 : 0)
        appendNumber(shape.hasPost ? number(shape.releaseCount + 2) : 0, to: &key)
        key.append(shape.hasDev ? 0 : 1)
        appendNumber(shape.hasDev ? number(shape.releaseCount + 3) : 0, to: &key)
    }

    /// The local label's segments: text (1) then its bytes and a 0, or number (2) then it.
    private static func appendLocalKey(_ bytes: UnsafeBufferPointer<UInt8>, to key: inout SortKeyBuffer) {
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
                appendNumber(VersionNumber(digits: segment), to: &key)
            } else {
                key.append(1)
                key.append(contentsOf: segment)
                key.append(0)
            }
            start = end + 1
        }
    }

    @inline(__always)
    private static func appendNumber(_ number: VersionNumber, to key: inout SortKeyBuffer) {
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
