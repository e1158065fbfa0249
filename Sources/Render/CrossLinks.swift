// The book-wide pass over a rendered chapter: `@fig:…` references, `[@key]` citations, `.md` links, local
// files and anchors checked, a line break between CJK characters dropped. Pure: the files are only listed.
import Foundation
import LabbookCore
import Parse

/// What every chapter's links are checked against.
public struct BookCatalog: Sendable {
    public struct Page: Sendable {
        public var slug: String
        /// `chapters/02-b.md`
        public var file: String
        public var anchors: Set<String>
        /// By `Label.key` ("fig:sweep").
        public var labels: [String: Label]

        public init(slug: String, file: String, anchors: Set<String>, labels: [Label]) {
            self.slug = slug
            self.file = file
            self.anchors = anchors
            self.labels = Dictionary(labels.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    public var pages: [String: Page]
    public var bibliography: [String: BibEntry]

    public init(pages: [Page], bibliography: [BibEntry]) {
        self.pages = Dictionary(pages.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
        self.bibliography = Dictionary(bibliography.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

/// A book file a chapter links to, to be copied to the same path under output/.
public struct LocalFile: Sendable, Hashable {
    /// Relative to the chapters directory, normalised: `img/a.png` (the output path too).
    public var path: String
    public var location: SourceLocation
}

public struct LinkedChapter: Sendable {
    public var page: RenderedChapter
    public var files: [LocalFile]
    public var diagnostics: [Diagnostic]
}

public enum CrossLinks {
    public static func link(_ page: RenderedChapter, chapter: Chapter, catalog: BookCatalog) -> LinkedChapter {
        var pass = Pass(page: page, chapter: chapter, catalog: catalog, strings: ChromeStrings.forLanguage(page.language))
        var out = page
        out.html = pass.run(page.html)
        if !pass.cited.isEmpty {
            var id = "references"
            var n = 1
            while out.anchors.contains(id) { id = "references-\(n)"; n += 1 }
            out.anchors.insert(id)
            out.html += "\n" + References.section(pass.cited.map { $0 }, id: id, strings: pass.strings)
            out.sections.append(Section(level: 2, id: id, titleHTML: Escape.html(pass.strings.references)))
        }
        return LinkedChapter(page: out, files: pass.files, diagnostics: pass.diagnostics)
    }

    /// `a/./b/../c` → `a/c`; nil when `..` climbs above the start.
    public static func normalise(_ path: String) -> String? {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(p)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}

struct Pass {
    let page: RenderedChapter
    let chapter: Chapter
    let catalog: BookCatalog
    let strings: ChromeStrings
    var files: [LocalFile] = []
    var diagnostics: [Diagnostic] = []
    /// Cited entries in order of first citation (the References list sorts them).
    var cited: [BibEntry] = []

    init(page: RenderedChapter, chapter: Chapter, catalog: BookCatalog, strings: ChromeStrings) {
        self.page = page
        self.chapter = chapter
        self.catalog = catalog
        self.strings = strings
    }

    /// Elements whose content is copied as it is: code, math, charts, scripts, and the blocks' figures
    /// (their links are Labbook's own).
    static func verbatim(_ tag: Substring, name: String) -> Bool {
        if ["pre", "code", "svg", "script", "style", "kbd", "samp"].contains(name) { return true }
        if name == "span" || name == "div" { return tag.contains("class=\"math") }
        if name == "figure" { return tag.contains("class=\"experiment\"") }
        return false
    }

    /// The content of an element whose open tag was just read, through its close tag, and what follows.
    static func element(named name: String, in s: Substring) -> (Substring, Substring) {
        var depth = 1
        var i = s.startIndex
        while depth > 0, let lt = s[i...].firstIndex(of: "<") {
            let after = s[s.index(after: lt)...]
            if after.hasPrefix("/\(name)>") {
                depth -= 1
                i = s.index(lt, offsetBy: name.count + 3)
            } else if after.hasPrefix(name), let next = after.dropFirst(name.count).first, next == " " || next == ">" {
                depth += 1
                i = s.index(after: lt)
            } else {
                i = s.index(after: lt)
            }
        }
        if depth > 0 { return (s, s[s.endIndex...]) }
        return (s[..<i], s[i...])
    }

    mutating func run(_ html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count + 256)
        var rest = html[...]
        var inLink = 0
        while let lt = rest.firstIndex(of: "<") {
            out += text(rest[..<lt], inLink: inLink > 0)
            guard let gt = rest[lt...].firstIndex(of: ">") else { out += rest[lt...]; rest = rest[rest.endIndex...]; break }
            let tag = rest[lt...gt]
            let name = String(tag.dropFirst().prefix { $0.isLetter || $0.isNumber }).lowercased()
            rest = rest[rest.index(after: gt)...]
            if tag == "</a>" { inLink = max(0, inLink - 1) }
            if !name.isEmpty, Self.verbatim(tag, name: name), !tag.hasSuffix("/>") {
                // Copy through the matching close tag, counting nested elements of the same name.
                out += tag
                let (inner, after) = Self.element(named: name, in: rest)
                out += inner
                rest = after
                continue
            }
            if name == "a" {
                inLink += 1
                out += rewrite(tag, attribute: "href", isImage: false)
            } else if name == "img" {
                var t = rewrite(tag, attribute: "src", isImage: true)
                if !t.contains(" loading=") {
                    t = t.hasSuffix(" />") ? String(t.dropLast(3)) + " loading=\"lazy\" />" : String(t.dropLast()) + " loading=\"lazy\">"
                }
                out += t
            } else {
                out += tag
            }
        }
        out += text(rest, inLink: inLink > 0)
        return out
    }

    // MARK: - Text: references, citations, CJK line breaks

    mutating func text(_ s: Substring, inLink: Bool) -> String {
        var t = joinCJKLines(s)
        if !inLink, t.contains("@") { t = references(t) }
        return t
    }

    /// cmark keeps a soft line break as "\n", which a browser shows as a space; between two CJK
    /// characters (Chinese and Japanese are written without spaces) it must vanish.
    func joinCJKLines(_ s: Substring) -> String {
        guard s.contains("\n") else { return String(s) }
        let c = Array(s)
        var out = ""
        for (i, ch) in c.enumerated() {
            if ch == "\n", i > 0, i + 1 < c.count, Self.isCJK(c[i - 1]), Self.isCJK(c[i + 1]) { continue }
            out.append(ch)
        }
        return out
    }

    static func isCJK(_ ch: Character) -> Bool {
        guard let v = ch.unicodeScalars.first?.value else { return false }
        return (0x3000...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFFEF).contains(v) || (0x20000...0x2FA1F).contains(v)
    }

    static func isKeyChar(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "_-:./+".contains(c))
    }

    /// The key starting at `i` without trailing punctuation ("@he2015." → "he2015").
    static func key(_ c: [Character], from i: Int) -> (String, Int) {
        var j = i
        while j < c.count, isKeyChar(c[j]) { j += 1 }
        while j > i, ".:-/".contains(c[j - 1]) { j -= 1 }
        return (String(c[i..<j]), j)
    }

    mutating func references(_ s: String) -> String {
        let c = Array(s)
        var out = ""
        var i = 0
        while i < c.count {
            let ch = c[i]
            // [@a; @b]
            if ch == "[", i + 1 < c.count, c[i + 1] == "@", let (html, end) = bracketCitation(c, from: i) {
                out += html
                i = end
                continue
            }
            if ch == "@", i + 1 < c.count, c[i + 1].isASCII, c[i + 1].isLetter,
               i == 0 || c[i - 1].isWhitespace || "([{\"'“‘«—–".contains(c[i - 1]) {
                let (key, end) = Self.key(c, from: i + 1)
                out += reference(key)
                i = end
                continue
            }
            out.append(ch)
            i += 1
        }
        return out
    }

    /// `@fig:x`, `@fig:chapter/x`, `@tbl:x`, `@eq:x`, or a narrative citation `@key`.
    mutating func reference(_ key: String) -> String {
        for kind in [Label.Kind.fig, .tbl, .eq] where key.hasPrefix("\(kind.rawValue):") {
            return crossReference(kind, String(key.dropFirst(kind.rawValue.count + 1)))
        }
        guard let entry = entry(key) else { return "@" + Escape.html(key) }
        return Markup.build { w in
            w.element("a", [("class", "citation"), ("href", "#ref-\(entry.key)")], text: "\(References.authors(entry, strings)) (\(entry.year))")
        }.string
    }

    mutating func crossReference(_ kind: Label.Kind, _ target: String) -> String {
        let written = "@\(kind.rawValue):\(target)"
        var slug = page.slug
        var name = target
        if let slash = target.lastIndex(of: "/") {
            slug = String(target[..<slash])
            name = String(target[target.index(after: slash)...])
        }
        guard let other = catalog.pages[slug] else {
            diagnostics.append(.error(at: locate(written), "reference '\(written)': no chapter '\(slug)'",
                                      hint: hint(for: slug, in: catalog.pages.keys.sorted())))
            return Self.xrefError(written)
        }
        guard let label = other.labels["\(kind.rawValue):\(name)"] else {
            let known = other.labels.values.filter { $0.kind == kind }.map(\.name).sorted()
            let what = ["fig": "figure (experiment block)", "tbl": "table labelled {#tbl:…}", "eq": "equation labelled {#eq:…}"][kind.rawValue] ?? ""
            diagnostics.append(.error(at: locate(written), "reference '\(written)': no \(what) '\(name)' in \(slug == page.slug ? "this chapter" : slug)",
                                      hint: hint(for: name, in: known)))
            return Self.xrefError(written)
        }
        let word = kind == .fig ? strings.figure : kind == .tbl ? strings.table : strings.equation
        let number = kind == .eq ? "(\(label.number))" : label.number
        let href = (slug == page.slug ? "" : "\(slug).html") + "#\(label.anchor)"
        return Markup.build { w in w.element("a", [("class", "xref"), ("href", href)], text: strings.numbered(word, number)) }.string
    }

    static func xrefError(_ written: String) -> String {
        Markup.build { w in w.element("span", [("class", "xref-error")], text: written) }.string
    }

    mutating func entry(_ key: String) -> BibEntry? {
        let e = catalog.bibliography[key] ?? catalog.bibliography.values.first { $0.key.lowercased() == key.lowercased() }
        guard let e else {
            let hint = catalog.bibliography.isEmpty
                ? "add references.bib to the book (or name one with 'bibliography:' in book.yml); write `@` in code if it is not a citation"
                : hint(for: key, in: catalog.bibliography.keys.sorted())
            diagnostics.append(.error(at: locate("@" + key), "citation '@\(key)': no such key in the bibliography", hint: hint))
            return nil
        }
        if !cited.contains(where: { $0.key == e.key }) { cited.append(e) }
        return e
    }

    mutating func bracketCitation(_ c: [Character], from start: Int) -> (String, Int)? {
        var i = start + 1
        var keys: [String] = []
        while i < c.count, c[i] == "@" {
            let (key, end) = Self.key(c, from: i + 1)
            guard !key.isEmpty else { return nil }
            keys.append(key)
            i = end
            while i < c.count, c[i] == " " { i += 1 }
            if i < c.count, c[i] == ";" {
                i += 1
                while i < c.count, c[i] == " " { i += 1 }
            }
        }
        guard !keys.isEmpty, i < c.count, c[i] == "]" else { return nil }
        let entries = keys.map { ($0, entry($0)) }
        let html = Markup.build { w in
            w.text("(")
            for (k, (key, e)) in entries.enumerated() {
                if k > 0 { w.text("; ") }
                if let e {
                    w.element("a", [("class", "citation"), ("href", "#ref-\(e.key)")], text: "\(References.authors(e, strings)), \(e.year)")
                } else {
                    w.element("span", [("class", "citation-error")], text: "@" + key)
                }
            }
            w.text(")")
        }
        return (html.string, i + 1)
    }

    // MARK: - Links and images

    /// Rewrites `OTHER.md#x` to `OTHER.html#x`, checks anchors, and lists relative files for copying.
    mutating func rewrite(_ tag: Substring, attribute: String, isImage: Bool) -> String {
        let marker = " \(attribute)=\""
        guard let a = tag.range(of: marker), let end = tag[a.upperBound...].firstIndex(of: "\"") else { return String(tag) }
        let raw = String(tag[a.upperBound..<end])
        let value = CrossLinks.decode(raw)
        guard let newValue = target(value, isImage: isImage) else { return String(tag) }
        return String(tag[..<a.upperBound]) + Escape.html(newValue) + String(tag[end...])
    }

    /// nil: leave the link as written.
    mutating func target(_ url: String, isImage: Bool) -> String? {
        if url.isEmpty || url.hasPrefix("//") || url.hasPrefix("/") { return nil }
        if let colon = url.firstIndex(of: ":"), url[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
           !url[..<colon].isEmpty, url.firstIndex(of: "/").map({ colon < $0 }) ?? true {
            return nil   // a scheme: https:, mailto:, data:
        }
        var path = url
        var fragment: String?
        if let hash = url.firstIndex(of: "#") {
            path = String(url[..<hash])
            fragment = String(url[url.index(after: hash)...])
        }
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        if path.isEmpty {
            if let f = fragment, !f.isEmpty, !page.anchors.contains(f) {
                diagnostics.append(.error(at: locate("#" + f), "link to '#\(f)': no such heading or figure in this chapter",
                                          hint: hint(for: f, in: page.anchors.sorted())))
            }
            return nil
        }
        guard let normal = CrossLinks.normalise(path) else {
            diagnostics.append(.error(at: locate(path), "'\(path)' points outside the chapters directory",
                                      hint: "keep the book's images and files under chapters/ (e.g. chapters/img/); they are copied to the same place under output/"))
            return nil
        }
        if normal.hasSuffix(".md"), !isImage {
            let slug = String(normal.dropLast(3))
            guard let other = catalog.pages[slug], !normal.contains("/") else {
                diagnostics.append(.error(at: locate(path), "link to '\(path)': no such chapter",
                                          hint: hint(for: slug, in: catalog.pages.keys.sorted())))
                return nil
            }
            if let f = fragment, !f.isEmpty, !other.anchors.contains(f) {
                diagnostics.append(.error(at: locate(url), "link to '\(path)#\(f)': \(slug) has no heading or figure '\(f)'",
                                          hint: hint(for: f, in: other.anchors.sorted())))
            }
            return "\(slug).html" + (fragment.map { "#\($0)" } ?? "")
        }
        files.append(LocalFile(path: normal, location: locate(path)))
        return nil
    }

    /// The first line of the chapter holding `needle` as the author wrote it.
    func locate(_ needle: String) -> SourceLocation { ChapterRenderer.locate(needle, in: chapter) }
}

extension CrossLinks {
    /// An attribute value from cmark's HTML: entities and percent-escapes decoded.
    static func decode(_ s: String) -> String {
        let unescaped = ChapterRenderer.decodeEntities(s)
        return unescaped.removingPercentEncoding ?? unescaped
    }
}

/// A did-you-mean hint, or none when there is nothing to choose from.
func hint(for word: String, in candidates: [String]) -> String? {
    candidates.isEmpty ? nil : suggestion(for: word, in: candidates)
}
