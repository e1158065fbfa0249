// Writes the static site: index, one page per chapter with navigation, assets, JSON data; a manifest beside it.
import Charts
import Foundation
import LabbookCore
import Mustache
import Render

public struct BookInfo: Sendable {
    public var title: String
    public var author: String?
    public var description: String?
    public var language: String

    public init(title: String, author: String? = nil, description: String? = nil, language: String = "en") {
        self.title = title
        self.author = author
        self.description = description
        self.language = language
    }
}

public struct SiteInput: Sendable {
    public var book: BookInfo
    public var chapters: [RenderedChapter]
    /// Extra files relative to the output directory, e.g. `data/01-intro/xor.json`.
    public var files: [String: Data]
    /// The book's own `templates/page.mustache`, if any.
    public var templateSource: String?
    /// The book's own `assets/custom.css`, if any.
    public var customCSS: Data?
    /// A file in the state directory that vouches for the rest (the build state): a differing old copy is
    /// removed before anything is written, and the new one is written after every other file and the manifest.
    /// A build killed half-way therefore never leaves a seal beside pages it does not describe.
    public var seal: (path: String, data: Data)?

    public init(book: BookInfo, chapters: [RenderedChapter], files: [String: Data] = [:],
                templateSource: String? = nil, customCSS: Data? = nil, seal: (path: String, data: Data)? = nil) {
        self.book = book
        self.chapters = chapters
        self.files = files
        self.templateSource = templateSource
        self.customCSS = customCSS
        self.seal = seal
    }
}

public struct SiteReport: Sendable {
    /// Why the book's own template could not be used (the built-in one was used instead).
    public var templateError: String?
    public var written: [String] = []
    public var unchanged = 0
    public var removed: [String] = []

    public init() {}
}

public enum SiteError: Error, CustomStringConvertible {
    case template(String)
    case katexMissing(String)
    case unsafePath(String)
    /// Writing a file failed: the path relative to the output and why (a link in the way, the disk full, …).
    case write(String, SafePathError)

    public var description: String {
        switch self {
        case .template(let m): "templates/page.mustache: error: \(m)"
        case .katexMissing(let dir): "KaTeX not found in \(dir); install Debian's libjs-katex (apt-get install libjs-katex) or set LABBOOK_KATEX"
        case .unsafePath(let p): "refusing to write '\(p)': output paths must stay inside the output directory"
        case .write(let p, let e): "cannot write output/\(p): \(e)"
        }
    }
}

public enum SiteWriter {
    /// The manifest's name in the state directory: every file the build wrote into the output, one a line.
    public static let manifestName = "manifest"
    /// What earlier versions left inside `output/` itself; removed, and the old manifest read once.
    public static let legacyNames = [".labbook-manifest", ".labbook-state.json", ".labbook-lock"]
    public static let defaultKatexDirectory = "/usr/share/javascript/katex"
    public static let defaultHighlightDirectory = "/usr/share/javascript/highlight.js"

    /// Builds every page in memory, then writes only the files whose bytes changed (atomically), and
    /// removes files a previous build wrote that this one no longer produces. `output` holds only the site;
    /// the manifest and the seal go to `state`. Nothing is written or removed through a symbolic link
    /// (`SafeDirectory`), and the old manifest is read as untrusted data.
    public static func write(_ input: SiteInput, to output: URL, state: URL, katexDirectory: String,
                             highlightDirectory: String = defaultHighlightDirectory) throws -> SiteReport {
        let site = try files(input, katexDirectory: katexDirectory, highlightDirectory: highlightDirectory)
        return try write(files: site.files, templateError: site.templateError, seal: input.seal, to: output, state: state)
    }

