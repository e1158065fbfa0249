// `labbook plan`: the runs a build needs that the cache lacks, one per line (or a JSON array).
import ArgumentParser
import Foundation
import LabbookKit

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs the cache lacks: key, chapter:line, block, variant, estimated GFLOP.")

    @OptionGroup var book: BookArgument

    @Option(name: .long, help: "The run cache directory (default: BOOK/.labbook-cache).")
    var cache: String?

    @Flag(name: .long, help: "Print a JSON array of {key, chapter, line, block, variant, gflop, reason}.")
    var json = false

    func run() throws {
        let dir = absoluteURL(book.book)
        let plan = try exitingOnUsageErrors {
            try Planner.plan(book: dir, cache: cache.map(absoluteURL) ?? dir.appendingPathComponent(".labbook-cache"))
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            printLine(String(decoding: try enc.encode(plan), as: UTF8.self))
        } else {
            for p in plan { printLine(p.text) }
            let total = plan.reduce(0) { $0 + $1.gflop }
            printError("\(plan.count) run\(plan.count == 1 ? "" : "s") to train, about \(String(format: "%.1f", total)) GFLOP")
        }
    }
}
