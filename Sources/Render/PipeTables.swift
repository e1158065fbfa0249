// GFM pipe tables, which Debian's cmark (the CommonMark reference, without extensions) leaves as text.
// A table is a header row, a delimiter row (`| --- | :-: |`) and body rows up to a blank line; cells are
// rendered as inline Markdown with math protected, alignment from the colons, outside fenced code only.
import Foundation
import LabbookCore
import Parse

struct PipeTables {
    private(set) var tables: [String] = []
    let stem: String

    init(avoiding text: String) {
        stem = Tokens.stem(avoiding: text, base: "LBTABLE")
    }

    func token(_ i: Int) -> String { "\(stem)\(i)Z" }

    /// Replaces each table by a paragraph holding a token; `tables[i]` is its HTML.
    mutating func extract(_ markdown: String, rawHTML: Bool) -> String {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var fence: (Character, Int)?
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.drop(while: { $0 == " " })
            if let f = trimmed.first, (f == "`" || f == "~"), line.count - trimmed.count <= 3 {
                let run = trimmed.prefix(while: { $0 == f }).count
                if let open = fence {
                    if f == open.0, run >= open.1 { fence = nil }
                } else if run >= 3 {
                    fence = (f, run)
                }
            }
            if fence == nil, i + 1 < lines.count, line.contains("|"), let aligns = Self.delimiter(lines[i + 1]),
               Self.cells(line).count == aligns.count {
                var rows: [[String]] = []
                var j = i + 2
                while j < lines.count, lines[j].contains("|"), !lines[j].allSatisfy(\.isWhitespace) {
                    rows.append(Self.cells(lines[j]))
                    j += 1
                }
                tables.append(Self.html(header: Self.cells(line), aligns: aligns, rows: rows, rawHTML: rawHTML))
                out += ["", token(tables.count - 1), ""]
                i = j
                continue
            }
            out.append(line)
            i += 1
        }
        return out.joined(separator: "\n")
    }

    /// Each table in place of the paragraph holding its token (one pass; see `Tokens`).
    func restore(_ html: String) -> String {
        Tokens.splice(html, stem: stem, count: tables.count) { i, alone in alone ? (tables[i], true) : nil }
    }

    enum Align { case none, left, center, right }

    /// The alignments of a delimiter row, or nil when the line is not one.
    static func delimiter(_ line: String) -> [Align]? {
        let cells = Self.cells(line)
        guard !cells.isEmpty, line.contains("-") else { return nil }
        var out: [Align] = []
        for c in cells {
            let t = c.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, t.allSatisfy({ $0 == "-" || $0 == ":" }), t.contains("-"),
                  !t.dropFirst().dropLast().contains(":") else { return nil }
            switch (t.hasPrefix(":"), t.hasSuffix(":")) {
            case (true, true): out.append(.center)
            case (true, false): out.append(.left)
            case (false, true): out.append(.right)
            default: out.append(.none)
            }
        }
        return out
    }

    /// Cells of a row: split on `|` outside code spans, honouring `\|`; outer pipes optional.
    static func cells(_ line: String) -> [String] {
        var s = line.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("|") { s.removeFirst() }
        if s.hasSuffix("|"), !s.hasSuffix("\\|") { s.removeLast() }
        var cells: [String] = []
        var current = ""
        var inCode = false
        var previous: Character?
        let chars = Array(s)
        var k = 0
        while k < chars.count {
            let ch = chars[k]
            if ch == "`" { inCode.toggle() }
            // `$…$` is one piece: a `|` inside a formula does not end the cell (pandoc's rules for `$`).
            if ch == "$", !inCode, previous != "\\", k + 1 < chars.count, !chars[k + 1].isWhitespace,
               let close = (k + 1..<chars.count).first(where: { j in
                   chars[j] == "$" && chars[j - 1] != "\\" && !chars[j - 1].isWhitespace
                       && (j + 1 >= chars.count || !chars[j + 1].isNumber)
               }) {
                current += String(chars[k...close])
                previous = "$"
                k = close + 1
                continue
            }
            if ch == "|", !inCode, previous != "\\" {
                cells.append(current)
                current = ""
            } else if ch == "|", previous == "\\" {
                current.removeLast()
                current.append("|")
            } else {
                current.append(ch)
            }
            previous = ch
            k += 1
        }
        cells.append(current)
        return cells.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func html(header: [String], aligns: [Align], rows: [[String]], rawHTML: Bool) -> String {
        func attr(_ i: Int) -> Attributes {
            switch i < aligns.count ? aligns[i] : .none {
            case .none: []
            case .left: [("style", "text-align: left")]
            case .center: [("style", "text-align: center")]
            case .right: [("style", "text-align: right")]
            }
        }
        // Cells are cmark's inline HTML of the author's Markdown.
        return Markup.build { w in
            w.element("div", [("class", "table-wrap")]) { w in
                w.element("table", breaks: .inside) { w in
                    w.element("thead", breaks: .around) { w in
                        w.element("tr", breaks: .after) { w in
                            for (i, c) in header.enumerated() { w.element("th", attr(i)) { w in w.raw(inline(c, rawHTML: rawHTML), from: .commonMark) } }
                        }
                    }
                    guard !rows.isEmpty else { return }
                    w.element("tbody", breaks: .around) { w in
                        for row in rows {
                            w.element("tr", breaks: .after) { w in
                                // GFM: extra cells are dropped, missing ones are empty.
                                for i in 0..<header.count {
                                    w.element("td", attr(i)) { w in if i < row.count { w.raw(inline(row[i], rawHTML: rawHTML), from: .commonMark) } }
                                }
                            }
                        }
                    }
                }
            }
        }.string
    }

    /// One cell as inline HTML: math protected, Markdown by cmark, the paragraph wrapper removed.
    static func inline(_ text: String, rawHTML: Bool) -> String {
        guard !text.isEmpty else { return "" }
        var math = MathProtection(avoiding: text)
        let protected = math.protect(text)   // first: `protect` records the formulas `restore` puts back
        var html = math.restore(MarkdownHTML.render(protected, rawHTML: rawHTML))
        html = html.trimmingCharacters(in: .whitespacesAndNewlines)
        if html.hasPrefix("<p>"), html.hasSuffix("</p>") { html = String(html.dropFirst(3).dropLast(4)) }
        return html
    }
}
