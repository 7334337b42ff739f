import SystemZlib

/// A zlib inflate stream for raw deflate (zip entries) or gzip (sdists), fed in chunks.
final class Inflater: StreamDecoder {
    enum Format {
        /// Raw deflate data, as stored in zip entries.
        case raw
        /// gzip, with any number of concatenated members.
        case gzip
    }

    private var stream = z_stream()
    private let format: Format
    private(set) var finished = false

    init(_ format: Format) throws(ArchiveError) {
        self.format = format
        let status = inflateInit2_(&stream, format == .raw ? -15 : 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ArchiveError(.corrupt, "zlib could not start (status \(status))") }
    }

    deinit { inflateEnd(&stream) }

    var formatName: String { format == .gzip ? "gzip" : "deflate" }

    /// Inflates `input` and passes each piece of output to `sink`; input after the end of a
    /// raw deflate stream is ignored.
    func decodeChunk(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        try withOutputBuffer { (output) throws(ArchiveError) in
        while stream.avail_in > 0 || !finished {
            if finished {
                // Another gzip member may follow the first.
                guard format == .gzip, stream.avail_in > 0 else { break }
                guard inflateReset(&stream) == Z_OK else { throw ArchiveError(.corrupt, "the gzip stream is corrupt") }
                finished = false
            }
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count)
            let status = SystemZlib.inflate(&stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            switch status {
            case Z_STREAM_END:
                finished = true
            case Z_OK:
                if produced == 0 && stream.avail_in == 0 { return }
            case Z_BUF_ERROR:
                if stream.avail_in == 0 { return }
                throw ArchiveError(.corrupt, "the \(formatName) data is corrupt: the file is damaged or not \(formatName)")
            default:
                throw ArchiveError(.corrupt, "the \(formatName) data is corrupt (zlib status \(status)): the file is damaged or not \(formatName)")
            }
        }
        }
    }
}

/// CRC-32 as zip uses it.
enum CRC32 {
    static func checksum(_ bytes: UnsafeRawBufferPointer, previous: UInt = 0) -> UInt {
        guard let base = bytes.baseAddress else { return previous }
        var crc = previous
        var start = 0
        // zlib counts the length in 32 bits: a chunk at a time.
        while start < bytes.count {
            let length = min(chunkLimit, bytes.count - start)
            crc = crc32(crc, (base + start).assumingMemoryBound(to: Bytef.self), uInt(length))
            start += length
        }
        return crc
    }
}
