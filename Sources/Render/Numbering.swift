// Numbered tables and equations: `Table: caption {#tbl:LABEL}` after a table and `$$…$$ {#eq:LABEL}` become
// "Table 2.1" captions and "(2.1)" equation numbers, with labels other chapters can refer to.
import Foundation
import LabbookCore
import Parse

/// Something a reference can point at: a figure (experiment block), a captioned table or a labelled equation.
public struct Label: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case fig, tbl, eq }
    public var kind: Kind
    public var name: String
    /// "2.3"; the word ("Figure") is added where the label is shown.
    public var number: String
    /// The id it links to on its page.
    public var anchor: String

    public init(kind: Kind, name: String, number: String, anchor: String) {
        self.kind = kind
        self.name = name
        self.number = number
        self.anchor = anchor
    }

    /// "fig:activation-sweep"
    public var key: String { "\(kind.rawValue):\(name)" }
}

/// Finds caption lines and equation labels in the Markdown, swaps them for tokens, and puts numbered HTML
/// back once cmark has run.
struct Numbering {
    let stem: String
    let chapterNumber: Int?
    let strings: ChromeStrings
    var captions: [(label: String?, text: String)] = []
    var equations: [String] = []
    var diagnostics: [Diagnostic] = []

    init(avoiding text: String, chapterNumber: Int?, strings: ChromeStrings) {
        self.stem = Tokens.stem(avoiding: text, base: "LBNUM")
        self.chapterNumber = chapterNumber
        self.strings = strings
    }

    func number(_ k: Int) -> String { chapterNumber.map { "\($0).\(k)" } ?? "\(k)" }

