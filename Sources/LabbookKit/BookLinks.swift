// The book-wide link stage shared by build and check: the bibliography, the catalogue of labels and anchors,
// every chapter's references and links resolved, and the local files they name checked and read.
import Blocks
import Foundation
import LabbookCore
import Parse
import Render

enum BookLinks {
    struct Outcome {
        var pages: [RenderedChapter]
        /// Output path → bytes of the book's own files the chapters link to.
        var files: [String: Data]
        /// Where each file was first linked.
        var locations: [String: SourceLocation] = [:]
        var diagnostics: [Diagnostic]
    }

    /// The bibliography file relative to the book: book.yml's `bibliography:`, else `references.bib` if present.
    static func bibliographyFile(_ book: LoadedBook) -> String? {
        if let f = book.config.bibliography { return f }
        let fm = FileManager.default
        return fm.fileExists(atPath: book.directory.appendingPathComponent("references.bib").path) ? "references.bib" : nil
    }

    /// The bibliography's text, for the pages' digest ("" without one).
    static func bibliographyText(_ book: LoadedBook) -> String {
        guard let f = bibliographyFile(book) else { return "" }
        return (try? String(contentsOf: book.directory.appendingPathComponent(f), encoding: .utf8)) ?? ""
    }

    static func bibliography(_ book: LoadedBook) -> ([BibEntry], [Diagnostic]) {
        guard let file = bibliographyFile(book) else { return ([], []) }
        guard case .success(let data) = BookFiles.read(file, in: book.directory, allowOutside: book.allowOutside) else {
            return ([], [.error(at: SourceLocation(file: "book.yml", line: 1), "the bibliography '\(file)' does not exist",
                                hint: "put the BibTeX file at the book's root, or fix 'bibliography:' in book.yml")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return ([], [.error(at: SourceLocation(file: file, line: 1), "the bibliography is not UTF-8 text", hint: "save it as UTF-8")])
        }
        let (entries, problems) = BibTeX.parse(text, file: file)
        return (entries, problems)
    }

    /// Resolves references, citations and links in every page; `pages[i]` belongs to `book.chapters[i]`.
    static func link(_ book: LoadedBook, pages: [RenderedChapter]) -> Outcome {
        let (entries, bibProblems) = bibliography(book)
        let catalog = BookCatalog(pages: zip(book.chapters, pages).map { ch, page in
            let figures = ch.blocks.enumerated().compactMap { i, b in
                b.id.map { Label(kind: .fig, name: $0, number: "\(chapterNumber(ch, in: book)).\(i + 1)", anchor: $0) }
            }
            return BookCatalog.Page(slug: ch.slug, file: ch.file, anchors: page.anchors, labels: figures + page.labels)
        }, bibliography: entries)
        var out = Outcome(pages: [], files: [:], diagnostics: bibProblems)
        for (ch, page) in zip(book.chapters, pages) {
            let linked = CrossLinks.link(page, chapter: ch.chapter, catalog: catalog)
            out.pages.append(linked.page)
            out.diagnostics += linked.diagnostics
            for f in linked.files where out.files[f.path] == nil {
                switch read(f, book: book) {
                case .success(let data):
                    out.files[f.path] = data
                    out.locations[f.path] = f.location
                case .failure(let d): out.diagnostics.append(d)
                }
            }
        }
        return out
    }

    /// Puts the linked files into the site's files; one that would overwrite a page, an asset or a block's
    /// data is an error at the link.
    static func addLocalFiles(_ outcome: Outcome, to files: inout [String: Data], book: LoadedBook) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let pages = Set(book.chapters.map { "\($0.slug).html" } + ["index.html"])
        for (path, data) in outcome.files.sorted(by: { $0.key < $1.key }) {
            if pages.contains(path) || path.hasPrefix("assets/") || path.hasPrefix("data/") || files[path] != nil {
                let at = outcome.locations[path] ?? SourceLocation(file: "chapters", line: 1)
                problems.append(.error(at: at, "'chapters/\(path)' would overwrite a file Labbook writes (pages, assets/, data/)",
                                       hint: "move it, e.g. to chapters/files/ or chapters/img/"))
                continue
            }
            files[path] = data
        }
        return problems
    }

    /// Chapter numbers follow the book's order: the first chapter is 1.
    static func chapterNumber(_ ch: LoadedChapter, in book: LoadedBook) -> Int {
        (book.chapters.firstIndex { $0.slug == ch.slug } ?? 0) + 1
    }

    /// A linked file's bytes, if it is a regular file whose real path (symlinks followed) is inside the book.
    static func read(_ f: LocalFile, book: LoadedBook) -> Result<Data, Diagnostic> {
        let url = book.directory.appendingPathComponent("chapters").appendingPathComponent(f.path)
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else {
            let dir = url.deletingLastPathComponent()
            let near = (try? fm.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
            return .failure(.error(at: f.location, "the file 'chapters/\(f.path)' does not exist",
                                   hint: hint(for: url.lastPathComponent, in: near)))
        }
        guard !isDir.boolValue else {
            return .failure(.error(at: f.location, "'chapters/\(f.path)' is a directory; link to a file"))
        }
        // BookFiles: resolved inside the book (or an --allow-outside directory), opened O_NOFOLLOW, a regular file.
        switch BookFiles.read("chapters/\(f.path)", in: book.directory, allowOutside: book.allowOutside) {
        case .success(let data):
            return .success(data)
        case .failure(.outside(let real)):
            return .failure(.error(at: f.location, "'chapters/\(f.path)' resolves outside the book (to \(real)); it is not copied",
                                   hint: "copy the file into the book instead of linking to it, or pass --allow-outside DIR"))
        case .failure(.notRegular):
            // Only a regular file: a FIFO or a device (/dev/zero) would block or never end.
            return .failure(.error(at: f.location, "'chapters/\(f.path)' is not a regular file; it is not copied"))
        case .failure:
            return .failure(.error(at: f.location, "cannot read 'chapters/\(f.path)'", hint: "check the file's permissions"))
        }
    }

    /// What one page shows of the others: each chapter's front matter, headings, block ids and the lines that
    /// label tables and equations.
    static func outline(_ book: LoadedBook) -> String {
        book.chapters.map { ch in
            var parts = [ch.slug, ch.chapter.frontMatter?.yaml ?? ""]
            parts += ch.chapter.headings.map { "\($0.level) \($0.text)" }
            parts += ch.blocks.map { $0.id ?? "" }
            for node in ch.chapter.nodes {
                guard case .markdown(let text, _) = node else { continue }
                for line in text.split(separator: "\n") where line.contains("{#tbl:") || line.contains("{#eq:") || line.hasPrefix("Table:") {
                    parts.append(String(line))
                }
            }
            return parts.joined(separator: "\u{1}")
        }.joined(separator: "\u{0}")
    }

    /// Every file under chapters/ that is not a chapter, with its bytes: part of each page's digest, so
    /// a changed image makes `check` and the nothing-changed shortcut see a stale site.
    static func chapterFilesFingerprint(_ book: LoadedBook) -> String {
        let dir = book.directory.appendingPathComponent("chapters")
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: dir.path) else { return "" }
        var parts: [String] = []
        for case let rel as String in e where !rel.hasSuffix(".md") {
            let path = dir.appendingPathComponent(rel).path
            // attributesOfItem does not follow symlinks: a link is fingerprinted by its target's path, and only
            // regular files are read (a FIFO or device must not hang the build).
            let type = (try? fm.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            if type == .typeSymbolicLink {
                parts.append("\(rel)\u{0}->\((try? fm.destinationOfSymbolicLink(atPath: path)) ?? "")")
                continue
            }
            guard type == .typeRegular, let d = fm.contents(atPath: path) else { continue }
            parts.append("\(rel)\u{0}\(d.count)\u{0}\(d.hashValueStable)")
        }
        return parts.sorted().joined(separator: "\n")
    }
}

extension Data {
    /// FNV-1a over the bytes: stable across processes (Swift's hashValue is seeded per process).
    var hashValueStable: String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in self { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }
}

/// A did-you-mean hint, or none when there is nothing to choose from.
func hint(for word: String, in candidates: [String]) -> String? {
    candidates.isEmpty ? nil : suggestion(for: word, in: candidates)
}
