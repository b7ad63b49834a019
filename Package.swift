// swift-tools-version:6.1
import PackageDescription

// Upcoming features the anchors turn on; Swift 6 language mode (strict concurrency) comes with tools 6.x.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "dhis2-sync",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JSONStream", targets: ["JSONStream"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "Curl", targets: ["Curl"]),
        .library(name: "DHIS2Periods", targets: ["DHIS2Periods"]),
        .library(name: "DHIS2", targets: ["DHIS2"]),
        .library(name: "DHIS2Simulator", targets: ["DHIS2Simulator"]),
        .executable(name: "dhis2-sync", targets: ["dhis2-sync"]),
        .executable(name: "dhis2-sim", targets: ["dhis2-sim"]),
        .executable(name: "jsonstream-bench", targets: ["jsonstream-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries: module maps plus static inline shims only.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Pure: push tokenizer, DataValue decoder, import-payload writer. No I/O, no Foundation in the hot path.
        .target(name: "JSONStream", swiftSettings: swiftSettings),

        // libpq: connections on their own threads, parameterised queries, streaming, COPY, advisory locks.
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // libcurl: multi interface on a dedicated thread, streaming with pause/unpause backpressure.
        .target(
            name: "Curl",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Pure: DHIS2 period identifiers, calendar arithmetic and period windows.
        .target(name: "DHIS2Periods", swiftSettings: swiftSettings),

        // The shared, typed DHIS2 client: envelopes, errors, metadata, data values, tasks, maintenance.
        .target(
            name: "DHIS2",
            dependencies: [
                "Curl", "JSONStream", "DHIS2Periods",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // The sync engine: store (schema.sql, embedded), planner, runner, ledger, scheduler.
        .target(
            name: "Sync",
            dependencies: [
                "Postgres", "DHIS2", "DHIS2Periods", "JSONStream", "Curl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // schema.sql is a link to the top-level file: one source of truth, compiled into the binary.
            resources: [.embedInCode("schema.sql")],
            swiftSettings: swiftSettings
        ),

        // Child processes and a throwaway PostgreSQL cluster, for the demo and the tests.
        .target(name: "LocalPostgres", swiftSettings: swiftSettings),

        // Shared by the test targets: the throwaway PostgreSQL the tests run against.
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "LocalPostgres", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),

        // A simulated DHIS2 on Hummingbird, faithful to the wire format; tests start it in-process.
        .target(
            name: "DHIS2Simulator",
            dependencies: [
                "JSONStream",
                "DHIS2Periods",
                "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The CLI and daemon: argument parsing and wiring only.
        .executableTarget(
            name: "dhis2-sync",
            dependencies: [
                "Sync", "DHIS2", "DHIS2Periods", "Postgres", "Curl", "JSONStream", "LocalPostgres", "DHIS2Simulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "dhis2-sim",
            dependencies: [
                "DHIS2Simulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "jsonstream-bench", dependencies: ["JSONStream"], swiftSettings: swiftSettings),

        .testTarget(name: "JSONStreamTests", dependencies: ["JSONStream"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DHIS2PeriodsTests", dependencies: ["DHIS2Periods"], swiftSettings: swiftSettings),
        .testTarget(name: "DHIS2Tests", dependencies: ["DHIS2", "Curl"], swiftSettings: swiftSettings),
        // The shared client against the simulator over real HTTP (and later, the whole sync).
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "DHIS2", "DHIS2Simulator", "DHIS2Periods", "Curl", "JSONStream", "Postgres", "Sync", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Sync", "DHIS2", "DHIS2Periods", "JSONStream", "Postgres", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DHIS2SimulatorTests",
            dependencies: [
                "DHIS2Simulator",
                "CZlib",
                "DHIS2Periods",
                "JSONStream",
                "Curl",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CurlTests",
            dependencies: [
                "Curl",
                "CCurl",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
