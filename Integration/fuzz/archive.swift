// libFuzzer target: distribution archives as uploads and syncs bring them. The first byte
// picks the filename (and so the format) and whether the upload checks apply.
import PackageArchives
import PythonPackaging

let names = [
    "demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz", "demo-1.0.zip", "demo-1.0.tar.bz2", "demo-1.0.tar.xz", "demo-1.0.tar",
    "demo-1.0-py3.11.egg",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArchive(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = Int(data[0])
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    // Small caps, so that a bomb is found to be one quickly.
    let limits = ArchiveLimits(maximumMetadataSize: 1 << 20, maximumExpandedSize: 64 << 20, ratioThreshold: 1 << 20, maximumEntries: 10_000, maximumDecoderMemory: 32 << 20)
    if let inspected = try? DistributionArchive.inspect(filename: names[selector % names.count], bytes: bytes, strict: selector & 0x80 != 0, limits: limits) {
        _ = inspected.metadata.warehouseInfoMembers
    }
    return 0
}
