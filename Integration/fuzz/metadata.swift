// libFuzzer target: core metadata (METADATA / PKG-INFO) as archives and PEP 658 files bring
// it, read leniently and strictly, with every field a sync or an upload goes on to parse.
import PythonPackaging

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetadata(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let metadata = CoreMetadata(parsing: bytes)
    _ = metadata.warehouseInfoMembers
    _ = try? CoreMetadata.validated(bytes)
    for line in metadata.requiresDist { _ = try? Requirement(parsing: line) }
    if let version = metadata.version { _ = Version(version) }
    if let requiresPython = metadata.requiresPython { _ = try? SpecifierSet(parsing: requiresPython) }
    _ = RequirementsFile(parsing: String(decoding: bytes, as: UTF8.self))
    return 0
}
