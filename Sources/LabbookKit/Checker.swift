// `labbook check`: validate every block and compare the book with what output/ was built from; runs nothing.
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
    /// The state is read from the output's state directory (`.labbook/state.json` for `BOOK/output`), which a
    /// book that commits its site commits too; Labbook's files left inside output/ by older versions make it stale.
    public static func check(book directory: URL, output: URL? = nil, allowOutside: [URL] = [],
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CheckReport {
        let book = try BookLoader.load(directory, allowOutside: allowOutside)
        let out = output ?? directory.appendingPathComponent("output")
        let current = try expectedState(book, environment: environment)
        var stale: [String] = []
        let stateDir = StateDirectory.url(book: directory, output: out)
        let stateData = (try? SafeDirectory(stateDir, create: false))?.read(BuildState.fileName)
        let outDir = try? SafeDirectory(out, create: false)
        for name in SiteWriter.legacyNames where outDir?.read(name) != nil {
            stale.append("output/\(name) was left by an older Labbook; output/ must hold only the site (run labbook build to move it to \(stateDir.lastPathComponent)/)")
        }
        if let data = stateData, let built = try? JSONDecoder().decode(BuildState.self, from: data) {
            if built.engine != current.engine {
                stale.append("output/ was built by engine \(built.engine); this is engine \(current.engine): every block would re-run")
            }
            for ch in book.chapters {
                if built.chapters[ch.slug] == nil {
                    stale.append("\(ch.file): no page in output/")
                } else if built.chapters[ch.slug] != current.chapters[ch.slug] {
                    stale.append("\(ch.file): the page is out of date (the chapter, book.yml, the template or Labbook's built-in page style changed)")
                }
                for b in ch.blocks {
                    guard let id = b.id else { continue }
                    let key = "\(ch.slug)/\(id)"
                    if built.blocks[key] != current.blocks[key] {
                        stale.append("\(b.location.file):\(b.location.line) \(id): results are out of date (training config, seed or data changed)")
                    }
                }
            }
            for slug in built.chapters.keys.sorted() where current.chapters[slug] == nil {
                stale.append("output/\(slug).html belongs to a chapter that no longer exists")
            }
        } else {
            stale.append("output/ has not been built (no \(stateDir.lastPathComponent)/\(BuildState.fileName))")
        }
        let diagnostics = DiagnosticList(book.allDiagnostics + ReferenceChecker.check(book) + linkProblems(book)).sorted
        return CheckReport(diagnostics: diagnostics, stale: stale, blockCount: book.blockCount,
                           invalidBlocks: book.chapters.flatMap(\.blocks).filter { $0.spec == nil }.count)
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

    /// The state a build of `book` now would record.
    static func expectedState(_ book: LoadedBook, environment: [String: String], rawHTML: Bool = true) throws -> BuildState {
        let context = RunContext(bookDirectory: book.directory.path, environment: environment)
        var state = BuildState(options: BuildState.options(rawHTML: rawHTML), clean: true)
        let bookYML = (try? String(contentsOf: book.directory.appendingPathComponent("book.yml"), encoding: .utf8)) ?? ""
        for ch in book.chapters {
            state.chapters[ch.slug] = pageDigest(book: book, bookYML: bookYML, chapter: ch)
            for b in ch.blocks {
                guard let id = b.id else { continue }
                state.blocks["\(ch.slug)/\(id)"] = b.spec.map { (try? Runner.keys($0, context: context)) ?? ["unreadable-data"] } ?? ["invalid"]
            }
        }
        return state
    }

    static func pageDigest(book: LoadedBook, bookYML: String, chapter: LoadedChapter) -> String {
        let chapterSource = (try? String(contentsOf: book.directory.appendingPathComponent(chapter.file), encoding: .utf8)) ?? ""
        let neighbours = book.chapters.map(\.file).joined(separator: "\n")   // prev/next links and the index
        let css = book.customCSS.map { String(decoding: $0, as: UTF8.self) } ?? ""
        // The sidebar, cross-references and link checks show what other chapters hold (titles, headings, block
        // ids, labels), so the book's outline is part of each page, as are the bibliography and the files the
        // chapters may link to; a prose edit in one chapter still leaves the other pages current.
        return BuildState.pageDigest([bookYML, chapterSource, neighbours, book.templateSource ?? "", css,
                                      SiteWriter.builtInFingerprint, BookLinks.outline(book),
                                      BookLinks.bibliographyText(book), BookLinks.chapterFilesFingerprint(book)])
    }
}