    /// Writes the files `files(_:katexDirectory:)` made; see `write(_:to:state:katexDirectory:)`.
    public static func write(files: [String: Data], templateError: String?, seal: (path: String, data: Data)?,
                             to output: URL, state: URL) throws -> SiteReport {
        var report = SiteReport()
        report.templateError = templateError
        let out: SafeDirectory, stateDir: SafeDirectory
        do {
            out = try SafeDirectory(output)
            stateDir = try SafeDirectory(state)
        } catch let e as SafePathError {
            throw SiteError.write("", e)
        }
        if let seal {
            guard isSafeRelativePath(seal.path) else { throw SiteError.unsafePath(seal.path) }
            if let old = stateDir.read(seal.path), old != seal.data { stateDir.remove(seal.path) }
        }
        // Every changed file is staged (written and flushed under a temporary name) before any is renamed into
        // place: when the disk fills up, the old site stays whole and no page links to one that was not written.
        var staged: [SafeDirectory.Staged] = []
        for path in files.keys.sorted() {
            guard isSafeRelativePath(path) else { throw SiteError.unsafePath(path) }
            guard let data = files[path] else { continue }
            do {
                if let s = try out.stage(data, to: path) { staged.append(s) } else { report.unchanged += 1 }
            } catch let e as SafePathError {
                for s in staged { out.discard(s) }
                throw SiteError.write(path, e)
            }
        }
        for s in staged {
            do { try out.commit(s) } catch let e as SafePathError { throw SiteError.write(s.path, e) }
            report.written.append(s.path)
        }

        // Remove what the previous build wrote and this one did not; the manifest of a version that kept it
        // in output/ is read once, and Labbook's old files there go.
        let legacy = out.read(legacyNames[0])
        let manifestText = (stateDir.read(manifestName) ?? legacy).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let previous = manifestText.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        for old in previous where files[old] == nil && isSafeRelativePath(old) && !legacyNames.contains(old) {
            if out.remove(old) { report.removed.append(old) }
        }
        // Temporary files of a build that was killed mid-write (AtomicFile's `.lbk-PID-RANDOM.tmp`).
        removeStaleTemporaries(in: out)
        let manifest = "# Files labbook wrote into the output directory; `labbook clean` removes exactly these.\n"
            + files.keys.sorted().joined(separator: "\n") + "\n"
        do {
            try stateDir.write(Data(manifest.utf8), to: manifestName)
            for name in legacyNames where out.remove(name) { report.removed.append(name) }
            if let seal {
                if try stateDir.write(seal.data, to: seal.path) { report.written.append(seal.path) } else { report.unchanged += 1 }
            }
        } catch let e as SafePathError {
            throw SiteError.write(manifestName, e)
        }
        return report
    }

    /// Every file of the site, in memory, by path relative to the output directory; what `write` writes and
    /// `labbook check` compares with output/. `templateError`: why the book's template was not used.
    public static func files(_ input: SiteInput, katexDirectory: String,
                             highlightDirectory: String = defaultHighlightDirectory) throws -> (files: [String: Data], templateError: String?) {
        var template: MustacheTemplate?
        var templateError: String?
        if let source = input.templateSource {
            do {
                template = try PageTemplate.compile(source)
            } catch {
                templateError = "\(error)"
            }
        }
        let highlight = highlightAssets(highlightDirectory)
        let hasCode = input.chapters.map { $0.html.contains("<code class=\"language-") }
        var files = try pages(input, template: template, highlight: !highlight.isEmpty, hasCode: hasCode)
        if hasCode.contains(true) {
            for (path, data) in highlight { files[path] = data }
        }
        files["assets/search-index.js"] = Data(SearchIndex.script(SearchIndex.documents(input.chapters)).utf8)
        files["assets/labbook.css"] = Data((Stylesheet.css + "\n" + SiteStyles.css + "\n/* Charts */\n" + Chart.stylesheet).utf8)
        files["assets/labbook.js"] = Data(PageTemplate.script.utf8)
        if let css = input.customCSS { files["assets/custom.css"] = css }
        for (path, data) in try katexAssets(katexDirectory) { files[path] = data }
        for (path, data) in input.files { files[path] = data }
        return (files, templateError)
    }

    static func removeStaleTemporaries(in output: SafeDirectory) {
        for rel in output.files() where AtomicFile.isTemporaryName((rel as NSString).lastPathComponent) {
            output.remove(rel)
        }
    }

    /// Everything built in that shapes every page (stylesheets, script, template): part of each page's digest,
    /// so a new Labbook whose pages look different does not take the nothing-changed shortcut.
    public static var builtInFingerprint: String {
        [Stylesheet.css, SiteStyles.css, Chart.stylesheet, PageTemplate.script, PageTemplate.builtIn].joined(separator: "\u{0}")
    }

