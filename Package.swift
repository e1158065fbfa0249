// swift-tools-version:6.0
// Labbook: a literate, notebook-style document generator for neural-network lessons.
// Data flows one way: Parse → Blocks → Execute(Engine, Datasets) → Charts → Render → Site.
// Two plain value modules carry the data between the stages: Vocabulary (what an author writes: model, data,
// optimiser, schedule, limits) and Outcomes (what a run produced). Blocks reads YAML into Vocabulary and knows
// neither Engine nor Datasets; Render draws Outcomes and never trains (no Execute, Engine or Datasets); the
// `labbook` command line reaches the engine only through LabbookKit. Tests/EndToEndTests/ModuleGraphTests checks it.
import PackageDescription

// Engine's loops are written in 8-lane SIMD. On x86-64 a release build compiles them for Haswell (AVX2, FMA,
// BMI2: every x86-64 CPU since 2013–2015, the x86-64-v3 level) instead of the SSE2 baseline, so 8 lanes are one
// instruction, not two. Same bits: Swift never contracts a·b + c into an FMA, and no loop is reassociated
// (docs/performance.md). `labbook` refuses to start with a clear message on a CPU without AVX2 and FMA;
// LABBOOK_BASELINE_CPU=1 at build time gives a portable SSE2 build.
#if arch(x86_64)
let engineTargetsHaswell = Context.environment["LABBOOK_BASELINE_CPU"] == nil
#else
let engineTargetsHaswell = false
#endif
let engineFlags = ["-Ounchecked"] + (engineTargetsHaswell ? ["-target-cpu", "haswell"] : [])
let cliSettings: [SwiftSetting] = engineTargetsHaswell ? [.define("LABBOOK_ENGINE_HASWELL", .when(configuration: .release))] : []

let package = Package(
    name: "Labbook",
    products: [
        .executable(name: "labbook", targets: ["labbook"]),
        // For the fuzz harness in Fuzz/ (a separate package, built with -sanitize=fuzzer).
        .library(name: "LabbookKit", targets: ["LabbookKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        // Local preview server for `labbook watch --serve`: NIOHTTP1's decoder caps the request head, which
        // FlyingFox could not (docs/reliability.md); only NIOCore, NIOPosix and NIOHTTP1 are built.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        // System libraries from Debian: libcmark-dev, libopenblas-dev, zlib1g-dev, libssl-dev (SHA-256 only:
        // swift-crypto's vendored BoringSSL was about half of a fresh release build's CPU time, docs/performance.md).
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        .target(name: "LabbookCore", dependencies: ["CCrypto"]),
        .target(name: "Parse", dependencies: ["LabbookCore", "CCmark"]),
        .target(name: "Vocabulary"),
        .target(name: "Outcomes", dependencies: ["LabbookCore", "Vocabulary"]),
        .target(name: "Engine", dependencies: ["LabbookCore", "Vocabulary", "Outcomes", "COpenBLAS"],
                swiftSettings: [.unsafeFlags(engineFlags, .when(configuration: .release))]),
        .target(name: "Datasets", dependencies: ["LabbookCore", "Vocabulary", "Engine", "CZlib"]),
        .target(name: "Blocks", dependencies: ["LabbookCore", "Vocabulary", "Yams"]),
        .target(name: "Charts", dependencies: ["LabbookCore"]),
        .target(name: "Execute", dependencies: ["LabbookCore", "Vocabulary", "Outcomes", "Blocks", "Engine", "Datasets"]),
        .target(name: "Render", dependencies: ["LabbookCore", "Parse", "Blocks", "Charts", "Vocabulary", "Outcomes"]),
        .target(name: "Site", dependencies: ["LabbookCore", "Render", "Charts",
                                             .product(name: "Mustache", package: "swift-mustache")]),
        .target(name: "LabbookKit", dependencies: ["LabbookCore", "Parse", "Vocabulary", "Outcomes", "Blocks", "Execute", "Render", "Site",
                                                   "Datasets", "Engine"]),
        .target(name: "Preview", dependencies: ["LabbookKit", "LabbookCore", .product(name: "NIOCore", package: "swift-nio"),
                                               .product(name: "NIOPosix", package: "swift-nio"),
                                               .product(name: "NIOHTTP1", package: "swift-nio")]),
        .executableTarget(name: "labbook", dependencies: ["LabbookKit", "Preview",
                                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: cliSettings),

        .testTarget(name: "ParseTests", dependencies: ["Parse"]),
        // Blocks' tests validate with the engine's answers (Execute's EngineFeasibility), as a build does.
        .testTarget(name: "BlocksTests", dependencies: ["Blocks", "Vocabulary", "Execute"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Vocabulary", "Outcomes"], exclude: ["Reference"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Vocabulary"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Vocabulary", "Outcomes", "Execute", "Engine", "TestSupport"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EndToEndTests", dependencies: ["LabbookKit", "Preview", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ReliabilityTests", dependencies: ["LabbookKit", "Execute", "Preview", "TestSupport"], exclude: ["Fixtures"]),
    ]
)
