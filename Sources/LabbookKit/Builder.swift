// The driver: load → validate → run blocks → render chapters → write the site. Stage order only.
import Blocks
import Execute
import Foundation
import LabbookCore
import Outcomes
import Render
import Site

public struct BuildOptions: Sendable {
    public var book: URL
    public var output: URL
    /// Run cache directory; nil disables the cache (`--no-cache`).
    public var cache: URL?
    public var jobs: Int
    public var katexDirectory: String
    public var environment: [String: String]
    /// false strips raw HTML from Markdown (for untrusted books).
    public var rawHTML: Bool
    /// Wall-clock limit per block (`--time-limit`); nil for none.
    public var timeLimit: Duration? = TimeLimit.default
    /// Called once when another build holds the output directory's lock, with its pid; the build then waits.
    public var onWaitForLock: (@Sendable (Int32?) -> Void)?
    /// Where the runs the cache lacks are computed before the build renders; nil: here, `jobs` at a time.
    public var executor: (any RunExecutor)?
    /// Directories outside the book that its chapters, assets and template may resolve into
    /// (`--allow-outside PATH`); data paths need no permission.
    public var allowOutside: [URL] = []
    /// The lock, the build state and the manifest (`StateDirectory.url`); never inside `output`.
    public var stateDirectory: URL { StateDirectory.url(book: book, output: output) }

    public init(book: URL, output: URL? = nil, cache: URL? = nil, useCache: Bool = true, jobs: Int? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, rawHTML: Bool = true) {
        self.book = book
        self.output = output ?? book.appendingPathComponent("output")
        self.cache = useCache ? (cache ?? book.appendingPathComponent(".labbook-cache")) : nil
        self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        self.environment = environment
        self.katexDirectory = environment["LABBOOK_KATEX"] ?? SiteWriter.defaultKatexDirectory
        self.rawHTML = rawHTML
    }
}

extension BuildOptions {
    /// Reads a `--time-limit` value: "90", "90s", "15m", "2h"; nil when it is not a positive duration.
    public static func parseTimeLimit(_ text: String) -> Duration? { TimeLimit.parse(text) }
}

public enum BlockState: String, Sendable {
    case ran, cached, failed
    /// Nothing to train or to take from the cache: `function:` plots only (Execute samples them as it assembles).
    case nothingToTrain
    /// `expect: error`: the block failed as the lesson intends, before anything trained.
    case failedAsExpected
    /// Nothing changed since the last build: its page was drawn again from `output/data`, without the run cache
    /// (a fresh clone of a book with a committed site has no cache, and must not be told it hit one).
    case unchanged

    /// The summary line counts blocks that trained nothing with the cached ones (the contract's three counts).
    var countsAsCached: Bool { self != .ran && self != .failed }

    /// What a block that trained nothing in this build is, from its spec: nil when it trains (or came from the cache).
    static func untrained(_ spec: ExperimentSpec?) -> BlockState? {
        guard let spec else { return nil }
        if spec.expect == .error { return .failedAsExpected }
        return spec.variants.allSatisfy { $0.job == nil && $0.recurrent == nil } ? .nothingToTrain : nil
    }
}

/// One line of the build's per-block report.
public struct BlockStatus: Sendable {
    public var location: SourceLocation
    public var id: String
    public var state: BlockState
    /// Variants trained by this build (a sweep's variants taken from the cache are not counted).
    public var variants: Int
    /// Variants of a block that ran whose results came from the cache.
    public var cachedVariants = 0
    public var seconds: Double
    /// The first error, for failed blocks.
    public var error: Diagnostic?

    /// `chapters/01-intro.md:12 xor: ran (2 variants, 1.3 s)` — the CLI's line per block.
    public var line: String {
        let head = "\(location.file):\(location.line) \(id)"
        switch state {
        case .failed:
            return "\(head): failed: \(error?.text ?? "unknown error")"
        case .cached:
            return "\(head): cached"
        case .nothingToTrain:
            return "\(head): nothing to train"
        case .failedAsExpected:
            return "\(head): failed as expected"
        case .unchanged:
            return "\(head): up to date (drawn from output/data)"
        case .ran:
            var v = variants > 1 || cachedVariants > 0 ? "\(variants) variant\(variants == 1 ? "" : "s"), " : ""
            if cachedVariants > 0 { v += "\(cachedVariants) cached, " }
            return "\(head): ran (\(v)\(NumberFormat.fixed(seconds, 1)) s)"
        }
    }
}

public struct BuildReport: Sendable {
    public var blocks: [BlockStatus]
    /// Every diagnostic of the book (validation and run failures), sorted.
    public var diagnostics: [Diagnostic]
    public var site: SiteReport?

    public var ran: Int { blocks.filter { $0.state == .ran }.count }
    /// Blocks taken from the cache, and those that had nothing to train (`BlockState.countsAsCached`).
    public var cached: Int { blocks.filter { $0.state.countsAsCached }.count }
    public var failed: Int { blocks.filter { $0.state == .failed }.count }

    /// The contract's last line: `N blocks: R run, C cached, F failed`.
    public var summaryLine: String { "\(blocks.count) blocks: \(ran) run, \(cached) cached, \(failed) failed" }

    /// 0 when everything built, 1 when any block failed or any input was invalid.
    public var exitCode: Int32 {
        failed > 0 || diagnostics.contains { $0.severity == .error } ? 1 : 0
    }
}