    /// Relative, no `..`, no absolute paths, no empty components.
    public static func isSafeRelativePath(_ path: String) -> Bool { SafeDirectory.isSafeRelativePath(path) }

    // MARK: - Pages

    /// `bookTemplate`: the book's template, compiled once by `files`; nil (none, or it did not compile) for the
    /// built-in one. `hasCode[i]`: chapter i has a `language-` code block, so its page loads the highlighter.
    static func pages(_ input: SiteInput, template bookTemplate: MustacheTemplate?, highlight: Bool, hasCode: [Bool]) throws -> [String: Data] {
        let template: MustacheTemplate
        if let bookTemplate {
            template = bookTemplate
        } else {
            do {
                template = try PageTemplate.compile(PageTemplate.builtIn)
            } catch {
                throw SiteError.template("\(error)")
            }
        }
        let book = input.book
        let anyMath = input.chapters.contains { $0.hasMath }
        var out: [String: Data] = [:]

        // Index: title, byline, description, and the table of contents with each chapter's sections.
        let bookStrings = ChromeStrings.forLanguage(book.language)
        let index = Markup.build { w in
            w.element("h1", text: book.title, breaks: .after)
            if let author = book.author { w.element("p", [("class", "byline")], text: author, breaks: .after) }
            if let d = book.description { w.element("p", [("class", "description")], text: d, breaks: .after) }
            w.element("h2", [("id", "contents")], text: bookStrings.contents, breaks: .after)
            w.element("ol", [("class", "chapter-list")], breaks: .around) { w in
                for ch in input.chapters {
                    let href = ch.slug + ".html"
                    w.element("li", breaks: .after) { w in
                        link(&w, href: href, titleHTML: ch.titleHTML)
                        let h2 = ch.sections.filter { $0.level == 2 }
                        guard !h2.isEmpty else { return }
                        w.newline()
                        w.element("ol", breaks: .around) { w in
                            for s in h2 { w.element("li", breaks: .after) { w in link(&w, href: "\(href)#\(s.id)", titleHTML: stripAnchors(s.titleHTML)) } }
                        }
                    }
                }
            }
        }.string
        out["index.html"] = Data(template.render(context(
            book: book, language: book.language, pageTitle: book.title, content: index, toc: "", isIndex: true, katex: anyMath,
            highlight: false, custom: input.customCSS != nil, position: "", prev: nil, next: nil,
            sidebar: Navigation.sidebar(input.chapters, current: nil, strings: bookStrings), strings: bookStrings)).utf8)

        for (i, ch) in input.chapters.enumerated() {
            let prev = i > 0 ? input.chapters[i - 1] : nil
            let next = i + 1 < input.chapters.count ? input.chapters[i + 1] : nil
            let strings = ChromeStrings.forLanguage(ch.language)
            out["\(ch.slug).html"] = Data(template.render(context(
                book: book, language: ch.language, pageTitle: "\(ch.title) · \(book.title)", content: ch.html,
                toc: chapterTOC(ch, strings: strings), isIndex: false, katex: ch.hasMath,
                highlight: highlight && hasCode[i], custom: input.customCSS != nil,
                position: strings.chapterPosition(i + 1, input.chapters.count),
                prev: prev.map { ["href": "\($0.slug).html", "titleHTML": $0.titleHTML] },
                next: next.map { ["href": "\($0.slug).html", "titleHTML": $0.titleHTML] },
                sidebar: Navigation.sidebar(input.chapters, current: i, strings: strings), strings: strings)).utf8)
        }
        return out
    }

    static func context(book: BookInfo, language: String, pageTitle: String, content: String, toc: String, isIndex: Bool,
                        katex: Bool, highlight: Bool, custom: Bool, position: String, prev: [String: String]?,
                        next: [String: String]?, sidebar: String, strings: ChromeStrings) -> [String: Any] {
        // `body` is the content with the chapter's table of contents placed right after its <h1>.
        var body = toc + content
        if !toc.isEmpty, let h1 = content.range(of: "</h1>") {
            body = String(content[..<h1.upperBound]) + "\n" + toc + String(content[h1.upperBound...])
        }
        let words = Navigation.strings(strings)
        var c: [String: Any] = [
            "lang": language, "pageTitle": pageTitle, "bookTitle": book.title, "root": "",
            "content": content, "toc": toc, "body": body, "isIndex": isIndex, "katex": katex, "highlight": highlight,
            "customCSS": custom, "chapterPosition": position, "sidebar": sidebar, "strings": words,
            "stringsJSON": Navigation.json(words),
        ]
        if let prev { c["prev"] = prev }
        if let next { c["next"] = next }
        return c
    }

