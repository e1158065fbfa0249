// `labbook build`: validate, run every block, write the site; one line per block, then the summary line.
import ArgumentParser
import Foundation
import LabbookKit

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate the book, run every experiment block and write the site.")

    @OptionGroup var book: BookArgument

    @Option(name: .long, help: "Where to write the site (default: BOOK/output).")
    var output: String?

    @Option(name: .long, help: "The run cache directory (default: BOOK/.labbook-cache).")
    var cache: String?

    @Flag(name: .long, help: "Run every block, ignoring and not writing the cache.")
    var noCache = false

    @Option(name: .long, help: "How many blocks run at once (default: the number of cores).")
    var jobs: Int?

    @Flag(name: .long, help: "Strip raw HTML from the Markdown (for books you do not trust).")
    var noRawHtml = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        let options = BuildOptions(book: absoluteURL(book.book), output: output.map(absoluteURL), cache: cache.map(absoluteURL),
                                   useCache: !noCache, jobs: jobs,
                                   rawHTML: !noRawHtml)
        let report: BuildReport
        let live = isatty(STDOUT_FILENO) == 1 ? LiveDisplay() : nil
        defer { live?.stop() }
        do {
            report = try Builder.build(options, progress: live?.progress) { status in
                if let live { live.print(status.line) } else { print(status.line) }
            }
        } catch let e as UsageError {
            printError("error: \(e.description)")
            throw ExitCode(2)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        for d in report.diagnostics { printError(d.description) }
        print(report.summaryLine)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