    static func isLabel(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Replaces `Table:` lines that follow a table and `{#eq:…}` after a closing `$$`, outside fenced code.
    mutating func extract(_ markdown: String) -> String {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var fence: (Character, Int)?
        var lastNonBlank = ""
        for line in lines {
            let trimmed = line.drop(while: { $0 == " " })
            if let f = trimmed.first, f == "`" || f == "~", line.count - trimmed.count <= 3 {
                let run = trimmed.prefix(while: { $0 == f }).count
                if let open = fence {
                    if f == open.0, run >= open.1 { fence = nil }
                } else if run >= 3 {
                    fence = (f, run)
                }
            }
            if fence != nil { out.append(line); lastNonBlank = line; continue }
            if trimmed.hasPrefix("Table:"), lastNonBlank.contains("|") {
                var text = trimmed.dropFirst("Table:".count).trimmingCharacters(in: .whitespaces)
                var label: String?
                if text.hasSuffix("}"), let open = text.range(of: "{#tbl:", options: .backwards) {
                    let name = text[open.upperBound..<text.index(before: text.endIndex)]
                    if Self.isLabel(name) {
                        label = String(name)
                        text = text[..<open.lowerBound].trimmingCharacters(in: .whitespaces)
                    }
                }
                captions.append((label, text))
                out += ["", "\(stem)T\(captions.count - 1)Z", ""]
                lastNonBlank = ""
                continue
            }
            out.append(replaceEquationLabels(line))
            if !line.allSatisfy(\.isWhitespace) { lastNonBlank = line }
        }
        return out.joined(separator: "\n")
    }

    /// `$$ {#eq:name}` → `$$ TOKEN`; the label must follow the closing `$$` on its line.
    mutating func replaceEquationLabels(_ line: String) -> String {
        guard line.contains("{#eq:") else { return line }
        var out = ""
        var rest = line[...]
        while let open = rest.range(of: "{#eq:") {
            let before = rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}"),
                  Self.isLabel(rest[open.upperBound..<close]),
                  before.trimmingCharacters(in: .whitespaces).hasSuffix("$$") else {
                out += rest[..<open.upperBound]
                rest = rest[open.upperBound...]
                continue
            }
            equations.append(String(rest[open.upperBound..<close]))
            out += before.trimmingCharacters(in: .whitespaces) + " \(stem)E\(equations.count - 1)Z"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The labels this chapter defines (for the book's catalogue) and the HTML with numbers in place, in one
    /// pass over the page (a search of the whole page per label made 2,000 labelled equations and captions
    /// take two minutes; LinearityTests checks this against that algorithm).
    ///
    /// An equation token alone at the end of a paragraph that starts with a display formula turns the
    /// paragraph into a numbered equation block; elsewhere it becomes the number. A caption's paragraph goes
    /// into the nearest `<table>` before it (several captions of one table: the later one first), or
    /// becomes a `table-caption` paragraph when no table precedes it.
    func restore(_ html: String, rawHTML: Bool) -> (String, [Label]) {
        // ChapterRenderer calls this for every page; most have neither, so no token can match.
        guard !equations.isEmpty || !captions.isEmpty else { return (html, []) }
        let src = Array(html.utf8), equationStem = Array((stem + "E").utf8), captionStem = Array((stem + "T").utf8)
        let pOpen = Array("<p>".utf8), pClose = Array("</p>".utf8), table = Array("<table>".utf8)
        let displayOpen = Array("<span class=\"math display\">".utf8), spanClose = Array("</span>".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(src.count + src.count / 8)
        var paragraphs: [Int] = []   // where each "<p>" copied so far starts in `out`
        var lastTable: Int?           // where the last "<table>" copied ends in `out`
        var captionsAt: [Int: [[UInt8]]] = [:]
        var foundCaptions = Set<Int>()
        func ends(_ a: [UInt8], with b: [UInt8]) -> Bool { a.count >= b.count && a.suffix(b.count).elementsEqual(b) }
        func copy(_ byte: UInt8) {
            out.append(byte)
            guard byte == UInt8(ascii: ">") else { return }
            if ends(out, with: pOpen) { paragraphs.append(out.count - pOpen.count) }
            if ends(out, with: table) { lastTable = out.count }
        }
        var i = 0
        while i < src.count {
            let equation = Tokens.match(src, at: i, stem: equationStem, count: equations.count)
            guard let (n, j) = equation ?? Tokens.match(src, at: i, stem: captionStem, count: captions.count) else {
                copy(src[i]); i += 1; continue
            }
            let closes = j + pClose.count <= src.count && src[j..<(j + pClose.count)].elementsEqual(pClose)
            if equation != nil {
                let anchor = "eq:\(equations[n])"
                let numberHTML = Markup.build { w in w.element("span", [("class", "eq-number")], text: "(\(number(n + 1)))") }
                if closes, out.last == UInt8(ascii: " "), let p = paragraphs.last {
                    let inner = Array(out[(p + pOpen.count)..<(out.count - 1)])
                    if inner.starts(with: displayOpen), ends(inner, with: spanClose), inner.count >= displayOpen.count + spanClose.count {
                        let tex = inner[displayOpen.count..<(inner.count - spanClose.count)]
                        out.removeSubrange(p...)
                        paragraphs.removeLast()
                        if let t = lastTable, t > p { lastTable = nil }
                        let block = Markup.build { w in
                            w.element("div", [("class", "equation"), ("id", anchor)]) { w in
                                w.element("div", [("class", "math display")]) { w in w.raw(String(decoding: tex, as: UTF8.self), from: .commonMark) }
                                w.append(numberHTML)
                            }
                        }
                        out += Array(block.string.utf8)
                        i = j + pClose.count
                        continue
                    }
                }
                out += Array(Markup.build { w in w.element("span", [("id", anchor)]) { w in w.append(numberHTML) } }.string.utf8)
                i = j
                continue
            }
            // A caption token counts only as a whole paragraph.
            guard closes, let p = paragraphs.last, p == out.count - pOpen.count else { copy(src[i]); i += 1; continue }
            out.removeLast(pOpen.count)
            paragraphs.removeLast()
            foundCaptions.insert(n)
            let c = captions[n]
            var text = MarkdownHTML.render(c.text, rawHTML: rawHTML).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("<p>"), text.hasSuffix("</p>") { text = String(text.dropFirst(3).dropLast(4)) }
            let anchor: Attributes = c.label.map { [("id", "tbl:\($0)")] } ?? []
            let caption = { (name: String, attrs: Attributes) in
                Markup.build { w in
                    w.element(name, attrs + anchor) { w in
                        w.element("span", [("class", "caption-number")], text: strings.numbered(strings.table, number(n + 1)) + strings.captionSeparator)
                        w.raw(text, from: .commonMark)
                    }
                }.string
            }
            if let t = lastTable {
                captionsAt[t, default: []].append(Array(caption("caption", []).utf8))
            } else {
                out += Array(caption("p", [("class", "table-caption")]).utf8)
            }
            i = j + pClose.count
        }
        var labels = equations.enumerated().map { Label(kind: .eq, name: $1, number: number($0 + 1), anchor: "eq:\($1)") }
        for (k, c) in captions.enumerated() where foundCaptions.contains(k) {
            if let label = c.label { labels.append(Label(kind: .tbl, name: label, number: number(k + 1), anchor: "tbl:\(label)")) }
        }
        guard !captionsAt.isEmpty else { return (String(decoding: out, as: UTF8.self), labels) }
        var page: [UInt8] = []
        page.reserveCapacity(out.count + captionsAt.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } })
        var from = 0
        for at in captionsAt.keys.sorted() {
            page += out[from..<at]
            for caption in (captionsAt[at] ?? []).reversed() { page += caption }
            from = at
        }
        page += out[from...]
        return (String(decoding: page, as: UTF8.self), labels)
    }
}
