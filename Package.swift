// swift-tools-version:6.0
import PackageDescription

/// Homeward: programme scheduling and progress tracking for returnees' rehabilitation.
/// Dependencies flow one way: CLI → store → (domain, Postgres); the domain and the scheduler know nothing below them.
let package = Package(
    name: "Homeward",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "homeward", targets: ["homeward"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        /// libpq, the PostgreSQL C client library (Debian: libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        /// Proleptic Gregorian day arithmetic, shared by the domain's dates and the wrapper's timestamps. No I/O.
        .target(name: "CivilCalendar"),
        /// A thin, safe Swift wrapper over libpq: connections, parameterized queries, rows, COPY, errors.
        .target(name: "Postgres", dependencies: ["CLibPQ", "CivilCalendar"]),
        /// Domain types and rules of the programme (participants, staff, programmes, sessions). No I/O.
        .target(name: "Homeward", dependencies: ["CivilCalendar"]),
        /// The pure scheduling algorithm: Instance → Solution. No I/O.
        .target(name: "Scheduler"),
        /// Generates a world in the demo's proportions (`homeward demo generate`): rows from a seed. No I/O.
        .target(name: "WorldGenerator", dependencies: ["Homeward"]),
        /// Maps between the domain and SQL; runs migrations.
        .target(
            name: "HomewardStore",
            dependencies: [
                "Homeward", "Postgres", "Scheduler", "WorldGenerator", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// The `homeward` admin CLI.
        .executableTarget(
            name: "homeward",
            dependencies: [
                "Homeward", "HomewardStore", "WorldGenerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        /// Shared helpers for database tests: a throwaway database per test, cloned from a migrated template.
        .target(name: "TestSupport", dependencies: ["Homeward", "Postgres", "HomewardStore"], path: "Tests/TestSupport"),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "HomewardTests", dependencies: ["Homeward"]),
        .testTarget(
            name: "SchedulerTests",
            dependencies: ["Scheduler", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        /// BadInput/ holds the bad-input corpus: one file per case, read by BadInputTests from the source tree.
        .testTarget(
            name: "CLITests",
            dependencies: ["homeward", "Homeward", "TestSupport", "WorldGenerator", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["BadInput"]
        ),
        .testTarget(
            name: "HomewardStoreTests",
            dependencies: [
                "Homeward", "HomewardStore", "Postgres", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
