// The build's stages, each a function from one typed value to the next: load → validate → plan → run → render
// → write. `labbook check` takes the same path with "run" replaced by reading output/data and "write" by comparing.
import Blocks
import Engine
import Execute
import Foundation
import LabbookCore
import Outcomes
import Render
import Site

/// validate: the book's valid blocks, to run, in book order; the invalid ones only ever show their errors.
struct ValidatedBook: Sendable {
    struct Job: Sendable {
        var chapter: Int
        var block: Int
        var spec: ExperimentSpec
    }
    var book: LoadedBook
    var jobs: [Job]
}

/// plan: what a build of the book records (`BuildState`), computed in this one place for build and check.
struct PlannedBuild: Sendable {
    var validated: ValidatedBook
    var context: RunContext
    var state: BuildState
}

/// run (or read): each block's run, by "chapter/block" index; blocks absent here never ran (invalid ones).
struct BlockRuns: Sendable {
    var runs: [String: BlockRun] = [:]
    var seconds: [String: Double] = [:]

    static func key(_ chapter: Int, _ block: Int) -> String { "\(chapter)/\(block)" }
    subscript(chapter: Int, block: Int) -> BlockRun? { runs[Self.key(chapter, block)] }
}

/// render: every file of the site in memory, and what rendering found wrong.
struct RenderedSite: Sendable {
    var files: [String: Data]
    var chapters: [RenderedChapter]
    var templateError: String?
    var diagnostics: [Diagnostic]
}

enum Stages {
    static func validate(_ book: LoadedBook) -> ValidatedBook {
        var jobs: [ValidatedBook.Job] = []
        for (ci, ch) in book.chapters.enumerated() {
            for (bi, b) in ch.blocks.enumerated() {
                if let spec = b.spec { jobs.append(.init(chapter: ci, block: bi, spec: spec)) }
            }
        }
        return ValidatedBook(book: book, jobs: jobs)
    }

    /// The state a clean build of the book records: a digest per page, the run-cache keys per block ("invalid" for
    /// a block with errors, "unreadable-data" when its data cannot be read to key it).
    static func plan(_ validated: ValidatedBook, context: RunContext, rawHTML: Bool) -> PlannedBuild {
        let book = validated.book
        var state = BuildState(options: BuildState.options(rawHTML: rawHTML), clean: true)
        // The texts the loader read through the book's file rules (a FIFO or a file outside the book is never
        // opened again here).
        for ch in book.chapters {
            state.chapters[ch.slug] = pageDigest(book: book, chapter: ch)
            for b in ch.blocks {
                guard let id = b.id else { continue }
                state.blocks["\(ch.slug)/\(id)"] = b.spec.map { (try? Runner.keys($0, context: context)) ?? ["unreadable-data"] } ?? ["invalid"]
            }
        }
        return PlannedBuild(validated: validated, context: context, state: state)
    }

    static func pageDigest(book: LoadedBook, chapter: LoadedChapter) -> String {
        let neighbours = book.chapters.map(\.file).joined(separator: "\n")   // prev/next links and the index
        let css = book.customCSS.map { String(decoding: $0, as: UTF8.self) } ?? ""
        // The sidebar, cross-references and link checks show what other chapters hold (titles, headings, block
        // ids, labels), so the book's outline is part of each page, as are the bibliography and the files the
        // chapters may link to; a prose edit in one chapter still leaves the other pages current.
        return BuildState.pageDigest([book.configText, chapter.source, neighbours, book.templateSource ?? "", css,
                                      SiteWriter.builtInFingerprint, BookLinks.outline(book),
                                      BookLinks.bibliographyText(book), BookLinks.chapterFilesFingerprint(book)])
    }

    /// run: every valid block's variants, from the cache or trained, `jobs` at a time (another executor first
    /// computes what it can). `onBlock` hears of each block as it completes.
    static func run(_ plan: PlannedBuild, options: BuildOptions, progress: BuildProgress?,
                    onBlock: (@Sendable (BlockStatus) -> Void)?) throws -> BlockRuns {
        let specs = plan.validated.jobs.map(\.spec)
        let unavailable = try Builder.prepareRuns(specs, options: options, context: plan.context)
        let results = Scheduler.runAll(specs, context: plan.context, cache: options.cache.map { RunCache(directory: $0) },
                                      jobs: options.jobs, unavailable: unavailable, progress: progress) { i, run, seconds in
            onBlock?(Builder.status(location: specs[i].location, id: specs[i].id, spec: specs[i], diagnostics: [], run: run, seconds: seconds))
        }
        var runs = BlockRuns()
        for (job, r) in zip(plan.validated.jobs, results) {
            runs.runs[BlockRuns.key(job.chapter, job.block)] = r.0
            runs.seconds[BlockRuns.key(job.chapter, job.block)] = r.1
        }
        return runs
    }

