/// A compressed stream (gzip, bzip2, xz) decoded in chunks, as sdists are read.
protocol StreamDecoder: AnyObject {
    /// The format's name, for messages.
    var formatName: String { get }
    /// Whether the compressed stream has ended properly (a shorter one is truncated).
    var finished: Bool { get }
    /// Decodes `input` and passes each piece of output to `sink`.
    func decode(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError)
    /// Called once all input was given: decodes what the format holds back until then.
    func finish(sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError)
}

extension StreamDecoder {
    func finish(sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {}

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

    func decode(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        try sink(input)
    }
}