    /// "On this page": the chapter's h2 (and nested h3) headings, collapsible.
    static func chapterTOC(_ ch: RenderedChapter, strings: ChromeStrings = .forLanguage("en")) -> String {
        guard ch.sections.contains(where: { $0.level == 2 }) else { return "" }
        // Each h2 with the h3s under it; an h3 before the first h2 is an entry of its own.
        var groups: [(Section, [Section])] = []
        for s in ch.sections {
            if s.level == 2 || groups.isEmpty { groups.append((s, [])) } else { groups[groups.count - 1].1.append(s) }
        }
        var attrs: Attributes = [("class", "chapter-toc")]
        attrs.flag("open")
        return Markup.build { w in
            w.element("details", attrs, breaks: .around) { w in
                w.element("summary", text: strings.onThisPage, breaks: .after)
                w.element("ol", breaks: .around) { w in
                    for (h2, h3s) in groups {
                        w.element("li", breaks: .after) { w in
                            link(&w, href: "#\(h2.id)", titleHTML: stripAnchors(h2.titleHTML))
                            guard !h3s.isEmpty else { return }
                            w.newline()
                            w.element("ol", breaks: .inside) { w in
                                for s in h3s { w.element("li", breaks: .after) { w in link(&w, href: "#\(s.id)", titleHTML: stripAnchors(s.titleHTML)) } }
                            }
                        }
                    }
                }
            }
        }.string
    }

    /// `<a href="HREF">title</a>`, the title being heading HTML from the chapter (cmark's, anchors removed).
    static func link(_ w: inout Markup, href: String, titleHTML: String, _ extra: Attributes = []) {
        w.element("a", [("href", href)] + extra) { w in w.raw(titleHTML, from: .commonMark) }
    }

    /// Links inside a heading (e.g. `[text](url)`) cannot nest in the TOC's own link.
    static func stripAnchors(_ html: String) -> String {
        var out = html
        while let open = out.range(of: "<a "), let end = out[open.upperBound...].range(of: ">") {
            out.removeSubrange(open.lowerBound..<end.upperBound)
        }
        return out.replacingOccurrences(of: "</a>", with: "")
    }

    // MARK: - highlight.js (Debian's libjs-highlight.js), copied only when a page has a code block with a language

    /// Empty when the package is not installed: pages then show code unhighlighted.
    static func highlightAssets(_ dir: String) -> [String: Data] {
        let fm = FileManager.default
        guard let js = fm.contents(atPath: "\(dir)/highlight.min.js"),
              let light = fm.contents(atPath: "\(dir)/styles/a11y-light.css"),
              let dark = fm.contents(atPath: "\(dir)/styles/a11y-dark.css") else { return [:] }
        return ["assets/highlight/highlight.min.js": js, "assets/highlight/light.css": light, "assets/highlight/dark.css": dark]
    }

    // MARK: - KaTeX

    static func katexAssets(_ dir: String) throws -> [String: Data] {
        let fm = FileManager.default
        let needed = ["katex.min.js", "katex.min.css", "contrib/auto-render.js"]
        var out: [String: Data] = [:]
        for f in needed {
            guard let d = fm.contents(atPath: "\(dir)/\(f)") else { throw SiteError.katexMissing(dir) }
            out["assets/katex/\(f)"] = d
        }
        let fonts = (try? fm.contentsOfDirectory(atPath: "\(dir)/fonts")) ?? []
        for f in fonts.sorted() where f.hasSuffix(".woff2") || f.hasSuffix(".woff") || f.hasSuffix(".ttf") {
            if let d = fm.contents(atPath: "\(dir)/fonts/\(f)") { out["assets/katex/fonts/\(f)"] = d }
        }
        return out
    }
}