    /// read: each valid block's run as output/data holds it (what `render` made of it last time). Missing and
    /// unreadable files are reported; their blocks render as not run.
    static func read(_ validated: ValidatedBook, output: SafeDirectory?) -> (BlockRuns, [String]) {
        var runs = BlockRuns()
        var problems: [String] = []
        for job in validated.jobs {
            let slug = validated.book.chapters[job.chapter].slug
            let path = "data/\(slug)/\(job.spec.id).json"
            guard let bytes = output?.read(path) else {
                problems.append("output/\(path) is missing: \(job.spec.location.file):\(job.spec.location.line) \(job.spec.id) has no results to draw")
                continue
            }
            do {
                runs.runs[BlockRuns.key(job.chapter, job.block)] = try BlockData.decode(bytes).run
            } catch {
                problems.append("output/\(path) cannot be read (\(error)); it was not written by this Labbook")
            }
        }
        return (runs, problems)
    }

    /// render: the figures from the runs (only the samples the book uses, `SampleUse`), the chapters around them,
    /// links across the book, and the site's other files. The same for build and check, so check can compare.
    static func render(_ book: LoadedBook, runs: BlockRuns, options: RenderOptions) throws -> RenderedSite {
        let quoted = InlineReferences.sampleUses(book)
        var runs = runs
        for (ci, ch) in book.chapters.enumerated() {
            for (bi, b) in ch.blocks.enumerated() {
                guard let spec = b.spec, var run = runs[ci, bi] else { continue }
                run.outcome = SampleUse.keep(SampleUse.of(spec) + (quoted["\(ch.slug)/\(spec.id)"] ?? []), of: run.outcome)
                runs.runs[BlockRuns.key(ci, bi)] = run
            }
        }
        // Inline results resolve against any block of the book: `{=block.q}` in its own chapter,
        // `{=chapter/block.q}` elsewhere.
        var outcomes: [String: BlockOutcome] = [:]
        var failedBlocks = Set<String>()
        for (ci, ch) in book.chapters.enumerated() {
            for (bi, b) in ch.blocks.enumerated() {
                guard let id = b.id else { continue }
                if let run = runs[ci, bi], run.failure == nil {
                    outcomes["\(ch.slug)/\(id)"] = run.outcome
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
                let known = InlineReferences.blockIDs(among: outcomes.keys, chapter: ref.chapter ?? slug)
                return .failure(ReferenceError("no block '\(ref.block)' in \(ref.chapter ?? "this chapter")", hint: suggestion(for: ref.block, in: known)))
            }
        }

        var diagnostics: [Diagnostic] = []
        var rendered: [RenderedChapter] = []
        var files: [String: Data] = [:]
        for (ci, ch) in book.chapters.enumerated() {
            var figures: [String] = []
            let language = ch.meta.language ?? book.config.language
            let words = ChromeStrings.forLanguage(language)
            for (bi, b) in ch.blocks.enumerated() {
                let id = b.id ?? "block-\(b.location.line)"
                var input = BlockInput(chapterSlug: ch.slug, location: b.location, id: id, spec: b.spec,
                                       diagnostics: b.diagnostics, run: runs[ci, bi], engineVersion: EngineInfo.version)
                input.number = words.numbered(words.figure, "\(ci + 1).\(bi + 1)")
                input.numberSeparator = words.captionSeparator
                input.dataWord = words.data
                let figure = BlockRenderer.render(input)
                figures.append(figure.html)
                if let json = figure.json { files["data/\(ch.slug)/\(id).json"] = json }
                if let csv = figure.csv { files["data/\(ch.slug)/\(id).csv"] = csv }
                for (k, table) in figure.tables.enumerated() { files["data/\(ch.slug)/\(id)-table-\(k + 1).csv"] = table }
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

        let info = BookInfo(title: book.config.title ?? book.directory.lastPathComponent,
                            author: book.config.author, description: book.config.description,
                            language: book.config.language)
        let site = try SiteWriter.files(SiteInput(book: info, chapters: rendered, files: files, templateSource: book.templateSource,
                                                  customCSS: book.customCSS),
                                        katexDirectory: options.katexDirectory)
        return RenderedSite(files: site.files, chapters: rendered, templateError: site.templateError, diagnostics: diagnostics)
    }

    /// compare (check's write): the site's files whose bytes differ from output/, or that output/ lacks, sorted.
    static func differences(_ site: RenderedSite, output: SafeDirectory?, among paths: Set<String>? = nil) -> [String] {
        site.files.keys.sorted().filter { path in
            guard paths?.contains(path) ?? true else { return false }
            return output?.read(path) != site.files[path]
        }
    }

    /// write: the files that changed, atomically, then the manifest and the state (`SiteWriter`).
    static func write(_ site: RenderedSite, state: BuildState, options: BuildOptions, output: URL) throws -> SiteReport {
        try SiteWriter.write(files: site.files, templateError: site.templateError, seal: (BuildState.fileName, state.encoded()),
                             to: output, state: options.stateDirectory)
    }
}

/// What rendering depends on besides the book and the runs.
struct RenderOptions: Sendable {
    var rawHTML: Bool
    var katexDirectory: String
}
