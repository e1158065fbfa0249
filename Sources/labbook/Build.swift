// `labbook build`: validate, run every block, write the site; one line per block, then the summary line.
import ArgumentParser
import Foundation
import LabbookKit

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate the book, run every experiment block and write the site.")

    @OptionGroup var book: BookArgument
    @OptionGroup var outside: OutsideArgument

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

    @Option(name: .long, help: "Wall-clock limit per block: seconds, or with a unit (90s, 15m, 2h); 'none' for no limit (default: 30m).")
    var timeLimit: String?

    @OptionGroup var runs: ExecutorOptions

    func validate() throws {
        try runs.validate(noCache: noCache)
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let timeLimit, timeLimit != "none", BuildOptions.parseTimeLimit(timeLimit) == nil {
            throw ValidationError("--time-limit must be a positive number of seconds (or 90s, 15m, 2h, none), got '\(timeLimit)'")
        }
    }

    func run() throws {
        var options = BuildOptions(book: absoluteURL(book.book), output: output.map(absoluteURL), cache: cache.map(absoluteURL),
                                   useCache: !noCache, jobs: jobs,
                                   rawHTML: !noRawHtml)
        options.allowOutside = outside.urls
        if let timeLimit { options.timeLimit = timeLimit == "none" ? nil : BuildOptions.parseTimeLimit(timeLimit) }
        if runs.usesSlurm {
            let slurm = runs.slurm(environment: options.environment)
            if runs.dryRun { return try dryRun(slurm, options: options) }
            options.executor = slurm
        }
        options.onWaitForLock = { pid in
            printError("waiting for another labbook build of this book\(pid.map { " (pid \($0))" } ?? "")…")
        }
        let report: BuildReport
        let live = isatty(STDOUT_FILENO) == 1 ? LiveDisplay() : nil
        defer { live?.stop() }
        do {
            report = try exitingOnUsageErrors {
                try Builder.build(options, progress: live?.progress) { status in
                    if let live { live.print(status.line) } else { printLine(status.line) }
                }
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        for d in report.diagnostics { printError(d.description) }
        printLine(report.summaryLine)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// `--dry-run`: the plan's job script on standard output; nothing is submitted, trained or written.
    func dryRun(_ slurm: SlurmExecutor, options: BuildOptions) throws {
        guard let cache = options.cache else { return }
        var s = slurm
        s.onMessage = { printLine($0) }
        try exitingOnUsageErrors { try s.dryRun(book: options.book, cache: cache, environment: options.environment) }
    }
}
