// libFuzzer target: an upstream's simple pages, root and project, as PEP 691 JSON and PEP 503
// HTML (the first byte picks which).
import PythonPackaging
@testable import Replication

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPages(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let contentType = data[0] & 1 == 0 ? "application/vnd.pypi.simple.v1+json" : "text/html"
    if data[0] & 2 == 0 {
        _ = try? SimplePageReader.root(body, contentType: contentType, serialHeader: 7, page: "http://up.example/simple/")
    } else if let (project, refused) = try? SimplePageReader.project(
        body, contentType: contentType, serialHeader: nil, page: "http://up.example/simple/demo/", fallbackName: "demo")
    {
        for file in project.files { _ = file.distribution }
        _ = refused.count
    }
    return 0
}
