// libFuzzer target: upload forms (multipart/form-data) as twine sends them, fed in pieces
// whose sizes the first byte picks.
@testable import IndexServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let piece = Int(data[0]) + 1
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var parser = MultipartParser(boundary: "wheelhouse-boundary")
    var start = 0
    while start < body.count {
        let end = min(body.count, start + piece)
        guard (try? parser.feed(body[start..<end])) != nil else { return 0 }
        start = end
    }
    return 0
}
