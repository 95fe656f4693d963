// swift-tools-version:6.0
import PackageDescription

/// Stand-alone benchmark for the Scheduler module: `Sources/Scheduler` is a symlink to the real module,
/// so this builds without the rest of Homeward (no database, no network dependencies).
let package = Package(
    name: "SchedulerBenchmark",
    platforms: [.macOS(.v13)],
    targets: [
        .target(name: "Scheduler", path: "Sources/Scheduler"),
        .executableTarget(name: "SchedulerBenchmark", dependencies: ["Scheduler"], path: "Sources/SchedulerBenchmark"),
    ]
)
