/// The header/body structure of a METADATA or PKG-INFO file, split the way Python's email
/// parser (`compat32` policy) splits it, which is what `packaging.metadata.parse_email` and
/// therefore pip and Warehouse read.
///
/// Header values keep their folded continuation lines (`"a\n  b"`); the body is everything
/// after the first blank line, or after the first line that cannot be a header. Only the
/// header block is split into lines; the body, most of the bytes, is taken whole.
struct MetadataMessage {
    /// Where one header is in the file.
    struct Header {
        /// The name as written (case kept).
        var name: Range<Int>
        /// The raw value: leading blanks removed, the final line ending removed.
        var value: Range<Int>
    }

    var headers: [Header] = []
    /// The body: a "From " line taken from the headers' end, if any, then the rest of the file.
    var bodyPrefix: Range<Int>?
    var body: Range<Int>

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // The header lines: up to the first line that cannot be a header; a blank one is
        // dropped, any other starts the body.
        var headerLines: [Range<Int>] = []
        var cursor = 0
        var bodyStart = buffer.count
        while cursor < buffer.count {
            let end = Self.lineEnd(buffer, from: cursor)
            if Self.canBeHeaderLine(buffer, cursor..<end) {
                headerLines.append(cursor..<end)
                cursor = end
                continue
            }
            let first = buffer[cursor]
            bodyStart = first == UInt8(ascii: "\n") || first == UInt8(ascii: "\r") ? end : cursor
            break
        }
        body = bodyStart..<buffer.count
        // A "From " line last among several header lines is the first line of the body.
        if let last = headerLines.last, headerLines.count > 1, Self.startsWithFrom(buffer, last) {
            headerLines.removeLast()
            bodyPrefix = last
        }
        var index = 0
        while index < headerLines.count {
            let line = headerLines[index]
            index += 1
            let first = buffer[line.lowerBound]
            // A continuation with no header before it, and "From " lines, are dropped.
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || Self.startsWithFrom(buffer, line) { continue }
            guard let colon = buffer[line].firstIndex(of: UInt8(ascii: ":")), colon > line.lowerBound else { continue }
            var continuations = index
            while continuations < headerLines.count,
                buffer[headerLines[continuations].lowerBound] == UInt8(ascii: " ") || buffer[headerLines[continuations].lowerBound] == UInt8(ascii: "\t")
            {
                continuations += 1
            }
            let value = Self.value(buffer, colon: colon, lines: headerLines[(index - 1)..<continuations])
            headers.append(Header(name: line.lowerBound..<colon, value: value))
            index = continuations
        }
    }

    /// The end of the line starting at `start`, past its ending (`\r\n`, `\r` or `\n`).
    private static func lineEnd(_ data: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        // Skip eight bytes at a time while none of them is a line ending.
        let raw = UnsafeRawPointer(data.baseAddress)
        while index + 8 <= data.count, let raw {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if hasZeroByte(word ^ 0x0A0A_0A0A_0A0A_0A0A) || hasZeroByte(word ^ 0x0D0D_0D0D_0D0D_0D0D) { break }
            index += 8
        }
        while index < data.count {
            let byte = data[index]
            if byte == UInt8(ascii: "\n") { return index + 1 }
            if byte == UInt8(ascii: "\r") {
                return index + 1 < data.count && data[index + 1] == UInt8(ascii: "\n") ? index + 2 : index + 1
            }
            index += 1
        }
        return index
    }

    /// Whether any of the eight bytes of `word` is zero.
    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// `^(From |[\041-\071\073-\176]*:|[\t ])`
    private static func canBeHeaderLine(_ data: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        let first = data[line.lowerBound]
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || startsWithFrom(data, line) { return true }
        for index in line {
            let byte = data[index]
            if byte == UInt8(ascii: ":") { return true }
            guard byte >= 0x21, byte <= 0x7E else { return false }
        }
        return false
    }

    private static func startsWithFrom(_ data: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        line.count >= 5 && data[line.lowerBound] == UInt8(ascii: "F") && data[line.lowerBound + 1] == UInt8(ascii: "r")
            && data[line.lowerBound + 2] == UInt8(ascii: "o") && data[line.lowerBound + 3] == UInt8(ascii: "m")
            && data[line.lowerBound + 4] == UInt8(ascii: " ")
    }

    /// The first line after its colon with leading blanks removed, then the continuation lines
    /// as they are, without the final line ending.
    private static func value(_ data: UnsafeBufferPointer<UInt8>, colon: Int, lines: ArraySlice<Range<Int>>) -> Range<Int> {
        var start = colon + 1
        let firstEnd = lines.first!.upperBound
        while start < firstEnd, data[start] == UInt8(ascii: " ") || data[start] == UInt8(ascii: "\t") { start += 1 }
        var end = lines.last!.upperBound
        while end > start, data[end - 1] == UInt8(ascii: "\n") || data[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        // The lines are contiguous in the file, so the value is one range of it.
        return start..<end
    }
}
