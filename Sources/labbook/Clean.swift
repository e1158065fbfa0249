// `labbook clean`: remove exactly the files a build wrote (the manifest's), its build state, and with --cache the run cache.
import ArgumentParser
import Foundation
import LabbookKit

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the site files and build state that labbook wrote, nothing else; with --cache, the run cache too.",
        discussion: "The run cache is kept by default: it holds trained results that can take minutes to recompute.")

    @OptionGroup var book: BookArgument

    @Option(name: .long, help: "The site directory to clean (default: BOOK/output).")
    var output: String?

    @Flag(name: .long, help: "Also remove the run cache's entries (BOOK/.labbook-cache, or --cache-dir).")
    var cache = false

    @Option(name: .long, help: "The run cache directory for --cache (default: BOOK/.labbook-cache).")
    var cacheDir: String?

    func run() throws {
        let bookURL = absoluteURL(book.book)
        let out = output.map(absoluteURL) ?? bookURL.appendingPathComponent("output")
        let cacheURL = cache ? (cacheDir.map(absoluteURL) ?? bookURL.appendingPathComponent(".labbook-cache")) : nil
        let report: CleanReport
        do {
            report = try Cleaner.clean(book: bookURL, output: out, cache: cacheURL)
        } catch let e as BuildLock.Failure {
            printError("error: \(e)")
            throw ExitCode(1)
        }
        var line = "removed \(report.files) files from \(out.path)"
        if let cacheURL { line += " and \(report.cacheEntries) cache entries from \(cacheURL.path)" }
        printLine(line)
    }
}
