import SystemBzip2
import SystemLzma
import SystemZlib

/// Whole-buffer compression and decompression with the system libraries, for building
/// sdists in the older formats (and repacking real ones) in tests.
extension ArchiveBuilder {
    /// bzip2 at level 9, as `bzip2` writes it.
    public static func bzip2(_ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: data.count + data.count / 100 + 600)
        var length = UInt32(output.count)
        var input = data
        let status = input.withUnsafeMutableBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                BZ2_bzBuffToBuffCompress(
                    outBuffer.baseAddress!.assumingMemoryBound(to: CChar.self), &length,
                    inBuffer.baseAddress?.assumingMemoryBound(to: CChar.self), UInt32(inBuffer.count), 9, 0, 0)
            }
        }
        precondition(status == BZ_OK, "libbz2 failed with status \(status)")
        return Array(output.prefix(Int(length)))
    }

    /// xz at `preset` (6 is `xz`'s default: an 8 MiB dictionary).
    public static func xz(_ data: [UInt8], preset: UInt32 = 6) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: lzma_stream_buffer_bound(data.count))
        var written = 0
        let status = data.withUnsafeBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                lzma_easy_buffer_encode(
                    preset, LZMA_CHECK_CRC64, nil, inBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), inBuffer.count,
                    outBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), &written, outBuffer.count)
            }
        }
        precondition(status == LZMA_OK, "liblzma failed with status \(status.rawValue)")
        return Array(output.prefix(written))
    }

    /// The content of a gzip file (one member).
    public static func gunzip(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { inflateEnd(&stream) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = data
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            var status = Z_OK
            while status == Z_OK {
                status = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                result += chunk.prefix(chunk.count - Int(stream.avail_out))
            }
            precondition(status == Z_STREAM_END, "zlib failed with status \(status)")
        }
        return result
    }
}
