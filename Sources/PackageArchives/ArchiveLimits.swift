/// Caps that keep a hostile archive from exhausting memory or time.
public struct ArchiveLimits: Sendable, Hashable {
    /// The largest METADATA / PKG-INFO accepted.
    public var maximumMetadataSize: Int
    /// The most bytes a whole archive may expand to.
    public var maximumExpandedSize: Int64
    /// Above `ratioThreshold` expanded bytes, the largest expanded/compressed ratio accepted.
    public var maximumCompressionRatio: Int64
    public var ratioThreshold: Int64
    /// The most entries an archive may list.
    public var maximumEntries: Int
    /// The most memory a decoder may take (an xz header can ask for gigabytes); the default
    /// is enough for `xz -9`'s 64 MiB dictionary.
    public var maximumDecoderMemory: UInt64

    public init(
        maximumMetadataSize: Int = 8 << 20, maximumExpandedSize: Int64 = 8 << 30, maximumCompressionRatio: Int64 = 200,
        ratioThreshold: Int64 = 64 << 20, maximumEntries: Int = 500_000, maximumDecoderMemory: UInt64 = 128 << 20
    ) {
        self.maximumMetadataSize = maximumMetadataSize
        self.maximumExpandedSize = maximumExpandedSize
        self.maximumCompressionRatio = maximumCompressionRatio
        self.ratioThreshold = ratioThreshold
        self.maximumEntries = maximumEntries
        self.maximumDecoderMemory = maximumDecoderMemory
    }

    public static let `default` = ArchiveLimits()

    /// Whether expanding `compressed` bytes into `expanded` bytes stays within the caps.
    func check(expanded: Int64, compressed: Int64, what: String) throws(ArchiveError) {
        if expanded > maximumExpandedSize {
            throw ArchiveError(.tooLarge, "\(what) expands to more than \(maximumExpandedSize) bytes; refusing to read it")
        }
        if expanded > ratioThreshold, expanded > maximumCompressionRatio * Swift.max(compressed, 1) {
            throw ArchiveError(
                .tooLarge,
                "\(what) expands \(expanded / Swift.max(compressed, 1)) times its compressed size, which looks like a decompression bomb")
        }
    }
}
