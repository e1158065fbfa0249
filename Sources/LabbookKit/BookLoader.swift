// Reads a book from disk and validates every block of every chapter in one pass; runs nothing.
import Blocks
import Execute
import Foundation
import LabbookCore
import Parse

public struct LoadedBlock: Sendable {
    public var location: SourceLocation
    /// nil when the block has errors.
    public var spec: ExperimentSpec?
    public var diagnostics: [Diagnostic]
    /// The id as written, even when the block is invalid (for anchors and messages); nil if missing.
    public var id: String?
}

public struct LoadedChapter: Sendable {
    /// Relative to the book, e.g. `chapters/01-intro.md`.
    public var file: String
    /// Output name: the file name without `.md`.
    public var slug: String
    public var chapter: Chapter
    public var meta: ChapterMeta
    public var blocks: [LoadedBlock]
    /// Problems of the chapter itself (front matter), not of a block.
    public var diagnostics: [Diagnostic]
    /// The chapter's text as read (and decoded) once, through the book's file rules; what its page digest hashes.
    public var source: String
}

public struct LoadedBook: Sendable {
    public var directory: URL
    public var config: BookConfig
    public var chapters: [LoadedChapter]
    public var templateSource: String?
    public var customCSS: Data?
    /// book.yml problems.
    public var diagnostics: [Diagnostic]
    /// `--allow-outside` directories the book's files may resolve into.
    public var allowOutside: [URL] = []
    /// book.yml's text as read (and decoded) once; empty without one.
    public var configText = ""

    /// Every diagnostic of the book, sorted by file and line.
    public var allDiagnostics: [Diagnostic] {
        var all = DiagnosticList(diagnostics)
        for ch in chapters {
            all.append(contentsOf: ch.diagnostics)
            for b in ch.blocks { all.append(contentsOf: b.diagnostics) }
        }
        return all.sorted
    }

    public var blockCount: Int { chapters.reduce(0) { $0 + $1.blocks.count } }
}

/// A problem that stops the command before any block is looked at: exit code 2.
public struct UsageError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

public enum BookLoader {
    /// Longest chapter file name: the page is `NAME.html` and every file name must fit NAME_MAX (255 bytes).
    static let maxChapterNameBytes = 200

    /// Reads and validates the book. Chapters, book.yml, the template and custom CSS must resolve inside the
    /// book (or inside one of `allowOutside`), and be regular files (`BookFiles`).
    public static func load(_ directory: URL, allowOutside: [URL] = []) throws -> LoadedBook {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw UsageError("no book at '\(directory.path)': the directory does not exist")
        }
        let chaptersDir = directory.appendingPathComponent("chapters")
        guard let names = try? fm.contentsOfDirectory(atPath: chaptersDir.path) else {
            throw UsageError("no chapters/ directory in '\(directory.path)'; a book keeps its Markdown chapters in chapters/*.md")
        }
        let chapterFiles = names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
        guard !chapterFiles.isEmpty else {
            throw UsageError("chapters/ in '\(directory.path)' holds no .md files")
        }

        var diagnostics: [Diagnostic] = []
        var config = BookConfig()
        var configText = ""
        switch BookFiles.read("book.yml", in: directory, allowOutside: allowOutside) {
        case .success(let data):
            // Decoded as a chapter is: a Latin-1 byte is an error at its line, not a silently ignored book.yml.
            let (text, problems) = ChapterText.decode(data, file: "book.yml", what: "book.yml")
            configText = text
            let (c, ds) = BookReader.readBookConfig(yaml: text, file: "book.yml")
            config = c
            diagnostics += problems + ds
        case .failure(.missing): break
        case .failure(let p):
            diagnostics.append(.error(at: SourceLocation(file: "book.yml", line: 1), "cannot use book.yml: \(p)", hint: p.hint))
        }

