// swift-tools-version:6.0
// libFuzzer harness over chapter loading, block validation and rendering; a separate package so the normal
// `swift build` and `swift test` never compile it. Run with Fuzz/run.sh (see docs/reliability.md).
import PackageDescription

let package = Package(
    name: "LabbookFuzz",
    dependencies: [.package(name: "Labbook", path: "..")],
    targets: [
        .executableTarget(name: "FuzzChapter", dependencies: [.product(name: "LabbookKit", package: "Labbook")]),
    ]
)
