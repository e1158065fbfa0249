// `labbook check`: validate every block, compare the book with what output/ was built from, and draw the pages
// again from output/data to compare their bytes; runs nothing.
import Execute
import Render
import Foundation
import Site
import LabbookCore

public struct CheckReport: Sendable {
    public var diagnostics: [Diagnostic]
    /// Human-readable reasons why output/ does not match the book; empty when it is up to date.
    public var stale: [String]
    public var blockCount: Int
    public var invalidBlocks: Int

    public var exitCode: Int32 { diagnostics.contains { $0.severity == .error } || !stale.isEmpty ? 1 : 0 }
}

public enum Checker {
    /// Validates the book, compares it with the state output/ was built from (`.labbook/state.json` for
    /// `BOOK/output`, which a book that commits its site commits too), then draws every current page again from
    /// the chapters and output/data, as the build would, and compares the bytes with output/: a page edited by
    /// hand, or a Labbook that now draws differently, is stale. Runs nothing.
    public static func check(book directory: URL, output: URL? = nil, allowOutside: [URL] = [],
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CheckReport {
        let book = try BookLoader.load(directory, allowOutside: allowOutside)
        let out = output ?? directory.appendingPathComponent("output")
        let stateDir = StateDirectory.url(book: directory, output: out)
        let stateData = (try? SafeDirectory(stateDir, create: false))?.read(BuildState.fileName)
        let outDir = try? SafeDirectory(out, create: false)
        let built = stateData.flatMap { try? JSONDecoder().decode(BuildState.self, from: $0) }
        let rawHTML = built?.options != BuildState.options(rawHTML: false)
        let validated = Stages.validate(book)
        let plan = Stages.plan(validated, context: RunContext(bookDirectory: directory.path, environment: environment), rawHTML: rawHTML)
        let current = plan.state
        var stale: [String] = []
        for name in SiteWriter.legacyNames where outDir?.read(name) != nil {
            stale.append("output/\(name) was left by an older Labbook; output/ must hold only the site (run labbook build to move it to \(stateDir.lastPathComponent)/)")
        }
        let diagnostics = DiagnosticList(book.allDiagnostics + InlineReferences.problems(book) + linkProblems(book)).sorted
        func report() -> CheckReport {
            CheckReport(diagnostics: diagnostics, stale: stale, blockCount: book.blockCount,
                        invalidBlocks: book.chapters.flatMap(\.blocks).filter { $0.spec == nil }.count)
        }
        guard let built else {
            stale.append("output/ has not been built (no \(stateDir.lastPathComponent)/\(BuildState.fileName))")
            return report()
        }
        if built.engine != current.engine {
            stale.append("output/ was built by engine \(built.engine); this is engine \(current.engine): every block would re-run")
        }
        var currentChapters = Set<String>()
        for ch in book.chapters {
            var fresh = true
            if built.chapters[ch.slug] == nil {
                stale.append("\(ch.file): no page in output/")
                fresh = false
            } else if built.chapters[ch.slug] != current.chapters[ch.slug] {
                stale.append("\(ch.file): the page is out of date (the chapter, book.yml, the template or Labbook's built-in page style changed)")
                fresh = false
            }
            for b in ch.blocks {
                guard let id = b.id else { continue }
                let key = "\(ch.slug)/\(id)"
                if built.blocks[key] != current.blocks[key] {
                    stale.append("\(b.location.file):\(b.location.line) \(id): results are out of date (training config, seed or data changed)")
                    fresh = false
                }
            }
            if fresh { currentChapters.insert(ch.slug) }
        }
        for slug in built.chapters.keys.sorted() where current.chapters[slug] == nil {
            stale.append("output/\(slug).html belongs to a chapter that no longer exists")
        }
        stale += redrawn(plan, output: outDir, rawHTML: rawHTML, environment: environment,
                         current: currentChapters, everything: stale.isEmpty)
        return report()
    }

    /// The files of output/ that drawing the site again from the chapters and output/data does not reproduce:
    /// the pages and data of `current` chapters, and the book-wide files (index, assets) when `everything` is.
    static func redrawn(_ plan: PlannedBuild, output: SafeDirectory?, rawHTML: Bool, environment: [String: String],
                        current: Set<String>, everything: Bool) -> [String] {
        let book = plan.validated.book
        let (runs, unreadable) = Stages.read(plan.validated, output: output)
        let chapterOf = Dictionary(uniqueKeysWithValues: book.chapters.map { ($0.slug, $0) })
        var problems = unreadable.filter { p in current.contains { p.hasPrefix("output/data/\($0)/") } }
        let options = RenderOptions(rawHTML: rawHTML, katexDirectory: environment["LABBOOK_KATEX"] ?? SiteWriter.defaultKatexDirectory)
        let site: RenderedSite
        do {
            site = try Stages.render(book, runs: runs, options: options)
        } catch {
            return problems + ["the site cannot be drawn again to compare with output/: \(error)"]
        }
        // A page or data file belongs to its chapter; everything else (index, search index, assets) to the book.
        func owner(_ path: String) -> String? {
            if path.hasSuffix(".html"), !path.contains("/"), let slug = Optional(String(path.dropLast(5))), chapterOf[slug] != nil { return slug }
            if path.hasPrefix("data/") { return path.split(separator: "/").dropFirst().first.map(String.init) }
            return nil
        }
        let paths = Set(site.files.keys.filter { path in owner(path).map { current.contains($0) } ?? everything })
        for path in Stages.differences(site, output: output, among: paths) {
            if output?.read(path) == nil {
                problems.append("output/\(path) is missing")
            } else {
                problems.append("output/\(path) differs from what the chapters and output/data draw (edited by hand, or Labbook now draws it differently); run labbook build")
            }
        }
        return problems
    }

    /// Broken references, citations, links and local files, found by rendering the prose (no block runs):
    /// the same stage the build uses, so check and build agree.
    static func linkProblems(_ book: LoadedBook) -> [Diagnostic] {
        let pages = book.chapters.enumerated().map { ci, ch in
            ChapterRenderer.render(ch.chapter, slug: ch.slug, frontMatterTitle: ch.meta.title,
                                   figures: ch.blocks.map { _ in "" }, reservedIDs: Set(ch.blocks.compactMap(\.id)),
                                   number: ci + 1, language: ch.meta.language ?? book.config.language)
        }
        let linked = BookLinks.link(book, pages: pages)
        var files: [String: Data] = [:]
        return linked.diagnostics + BookLinks.addLocalFiles(linked, to: &files, book: book)
    }
}
