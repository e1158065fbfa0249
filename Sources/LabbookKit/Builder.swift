// The driver: load → validate → run blocks → render chapters → write the site. Stage order only.
import Blocks
import Engine
import Execute
import Foundation
import LabbookCore
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
}

/// One line of the build's per-block report.
public struct BlockStatus: Sendable {
    public var location: SourceLocation
    public var id: String
    public var state: BlockState
    public var variants: Int
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
        case .ran:
            let v = variants > 1 ? "\(variants) variants, " : ""
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
    public var cached: Int { blocks.filter { $0.state == .cached }.count }
    public var failed: Int { blocks.filter { $0.state == .failed }.count }

    /// The contract's last line: `N blocks: R run, C cached, F failed`.
    public var summaryLine: String { "\(blocks.count) blocks: \(ran) run, \(cached) cached, \(failed) failed" }

    /// 0 when everything built, 1 when any block failed or any input was invalid.
    public var exitCode: Int32 {
        failed > 0 || diagnostics.contains { $0.severity == .error } ? 1 : 0
    }
}

public enum Builder {
    /// Builds the book. `onBlock` is called as each block finishes (in document order).
    public static func build(_ options: BuildOptions, onBlock: (@Sendable (BlockStatus) -> Void)? = nil) throws -> BuildReport {
        var book = try BookLoader.load(options.book)
        // One build per output directory at a time; a build that waited reads the book again.
        var waited = false
        let lock = try BuildLock.acquire(options.output) { pid in
            waited = true
            options.onWaitForLock?(pid)
        }
        defer { withExtendedLifetime(lock) {} }
        if waited { book = try BookLoader.load(options.book) }
        let context = RunContext(bookDirectory: options.book.path, environment: options.environment, timeLimit: options.timeLimit)

        // Run every valid block. Each run is independent; results are collected by index so the
        // output does not depend on the order in which runs finish.
        struct Job { var chapter: Int; var block: Int; var spec: ExperimentSpec }
        var jobs: [Job] = []
        for (ci, ch) in book.chapters.enumerated() {
            for (bi, b) in ch.blocks.enumerated() {
                if let spec = b.spec { jobs.append(Job(chapter: ci, block: bi, spec: spec)) }
            }
        }
        let runs = Executor.runAll(jobs.map(\.spec), context: context, cache: options.cache.map(RunCache.init), jobs: options.jobs)
        var runFor: [String: (BlockRun, Double)] = [:]
        for (job, r) in zip(jobs, runs) { runFor["\(job.chapter)/\(job.block)"] = r }

        var statuses: [BlockStatus] = []
        var diagnostics = book.allDiagnostics
        var rendered: [RenderedChapter] = []
        var files: [String: Data] = [:]
        for (ci, ch) in book.chapters.enumerated() {
            var figures: [String] = []
            for (bi, b) in ch.blocks.enumerated() {
                let id = b.id ?? "block-\(b.location.line)"
                let run = runFor["\(ci)/\(bi)"]
                let figure = BlockRenderer.render(
                    BlockInput(chapterSlug: ch.slug, location: b.location, id: id, spec: b.spec,
                               diagnostics: b.diagnostics, run: run?.0))
                figures.append(figure.html)
                if let json = figure.json { files["data/\(ch.slug)/\(id).json"] = json }
                let failure = run?.0.failure ?? b.diagnostics.first { $0.severity == .error }
                if let f = run?.0.failure { diagnostics.append(f) }
                diagnostics += run?.0.warnings ?? []
                let state: BlockState = failure != nil ? .failed : (run?.0.fromCache == true ? .cached : .ran)
                let status = BlockStatus(location: b.location, id: id, state: state,
                                         variants: b.spec?.variants.count ?? 0, seconds: run?.1 ?? 0, error: failure)
                statuses.append(status)
                onBlock?(status)
            }
            let reserved = Set(ch.blocks.compactMap(\.id))
            rendered.append(ChapterRenderer.render(ch.chapter, slug: ch.slug, frontMatterTitle: ch.meta.title,
                                                   figures: figures, reservedIDs: reserved, rawHTML: options.rawHTML))
        }

        // What check compares against later.
        var state = BuildState()
        let bookYML = (try? String(contentsOf: book.directory.appendingPathComponent("book.yml"), encoding: .utf8)) ?? ""
        for (ci, ch) in book.chapters.enumerated() {
            state.chapters[ch.slug] = Checker.pageDigest(book: book, bookYML: bookYML, chapter: ch)
            for (bi, b) in ch.blocks.enumerated() {
                guard let id = b.id else { continue }
                state.blocks["\(ch.slug)/\(id)"] = b.spec == nil ? ["invalid"] : (runFor["\(ci)/\(bi)"]?.0.keys ?? [])
            }
        }
        files[BuildState.fileName] = state.encoded()

        let info = BookInfo(title: book.config.title ?? book.directory.lastPathComponent,
                            author: book.config.author, description: book.config.description,
                            language: book.config.language)
        let site = try SiteWriter.write(SiteInput(book: info, chapters: rendered, files: files,
                                                  templateSource: book.templateSource, customCSS: book.customCSS),
                                        to: options.output, katexDirectory: options.katexDirectory)
        return BuildReport(blocks: statuses, diagnostics: DiagnosticList(diagnostics).sorted, site: site)
    }
}
