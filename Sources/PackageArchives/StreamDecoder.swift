/// A compressed stream (gzip, bzip2, xz) decoded in chunks, as sdists are read.
protocol StreamDecoder: AnyObject {
    /// The format's name, for messages.
    var formatName: String { get }
    /// Whether the compressed stream has ended properly (a shorter one is truncated).
    var finished: Bool { get }
    /// Decodes `input`, at most `chunkLimit` bytes, and passes each piece of output to `sink`.
    func decodeChunk(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError)
    /// Called once all input was given: decodes what the format holds back until then.
    func finish(sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError)
}

/// The most input one `decodeChunk` call takes: the C libraries count input in 32-bit fields.
let chunkLimit = 1 << 30

extension StreamDecoder {
    func finish(sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {}

    /// Decodes `input` of any length, a chunk at a time, passing each piece of output to `sink`.
    func decode(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        var start = 0
        repeat {
            let end = start + Swift.min(chunkLimit, input.count - start)
            try decodeChunk(UnsafeRawBufferPointer(rebasing: input[start..<end]), sink: sink)
            start = end
        } while start < input.count
    }

    /// An output buffer for one `decode` call, freed after `body`.
    func withOutputBuffer<Result>(_ body: (UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Result) throws(ArchiveError) -> Result {
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { output.deallocate() }
        return try body(output)
    }
}

/// An uncompressed `.tar`: the bytes as they are.
final class UncompressedStream: StreamDecoder {
    let formatName = "tar"
    let finished = true

    func decodeChunk(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        try sink(input)
    }
}
