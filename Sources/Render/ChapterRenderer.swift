// A chapter's Markdown and its blocks' figures → the HTML of the chapter's content, with heading anchors.
import Foundation
import LabbookCore
import Parse

public struct Section: Sendable, Hashable {
    public var level: Int
    public var id: String
    /// Inner HTML of the heading (may hold math spans and inline code).
    public var titleHTML: String
}

public struct RenderedChapter: Sendable {
    /// Output name without extension, e.g. `01-intro`.
    public var slug: String
    /// Plain-text title for <title> and the table of contents.
    public var title: String
    public var titleHTML: String
    public var html: String
    public var sections: [Section]
    public var hasMath: Bool
    /// Inline results that could not be computed, located in the chapter file.
    public var diagnostics: [Diagnostic] = []
    /// Every id on the page (headings, blocks, tables, equations): what `#anchor` links may name.
    public var anchors: Set<String> = []
    /// Captioned tables and labelled equations, numbered in the chapter's order.
    public var labels: [Label] = []
    /// The page's language (the chapter's front matter, else the book's).
    public var language: String = "en"
}

public enum ChapterRenderer {
    /// `figures[i]` is the HTML of the i-th experiment block of `chapter` (in document order).
    /// `reservedIDs` are ids already used on the page (the blocks'), which headings must not take.
    public static func render(_ chapter: Chapter, slug: String, frontMatterTitle: String?, figures: [String],
                              reservedIDs: Set<String>, rawHTML: Bool = true,
                              number: Int? = nil, language: String = "en",
                              resolve: (ResultReference) -> Result<String, ReferenceError> = { _ in
                                  .failure(ReferenceError("no results are available"))
                              }) -> RenderedChapter {
        // 1. Prose with each block replaced by a placeholder paragraph.
        let all = chapter.nodes.map { node -> String in
            if case .markdown(let s, _) = node { return s }
            return ""
        }.joined(separator: "\n")
        let blockStem = Tokens.stem(avoiding: all, base: "LBBLOCK")
        var pieces: [String] = []
        var blockIndex = 0
        for node in chapter.nodes {
            switch node {
            case .markdown(let text, _):
                pieces.append(text)
            case .experiment:
                pieces.append("\(blockStem)\(blockIndex)Z")
                blockIndex += 1
            }
        }
        var numbering = Numbering(avoiding: all, chapterNumber: number, strings: ChromeStrings.forLanguage(language))
        let markdown = numbering.extract(pieces.joined(separator: "\n\n"))

        // 2. GFM pipe tables (rendered here: Debian's cmark has no table extension), then math out,
        //    cmark, math and tables back in.
        var tables = PipeTables(avoiding: markdown)
        let withoutTables = tables.extract(markdown, rawHTML: rawHTML)
        var math = MathProtection(avoiding: withoutTables)
        let protected = math.protect(withoutTables)
        var html = MarkdownHTML.render(protected, rawHTML: rawHTML)
        html = tables.restore(math.restore(html))
        let restored = numbering.restore(html, rawHTML: rawHTML)
        html = restored.0
        let labels = restored.1

        // 3. Inline results: `{=block.quantity}` code spans become computed numbers.
        var diagnostics: [Diagnostic] = []
        html = replaceInlineResults(html, chapter: chapter, resolve: resolve, diagnostics: &diagnostics)

        // 4. Heading ids and sections.
        var used = reservedIDs
        var sections: [Section] = []
        html = addHeadingAnchors(html, used: &used, sections: &sections)

        // 5. Figures in place of the placeholders.
        html = Tokens.splice(html, stem: blockStem, count: figures.count) { i, alone in alone ? (figures[i], true) : nil }

        // Title: front matter, else the first level-1 heading, else the file name.
        let firstH1 = sections.first { $0.level == 1 }
        let titleHTML: String
        if let t = frontMatterTitle {
            titleHTML = Escape.html(t)
        } else if let h = firstH1 {
            titleHTML = h.titleHTML
        } else {
            titleHTML = Escape.html(slug)
        }
        if frontMatterTitle != nil, firstH1 == nil {
            html = Markup.build { w in w.element("h1", breaks: .after) { w in w.raw(titleHTML, from: .commonMark) } }.string + html
        }
        var page = RenderedChapter(slug: slug, title: plainText(ofHTML: titleHTML), titleHTML: titleHTML, html: html,
                                   sections: sections.filter { $0.level == 2 || $0.level == 3 },
                                   hasMath: !math.formulas.isEmpty || tables.tables.contains { $0.contains("class=\"math") },
                                   diagnostics: diagnostics)
        page.anchors = used.union(labels.map(\.anchor))
        page.labels = labels
        page.language = language
        return page
    }

