// `labbook run-one`: train exactly the runs named by their keys into the cache (a Slurm task runs this).
import ArgumentParser
import Foundation
import LabbookKit

struct RunOneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-one",
        abstract: "Train the runs with these cache keys (from `labbook plan`) into the cache; a run already there is skipped.")

    @Argument(help: "[BOOK] KEY…: the book's directory (default: the current directory), then one or more cache keys.")
    var arguments: [String] = []

    @Option(name: .long, help: "The run cache directory (default: BOOK/.labbook-cache).")
    var cache: String?

    @Option(name: .long, help: "Refuse to run unless this executable's SHA-256 is this (the planner's binary).")
    var expectBinary: String?

    @Option(name: .long, help: "Refuse to run unless OpenBLAS runs this kernel (the planner's).")
    var expectKernel: String?

    static func isKey(_ s: String) -> Bool { s.count == 64 && s.allSatisfy(\.isHexDigit) }

    func validate() throws {
        let keys = arguments.first.map { Self.isKey($0) } == true ? arguments : Array(arguments.dropFirst())
        if keys.isEmpty { throw ValidationError("give at least one cache key (see `labbook plan`)") }
        if let bad = keys.first(where: { !Self.isKey($0) }) {
            throw ValidationError("'\(bad)' is not a cache key (64 hexadecimal digits, as `labbook plan` prints them)")
        }
    }

    func run() throws {
        let hasBook = !(arguments.first.map(Self.isKey) ?? true)
        let dir = absoluteURL(hasBook ? arguments[0] : ".")
        let keys = hasBook ? Array(arguments.dropFirst()) : arguments
        if let why = TaskIdentity.mismatch(expectBinary: expectBinary, expectKernel: expectKernel) {
            printError("error: \(why)")
            throw ExitCode(3)
        }
        // One run per process: the engine's helper thread may use a second core when the task was given one.
        let cpus = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
        let results = try exitingOnUsageErrors {
            try RunOne.run(book: dir, keys: keys, cache: cache.map(absoluteURL) ?? dir.appendingPathComponent(".labbook-cache"),
                           helperThreads: cpus > 1) { printLine($0.line) }
        }
        if results.contains(where: { if case .failed = $0.outcome { return true }; return false }) { throw ExitCode(1) }
    }
}