public enum Builder {
    /// Builds the book: load → validate → plan → run → render → write, each stage a function of the one before
    /// (`Stages`). `onBlock` is called as each block finishes (invalid blocks first, then runs as they
    /// complete); `progress`, when given, follows the running variants for a live display.
    public static func build(_ options: BuildOptions, progress: BuildProgress? = nil,
                             onBlock: (@Sendable (BlockStatus) -> Void)? = nil) throws -> BuildReport {
        // load. One build per output directory at a time; a build that waited reads the book again.
        var book = try BookLoader.load(options.book, allowOutside: options.allowOutside)
        let output = try BookFiles.outputDirectory(options.output, allowOutside: options.allowOutside)
        var waited = false
        let lock = try BuildLock.acquire(options.stateDirectory) { pid in
            waited = true
            options.onWaitForLock?(pid)
        }
        defer { withExtendedLifetime(lock) {} }
        if waited { book = try BookLoader.load(options.book, allowOutside: options.allowOutside) }

        let context = RunContext(bookDirectory: options.book.path, environment: options.environment, timeLimit: options.timeLimit)
        let validated = Stages.validate(book)
        let plan = Stages.plan(validated, context: context, rawHTML: options.rawHTML)
        let renderOptions = RenderOptions(rawHTML: options.rawHTML, katexDirectory: options.katexDirectory)
        if let unchanged = upToDate(plan, options: options, render: renderOptions) {
            for s in unchanged { onBlock?(s) }
            return BuildReport(blocks: unchanged, diagnostics: [], site: SiteReport())
        }
        for ch in book.chapters {
            for b in ch.blocks where b.spec == nil {
                onBlock?(status(location: b.location, id: b.id, spec: nil, diagnostics: b.diagnostics, run: nil, seconds: 0))
            }
        }
        let runs = try Stages.run(plan, options: options, progress: progress, onBlock: onBlock)
        let site = try Stages.render(book, runs: runs, options: renderOptions)

        // The per-block report, and what the next build and check compare against: failed blocks are never current.
        var statuses: [BlockStatus] = []
        var diagnostics = book.allDiagnostics + site.diagnostics
        var state = plan.state
        for (ci, ch) in book.chapters.enumerated() {
            for (bi, b) in ch.blocks.enumerated() {
                let run = runs[ci, bi]
                if let f = run?.failure { diagnostics.append(f) }
                diagnostics += run?.warnings ?? []
                statuses.append(status(location: b.location, id: b.id, spec: b.spec, diagnostics: b.diagnostics,
                                       run: run, seconds: runs.seconds[BlockRuns.key(ci, bi)] ?? 0))
                if let id = b.id, run?.failure != nil { state.blocks["\(ch.slug)/\(id)"] = ["failed"] }
            }
        }
        state.clean = diagnostics.isEmpty && !runs.runs.values.contains { $0.failure != nil || !$0.warnings.isEmpty }
            && book.templateSource.map { (try? PageTemplate.compile($0)) != nil } ?? true

        let report = try Stages.write(site, state: state, options: options, output: output)
        if let why = report.templateError {
            diagnostics.append(.error(at: SourceLocation(file: "templates/page.mustache", line: 1),
                                      "the page template cannot be used: \(why)",
                                      hint: "the built-in template was used; fix the template's {{…}} tags"))
        }
        return BuildReport(blocks: statuses, diagnostics: DiagnosticList(Array(Set(diagnostics))).sorted, site: report)
    }

    /// When output/ was written by a clean build of exactly this book (same chapters, templates, block keys,
    /// engine and options) and drawing it again from output/data gives output/'s bytes (what `labbook check`
    /// verifies), the per-block report of that build: nothing needs to run or be written. nil otherwise.
    static func upToDate(_ plan: PlannedBuild, options: BuildOptions, render: RenderOptions) -> [BlockStatus]? {
        let book = plan.validated.book
        guard options.cache != nil, book.allDiagnostics.isEmpty,
              let stateDir = try? SafeDirectory(options.stateDirectory, create: false),
              let out = try? SafeDirectory(options.output, create: false),
              let data = stateDir.read(BuildState.fileName),
              let built = try? JSONDecoder().decode(BuildState.self, from: data), built.clean, built == plan.state,
              // Labbook's old files still in output/ must go: not up to date.
              !SiteWriter.legacyNames.contains(where: { out.read($0) != nil })
        else { return nil }
        let (runs, problems) = Stages.read(plan.validated, output: out)
        guard problems.isEmpty, let site = try? Stages.render(book, runs: runs, options: render), site.diagnostics.isEmpty,
              site.templateError == nil, Stages.differences(site, output: out).isEmpty else { return nil }
        return book.chapters.flatMap { ch in
            ch.blocks.map { b in
                BlockStatus(location: b.location, id: b.id ?? "block-\(b.location.line)", state: BlockState.untrained(b.spec) ?? .unchanged,
                            variants: b.spec?.variants.count ?? 0, seconds: 0, error: nil)
            }
        }
    }

    static func status(location: SourceLocation, id: String?, spec: ExperimentSpec?, diagnostics: [Diagnostic],
                       run: BlockRun?, seconds: Double) -> BlockStatus {
        let failure = run?.failure ?? diagnostics.first { $0.severity == .error }
        var state: BlockState = failure != nil ? .failed : (run?.fromCache == true ? .cached : .ran)
        // "cached" only for a block whose runs came from the cache.
        if state == .cached, let run, run.trained == 0, run.expectedFailure != nil || run.keys.allSatisfy(\.isEmpty) {
            state = run.expectedFailure != nil ? .failedAsExpected : .nothingToTrain
        }
        var status = BlockStatus(location: location, id: id ?? "block-\(location.line)", state: state,
                                 variants: run?.trained ?? 0, seconds: seconds, error: failure)
        status.cachedVariants = run.map { r in r.keys.filter { !$0.isEmpty }.count - r.trained } ?? 0
        return status
    }
}

/// What is running now, for a live display (Execute's scheduler keeps it up to date).
public typealias BuildProgress = Execute.BuildProgress
