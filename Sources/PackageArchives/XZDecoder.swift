import SystemLzma

/// An xz decoder (liblzma) for `.tar.xz` sdists, fed in chunks, with concatenated streams
/// and stream padding as `xz` itself reads them. The decoder's memory is capped: an xz
/// header can ask for a dictionary of gigabytes.
final class XZDecoder: StreamDecoder {
    let formatName = "xz"
    private let memoryLimit: UInt64
    private var stream = lzma_stream()
    private(set) var finished = false

    init(memoryLimit: UInt64) throws(ArchiveError) {
        self.memoryLimit = memoryLimit
        let status = lzma_stream_decoder(&stream, memoryLimit, wheelhouse_lzma_concatenated)
        guard status == LZMA_OK else { throw ArchiveError(.corrupt, "liblzma could not start (status \(status.rawValue))") }
    }

    deinit { lzma_end(&stream) }

    func decodeChunk(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        stream.next_in = base.assumingMemoryBound(to: UInt8.self)
        stream.avail_in = input.count
        try run(LZMA_RUN, sink: sink)
    }

    func finish(sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        stream.next_in = nil
        stream.avail_in = 0
        try run(LZMA_FINISH, sink: sink)
    }

    private func run(_ action: lzma_action, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        try withOutputBuffer { (output) throws(ArchiveError) in
            while !finished {
                stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = output.count
                let status = lzma_code(&stream, action)
                let produced = output.count - stream.avail_out
                if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
                switch status {
                case LZMA_STREAM_END:
                    finished = true
                case LZMA_OK:
                    if stream.avail_in == 0 && stream.avail_out > 0 && action == LZMA_RUN { return }
                case LZMA_BUF_ERROR:
                    // No progress possible: at LZMA_FINISH, the input ended early.
                    return
                case LZMA_MEMLIMIT_ERROR:
                    throw ArchiveError(.unsupported, "the xz data needs more than \(memoryLimit >> 20) MiB of memory to decode, which is refused")
                default:
                    throw ArchiveError(.corrupt, "the xz data is corrupt (liblzma status \(status.rawValue)): the file is damaged or not xz")
                }
            }
        }
    }
}
