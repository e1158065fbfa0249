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
        var stem = "LBNUM"
        while text.contains(stem) { stem += "X" }
        self.stem = stem
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

    /// The labels this chapter defines (for the book's catalogue) and the HTML with numbers in place.
    func restore(_ html: String, rawHTML: Bool) -> (String, [Label]) {
        var out = html
        var labels: [Label] = []
        for (i, eq) in equations.enumerated() {
            let tok = "\(stem)E\(i)Z"
            let anchor = "eq:\(eq)"
            let numberHTML = Markup.build { w in w.element("span", [("class", "eq-number")], text: "(\(number(i + 1)))") }
            labels.append(Label(kind: .eq, name: eq, number: number(i + 1), anchor: anchor))
            // A display formula alone in its paragraph (the usual case) becomes a numbered block.
            if let r = out.range(of: " \(tok)</p>"), let p = out[..<r.lowerBound].range(of: "<p>", options: .backwards) {
                let inner = out[p.upperBound..<r.lowerBound]
                if inner.hasPrefix("<span class=\"math display\">"), inner.hasSuffix("</span>") {
                    let tex = inner.dropFirst("<span class=\"math display\">".count).dropLast("</span>".count)
                    let block = Markup.build { w in
                        w.element("div", [("class", "equation"), ("id", anchor)]) { w in
                            w.element("div", [("class", "math display")]) { w in w.raw(String(tex), from: .commonMark) }
                            w.append(numberHTML)
                        }
                    }
                    out.replaceSubrange(p.lowerBound..<r.upperBound, with: block.string)
                    continue
                }
            }
            out = out.replacingOccurrences(of: tok, with: Markup.build { w in
                w.element("span", [("id", anchor)]) { w in w.append(numberHTML) }
            }.string)
        }
        for (i, c) in captions.enumerated() {
            let tok = "<p>\(stem)T\(i)Z</p>"
            guard let r = out.range(of: tok) else { continue }
            let n = number(i + 1)
            let anchor = c.label.map { "tbl:\($0)" }
            if let label = c.label { labels.append(Label(kind: .tbl, name: label, number: n, anchor: "tbl:\(label)")) }
            var text = MarkdownHTML.render(c.text, rawHTML: rawHTML).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("<p>"), text.hasSuffix("</p>") { text = String(text.dropFirst(3).dropLast(4)) }
            let caption = { (name: String, attrs: Attributes) in
                Markup.build { w in
                    w.element(name, attrs + (anchor.map { [("id", $0)] } ?? [])) { w in
                        w.element("span", [("class", "caption-number")], text: strings.numbered(strings.table, n) + strings.captionSeparator)
                        w.raw(text, from: .commonMark)
                    }
                }.string
            }
            // Into the table just before the caption line.
            if let t = out[..<r.lowerBound].range(of: "<table>", options: .backwards) {
                out.removeSubrange(r)
                out.insert(contentsOf: caption("caption", []), at: t.upperBound)
            } else {
                out.replaceSubrange(r, with: caption("p", [("class", "table-caption")]))
            }
        }
        return (out, labels)
    }
}
