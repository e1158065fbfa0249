// `labbook check`: validate every block of the book without running anything.
import ArgumentParser
import Foundation
import LabbookKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate every experiment block; runs nothing.")

    @OptionGroup var book: BookArgument
    @OptionGroup var outside: OutsideArgument

    @Option(name: .long, help: "The site directory to compare with (default: BOOK/output).")
    var output: String?

    func run() throws {
        let report = try exitingOnUsageErrors {
            try Checker.check(book: absoluteURL(book.book), output: output.map(absoluteURL), allowOutside: outside.urls)
        }
        for d in report.diagnostics { printError(d.description) }
        for s in report.stale { printLine("stale: \(s)") }
        let errors = report.diagnostics.filter { $0.severity == .error }.count
        let valid = report.blockCount - report.invalidBlocks
        let freshness = report.stale.isEmpty ? "output/ is up to date" : "output/ is stale (\(report.stale.count) differences); run labbook build"
        printLine("\(report.blockCount) blocks: \(valid) valid, \(report.invalidBlocks) invalid, \(errors) errors; \(freshness)")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
