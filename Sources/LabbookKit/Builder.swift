// The driver: load → validate → run blocks → render chapters → write the site. Stage order only.
import Blocks
import Engine
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

    /// The summary line counts blocks that trained nothing with the cached ones (the contract's three counts).
    var countsAsCached: Bool { self == .cached || self == .nothingToTrain || self == .failedAsExpected }

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
    /// Builds the book. `onBlock` is called as each block finishes (invalid blocks first, then runs as they
    /// complete); `progress`, when given, follows the running variants for a live display.
    public static func build(_ options: BuildOptions, progress: BuildProgress? = nil,
                             onBlock: (@Sendable (BlockStatus) -> Void)? = nil) throws -> BuildReport {
        var book = try BookLoader.load(options.book, allowOutside: options.allowOutside)
        let output = try BookFiles.outputDirectory(options.output, allowOutside: options.allowOutside)
        // One build per output directory at a time; a build that waited reads the book again.
        var waited = false
        let lock = try BuildLock.acquire(options.stateDirectory) { pid in
            waited = true
            options.onWaitForLock?(pid)
        }
        defer { withExtendedLifetime(lock) {} }
        if waited { book = try BookLoader.load(options.book, allowOutside: options.allowOutside) }
        let context = RunContext(bookDirectory: options.book.path, environment: options.environment, timeLimit: options.timeLimit)
        if let unchanged = upToDate(book, options: options) {
            for s in unchanged { onBlock?(s) }
            return BuildReport(blocks: unchanged, diagnostics: [], site: SiteReport())
        }

        // Run every valid block. Each run is independent; results are collected by index so the
        // output does not depend on the order in which runs finish.
        struct Job { var chapter: Int; var block: Int; var spec: ExperimentSpec }
        var jobs: [Job] = []
        for (ci, ch) in book.chapters.enumerated() {
            for (bi, b) in ch.blocks.enumerated() {
                if let spec = b.spec { jobs.append(Job(chapter: ci, block: bi, spec: spec)) }
            }
        }
        for ch in book.chapters {
            for b in ch.blocks where b.spec == nil {
                onBlock?(status(location: b.location, id: b.id, spec: nil, diagnostics: b.diagnostics, run: nil, seconds: 0))
            }
        }
        let specs = jobs.map(\.spec)
        let unavailable = try prepareRuns(specs, options: options, context: context)
        let runs = Executor.runAll(specs, context: context, cache: options.cache.map { RunCache(directory: $0) }, jobs: options.jobs,
                                   unavailable: unavailable, progress: progress) { i, run, seconds in
            onBlock?(status(location: specs[i].location, id: specs[i].id, spec: specs[i], diagnostics: [], run: run, seconds: seconds))
        }
        var runFor: [String: (BlockRun, Double)] = [:]
        for (job, r) in zip(jobs, runs) { runFor["\(job.chapter)/\(job.block)"] = r }

        // Inline results resolve against any block of the book: `{=block.q}` in its own chapter,
        // `{=chapter/block.q}` elsewhere.
        var outcomes: [String: BlockOutcome] = [:]
        var failedBlocks = Set<String>()
        for (ci, ch) in book.chapters.enumerated() {
            for (bi, b) in ch.blocks.enumerated() {
                guard let id = b.id else { continue }
                if let run = runFor["\(ci)/\(bi)"], run.0.failure == nil {
                    outcomes["\(ch.slug)/\(id)"] = run.0.outcome
                } else {
                    failedBlocks.insert("\(ch.slug)/\(id)")
                }
            }
        }
        func resolver(for slug: String) -> (ResultReference) -> Result<String, ReferenceError> {
            { ref in
                let key = "\(ref.chapter ?? slug)/\(ref.block)"
                if let outcome = outcomes[key] { return InlineResults.evaluate(ref, in: outcome) }
                if failedBlocks.contains(key) { return .failure(ReferenceError("block '\(ref.block)' failed")) }
                let known = outcomes.keys.filter { $0.hasPrefix("\(ref.chapter ?? slug)/") }.map { String($0.split(separator: "/").last ?? "") }.sorted()
                return .failure(ReferenceError("no block '\(ref.block)' in \(ref.chapter ?? "this chapter")", hint: suggestion(for: ref.block, in: known)))
            }
        }

        var statuses: [BlockStatus] = []
        var diagnostics = book.allDiagnostics
        var rendered: [RenderedChapter] = []
        var files: [String: Data] = [:]
        for (ci, ch) in book.chapters.enumerated() {
            var figures: [String] = []
            let language = ch.meta.language ?? book.config.language
            let words = ChromeStrings.forLanguage(language)
            for (bi, b) in ch.blocks.enumerated() {
                let id = b.id ?? "block-\(b.location.line)"
                let run = runFor["\(ci)/\(bi)"]
                var input = BlockInput(chapterSlug: ch.slug, location: b.location, id: id, spec: b.spec,
                                       diagnostics: b.diagnostics, run: run?.0, engineVersion: EngineInfo.version)
                input.number = words.numbered(words.figure, "\(ci + 1).\(bi + 1)")
                input.numberSeparator = words.captionSeparator
                input.dataWord = words.data
                let figure = BlockRenderer.render(input)
                figures.append(figure.html)
                if let json = figure.json { files["data/\(ch.slug)/\(id).json"] = json }
                if let csv = figure.csv { files["data/\(ch.slug)/\(id).csv"] = csv }
                for (k, table) in figure.tables.enumerated() { files["data/\(ch.slug)/\(id)-table-\(k + 1).csv"] = table }
                if let f = run?.0.failure { diagnostics.append(f) }
                diagnostics += run?.0.warnings ?? []
                statuses.append(status(location: b.location, id: b.id, spec: b.spec, diagnostics: b.diagnostics,
                                       run: run?.0, seconds: run?.1 ?? 0))
            }
            let reserved = Set(ch.blocks.compactMap(\.id))
            let page = ChapterRenderer.render(ch.chapter, slug: ch.slug, frontMatterTitle: ch.meta.title,
                                              figures: figures, reservedIDs: reserved, rawHTML: options.rawHTML,
                                              number: ci + 1, language: language, resolve: resolver(for: ch.slug))
            diagnostics += page.diagnostics
            rendered.append(page)
        }
        // References, citations and links across the book; the chapters' own files join the site.
        let linked = BookLinks.link(book, pages: rendered)
        rendered = linked.pages
        diagnostics += linked.diagnostics
        diagnostics += BookLinks.addLocalFiles(linked, to: &files, book: book)

        // What check (and the next build's shortcut) compares against later.
        var state = BuildState(options: BuildState.options(rawHTML: options.rawHTML))
        let bookYML = (try? String(contentsOf: book.directory.appendingPathComponent("book.yml"), encoding: .utf8)) ?? ""
        for (ci, ch) in book.chapters.enumerated() {
            state.chapters[ch.slug] = Checker.pageDigest(book: book, bookYML: bookYML, chapter: ch)
            for (bi, b) in ch.blocks.enumerated() {
                guard let id = b.id else { continue }
                let run = runFor["\(ci)/\(bi)"]?.0
                state.blocks["\(ch.slug)/\(id)"] = b.spec == nil ? ["invalid"] : (run?.failure != nil ? ["failed"] : (run?.keys ?? []))
            }
        }
        let clean = diagnostics.isEmpty && !rendered.contains { !$0.diagnostics.isEmpty }
            && !runFor.values.contains { $0.0.failure != nil || !$0.0.warnings.isEmpty }

        state.clean = clean && book.templateSource.map { (try? PageTemplate.compile($0)) != nil } ?? true

        let info = BookInfo(title: book.config.title ?? book.directory.lastPathComponent,
                            author: book.config.author, description: book.config.description,
                            language: book.config.language)
        let site = try SiteWriter.write(SiteInput(book: info, chapters: rendered, files: files,
                                                  templateSource: book.templateSource, customCSS: book.customCSS,
                                                  seal: (BuildState.fileName, state.encoded())),
                                        to: output, state: options.stateDirectory, katexDirectory: options.katexDirectory)
        if let why = site.templateError {
            diagnostics.append(.error(at: SourceLocation(file: "templates/page.mustache", line: 1),
                                      "the page template cannot be used: \(why)",
                                      hint: "the built-in template was used; fix the template's {{…}} tags"))
        }
        return BuildReport(blocks: statuses, diagnostics: DiagnosticList(Array(Set(diagnostics))).sorted, site: site)
    }

    /// When output/ was written by a clean build of exactly this book (same chapters, templates, block keys,
    /// engine and options) and every file it wrote is still there, the per-block report of that build;
    /// nothing needs to run, render or be written. nil otherwise.
    static func upToDate(_ book: LoadedBook, options: BuildOptions) -> [BlockStatus]? {
        guard options.cache != nil, book.allDiagnostics.isEmpty,
              let stateDir = try? SafeDirectory(options.stateDirectory, create: false),
              let out = try? SafeDirectory(options.output, create: false) else { return nil }
        guard let data = stateDir.read(BuildState.fileName),
              let built = try? JSONDecoder().decode(BuildState.self, from: data), built.clean,
              let expected = try? Checker.expectedState(book, environment: options.environment, rawHTML: options.rawHTML),
              expected.engine == built.engine, expected.chapters == built.chapters, expected.blocks == built.blocks,
              expected.options == built.options,
              let manifest = stateDir.read(SiteWriter.manifestName).map({ String(decoding: $0, as: UTF8.self) })
        else { return nil }
        // Labbook's old files still in output/ must go: not up to date.
        if SiteWriter.legacyNames.contains(where: { out.read($0) != nil }) { return nil }
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            if !out.isRegularFile(String(line)) { return nil }
        }
        return book.chapters.flatMap { ch in
            ch.blocks.map { b in
                BlockStatus(location: b.location, id: b.id ?? "block-\(b.location.line)", state: BlockState.untrained(b.spec) ?? .cached,
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
