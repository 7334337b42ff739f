// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every Wheelhouse target: Swift 6 language mode (the tools default),
/// strict concurrency, and no warnings.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "wheelhouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wheelhouse", targets: ["wheelhouse"]),
        .library(name: "PythonPackaging", targets: ["PythonPackaging"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    ],
    targets: [
        /// The domain of Python packaging: names, PEP 440 versions and specifiers, PEP 508
        /// requirements and markers, filenames and tags, core metadata. Pure: bytes in, values out.
        .target(name: "PythonPackaging", swiftSettings: strict),

        /// Debian's zlib (zlib1g-dev), for inflating wheels and gzipped sdists.
        .systemLibrary(name: "SystemZlib", providers: [.apt(["zlib1g-dev"])]),
        /// Debian's libbz2 and liblzma, for the older `.tar.bz2` and `.tar.xz` sdists on real indexes.
        .systemLibrary(name: "SystemBzip2", providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(name: "SystemLzma", providers: [.apt(["liblzma-dev"])]),

        /// Reading a distribution file: zip and tar framing with hostile-input caps, and the
        /// METADATA / PKG-INFO inside wheels, sdists and eggs.
        .target(
            name: "PackageArchives", dependencies: ["PythonPackaging", "SystemZlib", "SystemBzip2", "SystemLzma"], swiftSettings: strict),

        /// sha256, md5 and blake2b-256 of distribution files, computed while streaming.
        .target(
            name: "Digests",
            dependencies: ["PythonPackaging", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        /// Repositories and their immutable versions, packages, publications, distributions and
        /// the serial journal, in SQLite; files in a content-addressed blob store.
        .target(
            name: "ContentStore",
            dependencies: [
                "PythonPackaging", "PackageArchives", "Digests",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        /// The HTTP side: the simple API, the JSON API, uploads and files, on Hummingbird.
        .target(
            name: "IndexServer",
            dependencies: [
                "ContentStore", "PythonPackaging", "PackageArchives", "Digests",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        /// Mirroring an upstream index: reading its pages, filters, the pure sync planner, and
        /// verified downloads into the store.
        .target(
            name: "Replication",
            dependencies: [
                "ContentStore", "PythonPackaging", "Digests",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        /// The management API at `/pulp/api/v3/`: Pulp's v3 REST API for the python plugin (what
        /// pulp-cli and pulpcore's replication call), its OpenAPI document, and the task runner.
        .target(
            name: "ManagementAPI",
            dependencies: [
                "ContentStore", "IndexServer", "Replication", "PythonPackaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        /// The `wheelhouse` subcommands, as a library so that tests can drive them.
        .target(
            name: "WheelhouseCommands",
            dependencies: [
                "PythonPackaging", "PackageArchives", "Digests", "ContentStore", "IndexServer", "Replication", "ManagementAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        /// The `wheelhouse` executable: a thin entry point.
        .executableTarget(
            name: "wheelhouse", dependencies: ["WheelhouseCommands"], swiftSettings: strict,
            // The static Swift runtime asks to export every symbol (for dladdr in backtraces);
            // Swift's backtracer reads the symbol table instead, and the export table costs
            // megabytes of memory and start-up time. lld packs the relative relocations
            // (DT_RELR): 27 KB for the loader to read at start instead of 3.3 MB. The functions
            // that start-up and common requests run are placed first and together
            // (packaging/make-link-order writes the list), so that they share pages.
            linkerSettings: [
                .unsafeFlags([
                    "-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/packaging/link-order.txt",
                    "-Xlinker", "--no-warn-symbol-ordering",
                ])
            ]),

        /// Throughput figures for PythonPackaging, printed beside Python's `packaging` by
        /// `Integration/bench/packaging`.
        .executableTarget(
            name: "PackagingBenchmark",
            dependencies: ["PythonPackaging", "PackageArchives"],
            path: "Benchmarks/PackagingBenchmark",
            swiftSettings: strict
        ),

        /// Fixtures for the tests: the shared corpus, and archives built in memory (hostile ones too).
        .target(
            name: "TestSupport", dependencies: ["SystemZlib", "SystemBzip2", "SystemLzma"], path: "Tests/TestSupport", swiftSettings: strict),

        .testTarget(
            name: "PythonPackagingTests",
            dependencies: ["PythonPackaging", "PackageArchives", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackageArchivesTests", dependencies: ["PackageArchives", "PythonPackaging", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "ContentStoreTests",
            dependencies: [
                "ContentStore", "PythonPackaging", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IndexServerTests",
            dependencies: [
                "IndexServer", "ContentStore", "PythonPackaging", "TestSupport", "Digests",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReplicationTests",
            dependencies: [
                "Replication", "ContentStore", "PythonPackaging", "TestSupport", "Digests",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ManagementAPITests",
            dependencies: [
                "ManagementAPI", "IndexServer", "ContentStore", "PythonPackaging", "Digests", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "DigestsTests", dependencies: ["Digests", "TestSupport"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(
            name: "WheelhouseCommandsTests",
            dependencies: ["WheelhouseCommands", "PythonPackaging", "TestSupport"],
            swiftSettings: strict
        ),
    ]
)