    static func replaceInlineResults(_ html: String, chapter: Chapter,
                                     resolve: (ResultReference) -> Result<String, ReferenceError>,
                                     diagnostics: inout [Diagnostic]) -> String {
        guard html.contains("<code>{=") else { return html }
        var out = ""
        var rest = html[...]
        // `firstRange(of:)`, not Foundation's `range(of:)`: on a Substring that bridges the whole rest of the
        // page to an NSString per call, which made 100,000 headings take a minute.
        while let open = rest.firstRange(of: "<code>{=") {
            guard let close = rest[open.upperBound...].firstRange(of: "}</code>") else { break }
            let text = String(rest[open.upperBound..<close.lowerBound])
            out += rest[..<open.lowerBound]
            rest = rest[close.upperBound...]
            var location: SourceLocation { locate("{=\(decodeEntities(text))}", in: chapter) }   // only for errors
            guard let ref = ResultReference.parse(decodeEntities(text)) else {
                diagnostics.append(.error(at: location, "malformed inline result '{=\(decodeEntities(text))}'",
                                          hint: "write {=BLOCK.QUANTITY}, {=BLOCK[VARIANT].QUANTITY} or {=CHAPTER/BLOCK.QUANTITY:ARG}"))
                out += Markup.build { w in
                    w.element("span", [("class", "result-error")]) { w in w.raw("{=\(text)}", from: .commonMark) }
                }.string
                continue
            }
            switch resolve(ref) {
            case .success(let value):
                out += Markup.build { w in w.element("span", [("class", "result")], text: value) }.string
            case .failure(let e):
                diagnostics.append(.error(at: location, "inline result '{=\(decodeEntities(text))}': \(e.message)", hint: e.hint))
                out += Markup.build { w in
                    w.element("span", [("class", "result-error"), ("title", e.message)]) { w in w.raw("{=\(text)}", from: .commonMark) }
                }.string
            }
        }
        return out + rest
    }

    /// The first line of the chapter file that holds `needle` (a reference as the author wrote it).
    static func locate(_ needle: String, in chapter: Chapter) -> SourceLocation {
        for node in chapter.nodes {
            guard case .markdown(let text, let start) = node else { continue }
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let r = line.range(of: needle) {
                    return SourceLocation(file: chapter.file, line: start.line + i,
                                          column: line.distance(from: line.startIndex, to: r.lowerBound) + 1)
                }
            }
        }
        return SourceLocation(file: chapter.file, line: 1)
    }

    /// The five entities Labbook's and cmark's HTML use, decoded (for text taken out of rendered pages).
    public static func decodeEntitiesPublic(_ s: String) -> String { decodeEntities(s) }

    static func decodeEntities(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Adds `id` and a self-link to every <h1>…<h6> cmark produced.
    static func addHeadingAnchors(_ html: String, used: inout Set<String>, sections: inout [Section]) -> String {
        var nextSuffix: [String: Int] = [:]
        var out = ""
        var rest = html[...]
        while let open = rest.firstRange(of: "<h") {
            let after = rest[open.upperBound...]
            guard let levelChar = after.first, let level = Int(String(levelChar)), (1...6).contains(level),
                  after.dropFirst().first == ">" else {
                out += rest[..<open.upperBound]
                rest = after
                continue
            }
            let close = "</h\(level)>"
            let contentStart = after.index(after.startIndex, offsetBy: 2)
            guard let end = after[contentStart...].firstRange(of: close) else { break }
            let inner = String(after[contentStart..<end.lowerBound])
            var id = slugify(plainText(ofHTML: inner))
            if id.isEmpty { id = "section" }
            if used.contains(id) {
                // The smallest free suffix, searched from where the last heading of this name stopped:
                // 20,000 identical headings searched from 1 each time took 30 s.
                var n = nextSuffix[id] ?? 1
                while used.contains("\(id)-\(n)") { n += 1 }
                nextSuffix[id] = n + 1
                id = "\(id)-\(n)"
            }
            used.insert(id)
            sections.append(Section(level: level, id: id, titleHTML: inner))
            out += rest[..<open.lowerBound]
            out += Markup.build { w in
                w.element("h\(level)", [("id", id)]) { w in
                    w.raw(inner, from: .commonMark)
                    if level > 1 { w.element("a", [("class", "anchor"), ("href", "#\(id)"), ("aria-label", "Link to this section")], text: "#") }
                }
            }.string
            rest = after[end.upperBound...]
        }
        out += rest
        return out
    }

    /// Lower-case ASCII letters and digits joined by single hyphens; other letters are kept as they are
    /// (so CJK headings still get readable ids).
    public static func slugify(_ text: String) -> String {
        var out = ""
        var pendingHyphen = false
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                if pendingHyphen, !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.append(ch)
            } else {
                pendingHyphen = true
            }
        }
        return out
    }

    /// Text content of an HTML fragment: tags dropped, the common entities decoded, math kept as TeX.
    public static func plainText(ofHTML html: String) -> String {
        var out = ""
        var inTag = false
        for ch in html {
            if ch == "<" { inTag = true; continue }
            if ch == ">" { inTag = false; continue }
            if !inTag { out.append(ch) }
        }
        let entities = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")]
        for (e, c) in entities { out = out.replacingOccurrences(of: e, with: c) }
        out = out.replacingOccurrences(of: "\\(", with: "").replacingOccurrences(of: "\\)", with: "")
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
