/// The header/body structure of a METADATA or PKG-INFO file, split the way Python's email
/// parser (`compat32` policy) splits it, which is what `packaging.metadata.parse_email` and
/// therefore pip and Warehouse read.
///
/// Header values keep their folded continuation lines (`"a\n  b"`); the body is everything
/// after the first blank line, or after the first line that cannot be a header. Only the
/// header block is split into lines; the body, most of the bytes, is taken whole.
struct MetadataMessage {
    struct Header {
        /// The name as written (case kept).
        var name: ArraySlice<UInt8>
        /// The raw value bytes: leading blanks removed, the final line ending removed.
        var value: ArraySlice<UInt8>
    }

    var headers: [Header] = []
    var body: ArraySlice<UInt8> = []

    init(_ data: [UInt8]) {
        self = data.withUnsafeBufferPointer { Self(data, buffer: $0) }
    }

    private init(_ data: [UInt8], buffer: UnsafeBufferPointer<UInt8>) {
        // The header lines: up to the first line that cannot be a header; a blank one is
        // dropped, any other starts the body.
        var headerLines: [Range<Int>] = []
        var cursor = 0
        var bodyStart = data.count
        while cursor < data.count {
            let end = Self.lineEnd(buffer, from: cursor)
            if Self.canBeHeaderLine(buffer, cursor..<end) {
                headerLines.append(cursor..<end)
                cursor = end
                continue
            }
            let first = data[cursor]
            bodyStart = first == UInt8(ascii: "\n") || first == UInt8(ascii: "\r") ? end : cursor
            break
        }
        // A "From " line last among several header lines is the first line of the body.
        var bodyPrefix: Range<Int>?
        if let last = headerLines.last, headerLines.count > 1, Self.startsWithFrom(buffer, last) {
            headerLines.removeLast()
            bodyPrefix = last
        }
        var index = 0
        while index < headerLines.count {
            let line = headerLines[index]
            index += 1
            let first = data[line.lowerBound]
            // A continuation with no header before it, and "From " lines, are dropped.
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || Self.startsWithFrom(buffer, line) { continue }
            guard let colon = data[line].firstIndex(of: UInt8(ascii: ":")), colon > line.lowerBound else { continue }
            var continuations = index
            while continuations < headerLines.count,
                data[headerLines[continuations].lowerBound] == UInt8(ascii: " ") || data[headerLines[continuations].lowerBound] == UInt8(ascii: "\t")
            {
                continuations += 1
            }
            let value = Self.value(data, colon: colon, lines: headerLines[(index - 1)..<continuations])
            headers.append(Header(name: data[line.lowerBound..<colon], value: value))
            index = continuations
        }
        if let bodyPrefix {
            body = ArraySlice(Array(data[bodyPrefix]) + data[bodyStart...])
        } else {
            body = data[bodyStart...]
        }
    }

    /// The end of the line starting at `start`, past its ending (`\r\n`, `\r` or `\n`).
    private static func lineEnd(_ data: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
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
    private static func value(_ data: [UInt8], colon: Int, lines: ArraySlice<Range<Int>>) -> ArraySlice<UInt8> {
        var start = colon + 1
        let firstEnd = lines.first!.upperBound
        while start < firstEnd, data[start] == UInt8(ascii: " ") || data[start] == UInt8(ascii: "\t") { start += 1 }
        var end = lines.last!.upperBound
        while end > start, data[end - 1] == UInt8(ascii: "\n") || data[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        // The lines are contiguous in the file, so the value is one slice of it.
        return data[start..<end]
    }
}