        var chapters: [LoadedChapter] = []
        for name in chapterFiles {
            let file = "chapters/\(name)"
            // The name becomes the page's file name and URL; anything beyond a plain name could break out of an href.
            guard name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }) else {
                diagnostics.append(.error(at: SourceLocation(file: file, line: 1), "the chapter's file name may use only letters, digits, '-', '_' and '.'; the chapter was left out",
                                          hint: "rename it, e.g. '01-introduction.md': the name becomes the page's URL"))
                continue
            }
            guard name.utf8.count <= maxChapterNameBytes else {
                diagnostics.append(.error(at: SourceLocation(file: file, line: 1), "the chapter's file name is \(name.utf8.count) bytes long, more than \(maxChapterNameBytes); the chapter was left out",
                                          hint: "shorten it: the name becomes the page's file name, and file names are limited to 255 bytes"))
                continue
            }
            // index.html is the book's contents page; a chapter of that name would silently replace it.
            guard name != "index.md" else {
                diagnostics.append(.error(at: SourceLocation(file: file, line: 1), "a chapter may not be called index.md: its page would replace the book's contents page (index.html); the chapter was left out",
                                          hint: "rename it, e.g. '00-introduction.md'; the contents page is written from book.yml"))
                continue
            }
            var source = ""
            var problems: [Diagnostic] = []
            switch BookFiles.read(file, in: directory, allowOutside: allowOutside) {
            case .success(let data):
                (source, problems) = ChapterText.decode(data, file: file)
            case .failure(.notRegular("a directory")):
                problems.append(.error(at: SourceLocation(file: file, line: 1), "the chapter is a directory, not a file",
                                       hint: "chapters/*.md must be Markdown files; rename the directory"))
            case .failure(.missing):
                problems.append(.error(at: SourceLocation(file: file, line: 1), "cannot read the chapter: it is missing or not readable (a dangling link?)",
                                       hint: "check the file's permissions, or remove it from chapters/"))
            case .failure(let p):
                // Outside the book, or a FIFO or device: nothing of it may reach a page.
                diagnostics.append(.error(at: SourceLocation(file: file, line: 1), "cannot read the chapter: \(p); the chapter was left out", hint: p.hint))
                continue
            }
            var loaded = loadChapter(source: source, file: file, slug: String(name.dropLast(3)), bookDefaults: config.defaults,
                                     dataRoot: DataRoot(bookDirectory: directory.path, environment: ProcessInfo.processInfo.environment))
            loaded.diagnostics = problems + loaded.diagnostics
            chapters.append(loaded)
        }

        // The template and custom CSS are published (or shape every page): the same rule as chapters.
        var template: String?
        var css: Data?
        for (rel, isTemplate) in [("templates/page.mustache", true), ("assets/custom.css", false)] {
            switch BookFiles.read(rel, in: directory, allowOutside: allowOutside) {
            case .success(let data):
                if isTemplate { template = String(data: data, encoding: .utf8) } else { css = data }
            case .failure(.missing): break
            case .failure(let p):
                diagnostics.append(.error(at: SourceLocation(file: rel, line: 1), "cannot use \(rel): \(p); it was left out", hint: p.hint))
            }
        }
        var book = LoadedBook(directory: directory, config: config, chapters: chapters, templateSource: template,
                              customCSS: css, diagnostics: diagnostics)
        book.allowOutside = allowOutside
        book.configText = configText
        return book
    }

    static func loadChapter(source: String, file: String, slug: String, bookDefaults: YAMLTree?, dataRoot: DataRoot? = nil) -> LoadedChapter {
        let chapter = ChapterParser.parse(source: source, file: file)
        var chapterDiagnostics = chapter.diagnostics
        var meta = ChapterMeta()
        if let fm = chapter.frontMatter {
            let (m, ds) = BookReader.readFrontMatter(yaml: fm.yaml, at: fm.location)
            meta = m
            chapterDiagnostics += ds
        }
        var blocks: [LoadedBlock] = []
        for (yaml, location) in chapter.experiments {
            let (spec, ds) = BlockReader.read(yaml: yaml, at: location, bookDefaults: bookDefaults, chapterDefaults: meta.defaults,
                                              dataRoot: dataRoot, feasibility: EngineFeasibility())
            blocks.append(LoadedBlock(location: location, spec: ds.contains { $0.severity == .error } ? nil : spec,
                                      diagnostics: ds, id: spec?.id ?? rawID(yaml)))
        }
        // Duplicate ids, also among blocks with other errors: the later block gets the error and is not run.
        let dupes = BlockReader.checkUnique(ids: blocks.compactMap { b in b.id.map { ($0, b.location) } })
        for d in dupes {
            if let i = blocks.firstIndex(where: { $0.location.line == d.location.line }) {
                blocks[i].diagnostics.append(d)
                blocks[i].spec = nil
            }
        }
        return LoadedChapter(file: file, slug: slug, chapter: chapter, meta: meta, blocks: blocks, diagnostics: chapterDiagnostics,
                             source: source)
    }

    /// The `id:` line of a block that failed validation, so its error box still gets an anchor.
    static func rawID(_ yaml: String) -> String? {
        for line in yaml.split(separator: "\n") where line.hasPrefix("id:") {
            let v = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            if !v.isEmpty, v.utf8.count <= ExperimentSpec.maxIDLength,
               v.allSatisfy({ $0.isLowercase && $0.isASCII || $0.isNumber || $0 == "-" }) { return v }
        }
        return nil
    }
}
