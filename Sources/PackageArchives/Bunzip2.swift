import SystemBzip2

/// A bzip2 decoder (libbz2) for `.tar.bz2` sdists, fed in chunks; concatenated streams (as
/// parallel bzip2 tools write them) are read one after the other.
final class Bunzip2: StreamDecoder {
    let formatName = "bzip2"
    private var stream = bz_stream()
    private(set) var finished = false

    init() throws(ArchiveError) {
        try start()
    }

    deinit { BZ2_bzDecompressEnd(&stream) }

    private func start() throws(ArchiveError) {
        let status = BZ2_bzDecompressInit(&stream, 0, 0)
        guard status == BZ_OK else { throw ArchiveError(.corrupt, "libbz2 could not start (status \(status))") }
    }

    func decodeChunk(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var next = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var remaining = UInt32(input.count)
        try withOutputBuffer { (output) throws(ArchiveError) in
            while remaining > 0 || !finished {
                if finished {
                    // Another stream follows the first.
                    BZ2_bzDecompressEnd(&stream)
                    stream = bz_stream()
                    try start()
                    finished = false
                }
                stream.next_in = next
                stream.avail_in = remaining
                stream.next_out = output.baseAddress!.assumingMemoryBound(to: CChar.self)
                stream.avail_out = UInt32(output.count)
                let status = BZ2_bzDecompress(&stream)
                next = stream.next_in
                remaining = stream.avail_in
                let produced = output.count - Int(stream.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
                switch status {
                case BZ_STREAM_END:
                    finished = true
                case BZ_OK:
                    if remaining == 0 && stream.avail_out > 0 { return }
                default:
                    throw ArchiveError(.corrupt, "the bzip2 data is corrupt (libbz2 status \(status)): the file is damaged or not bzip2")
                }
            }
        }
    }
}
