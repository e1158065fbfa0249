// Issue 15 item 9: the one-pass token splicing gives exactly what the old search-and-replace gave (checked on
// the shipped book's chapters and on hostile texts), so the shipped pages do not change; the timing figures
// are bench/linearity.py's, recorded in docs/reliability.md.
import Foundation
import Testing
import LabbookCore
import Parse
@testable import Render

/// The algorithms before issue 15, kept here as the reference the fast ones must match.
enum OldTokens {
    static func stem(avoiding text: String, base: String) -> String {
        var stem = base
        while text.contains(stem) { stem += "X" }
        return stem
    }

    static func restoreMath(_ html: String, stem: String, formulas: [MathProtection.Formula]) -> String {
        var out = html
        for (i, f) in formulas.enumerated().reversed() {
            let tok = "\(stem)\(i)Z"
            let tex = Escape.html(f.tex)
            if f.display {
                out = out.replacingOccurrences(of: "<p>\(tok)</p>", with: "<div class=\"math display\">\\[\(tex)\\]</div>")
                out = out.replacingOccurrences(of: tok, with: "<span class=\"math display\">\\[\(tex)\\]</span>")
            } else {
                out = out.replacingOccurrences(of: tok, with: "<span class=\"math inline\">\\(\(tex)\\)</span>")
            }
        }
        return out
    }

    static func restoreParagraphs(_ html: String, stem: String, _ items: [String]) -> String {
        var out = html
        for (i, t) in items.enumerated().reversed() { out = out.replacingOccurrences(of: "<p>\(stem)\(i)Z</p>", with: t) }
        return out
    }
}

/// Numbering's restore before issue 15 item 9 (a search of the page per label), the reference for the one-pass one.
enum OldNumbering {
    static func restore(_ n: Numbering, _ html: String, rawHTML: Bool) -> (String, [Label]) {
        var out = html
        var labels: [Label] = []
        for (i, eq) in n.equations.enumerated() {
            let tok = "\(n.stem)E\(i)Z"
            let anchor = "eq:\(eq)"
            let numberHTML = "<span class=\"eq-number\">(\(n.number(i + 1)))</span>"
            labels.append(Label(kind: .eq, name: eq, number: n.number(i + 1), anchor: anchor))
            // A display formula alone in its paragraph (the usual case) becomes a numbered block.
            if let r = out.range(of: " \(tok)</p>"), let p = out[..<r.lowerBound].range(of: "<p>", options: .backwards) {
                let inner = out[p.upperBound..<r.lowerBound]
                if inner.hasPrefix("<span class=\"math display\">"), inner.hasSuffix("</span>") {
                    let tex = inner.dropFirst("<span class=\"math display\">".count).dropLast("</span>".count)
                    out.replaceSubrange(p.lowerBound..<r.upperBound, with:
                        "<div class=\"equation\" id=\"\(Escape.html(anchor))\"><div class=\"math display\">\(tex)</div>\(numberHTML)</div>")
                    continue
                }
            }
            out = out.replacingOccurrences(of: tok, with: "<span id=\"\(Escape.html(anchor))\">\(numberHTML)</span>")
        }
        for (i, c) in n.captions.enumerated() {
            let tok = "<p>\(n.stem)T\(i)Z</p>"
            guard let r = out.range(of: tok) else { continue }
            let num = n.number(i + 1)
            let anchor = c.label.map { "tbl:\($0)" }
            if let label = c.label { labels.append(Label(kind: .tbl, name: label, number: num, anchor: "tbl:\(label)")) }
            var text = MarkdownHTML.render(c.text, rawHTML: rawHTML).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("<p>"), text.hasSuffix("</p>") { text = String(text.dropFirst(3).dropLast(4)) }
            let id = anchor.map { " id=\"\(Escape.html($0))\"" } ?? ""
            let body = "<span class=\"caption-number\">\(Escape.html(n.strings.numbered(n.strings.table, num)))\(n.strings.captionSeparator)</span>\(text)"
            // Into the table just before the caption line.
            if let t = out[..<r.lowerBound].range(of: "<table>", options: .backwards) {
                out.removeSubrange(r)
                out.replaceSubrange(t, with: "<table><caption\(id)>\(body)</caption>")
            } else {
                out.replaceSubrange(r, with: "<p class=\"table-caption\"\(id)>\(body)</p>")
            }
        }
        return (out, labels)
    }
}

@Suite struct LinearityTests {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var texts: [String] {
        let chapters = package.appendingPathComponent("chapters")
        let shipped = ((try? FileManager.default.contentsOfDirectory(atPath: chapters.path)) ?? []).sorted()
            .filter { $0.hasSuffix(".md") }
            .compactMap { try? String(contentsOf: chapters.appendingPathComponent($0), encoding: .utf8) }
        let hostile = [
            "LBMATH LBMATHXX $a$ LBMATHX0Z $$b$$\n\n$$c$$ and $$d$$ in a line",
            "$x$ $y$\n\n| a | b |\n|---|---|\n| $z$ | LBTABLE0Z |\n\nLBTABLEX",
            String(repeating: "$x_1$ ", count: 500) + "\n\n$$\\sum$$\n",
            "LBMATH" + String(repeating: "X", count: 300) + " $q$",
        ]
        return shipped + hostile
    }

    @Test func theShippedChaptersAreFound() { #expect(Self.texts.count >= 9) }

    @Test(arguments: texts) func mathRestoresExactlyAsBefore(_ text: String) {
        var math = MathProtection(avoiding: text)
        #expect(math.stem == OldTokens.stem(avoiding: text, base: "LBMATH"))
        let html = MarkdownHTML.render(math.protect(text))
        #expect(math.restore(html) == OldTokens.restoreMath(html, stem: math.stem, formulas: math.formulas))
    }

    @Test(arguments: texts) func tablesAndFiguresRestoreExactlyAsBefore(_ text: String) {
        var tables = PipeTables(avoiding: text)
        #expect(tables.stem == OldTokens.stem(avoiding: text, base: "LBTABLE"))
        let html = MarkdownHTML.render(tables.extract(text, rawHTML: true))
        #expect(tables.restore(html) == OldTokens.restoreParagraphs(html, stem: tables.stem, tables.tables))
        // Figures use the same splice: a token alone in its paragraph is replaced, one inside text is not.
        let figures = ["<figure>A</figure>", "<figure>B</figure>"]
        let page = "<p>LBBLOCK0Z</p>\n<p>see LBBLOCK1Z</p>\n<p>LBBLOCK1Z</p>\n" + html
        #expect(Tokens.splice(page, stem: "LBBLOCK", count: 2) { i, alone in alone ? (figures[i], true) : nil }
                == OldTokens.restoreParagraphs(page, stem: "LBBLOCK", figures))
    }

    @Test func identicalHeadingsGetTheSameIDsAsBefore() {
        // "Same" ×4 and a literal "Same 1" in between: the old search from 1 each time gave these.
        let html = "<h2>Same</h2><h2>Same</h2><h2>Same 1</h2><h2>Same</h2><h2>Same</h2>"
        var used = Set<String>()
        var sections: [Section] = []
        _ = ChapterRenderer.addHeadingAnchors(html, used: &used, sections: &sections)
        #expect(sections.map(\.id) == ["same", "same-1", "same-1-1", "same-2", "same-3"])
    }

    /// Texts with labelled equations and table captions: the shipped fixtures' and edge cases (stacked captions,
    /// a caption with no table before it, an equation inside a table, inline and display labels, the stem).
    static var labelled: [String] {
        let site = package.appendingPathComponent("Tests/EndToEndTests/Fixtures/site/chapters")
        let fixtures = ((try? FileManager.default.contentsOfDirectory(atPath: site.path)) ?? []).sorted()
            .compactMap { try? String(contentsOf: site.appendingPathComponent($0), encoding: .utf8) }
        let edge = [
            "$$a$$ {#eq:one}\n\ntext $$b$$ {#eq:two} inline\n\n| a | b |\n|---|---|\n| 1 | $$c$$ {#eq:cell} |\n\nTable: First {#tbl:first}\n",
            "| a |\n|---|\n| 1 |\n\nTable: one {#tbl:one}\n\nsome | text\n\nTable: two *em* {#tbl:two}\n\n$$x$$ {#eq:late}\n",
            "a | b\n\nTable: no table before {#tbl:lone}\n\n- $$d$$ {#eq:item}\n- $$e$$ {#eq:bad label}\n",
            "LBNUM LBNUMXX LBNUMXE0Z $$f$$ {#eq:f}\n\n$$g$$ {#eq:g} $$h$$ {#eq:h}\n\n```\n$$i$$ {#eq:code}\n```\n",
            (0..<50).map { "$$x_{\($0)}$$ {#eq:e\($0)}\n\n| a |\n|---|\n| \($0) |\n\nTable: c\($0) {#tbl:t\($0)}\n\n" }.joined(),
        ]
        return fixtures + edge
    }

    @Test func theLabelledTextsAreFound() { #expect(Self.labelled.count >= 7) }

    @Test(arguments: labelled) func numberingRestoresExactlyAsBefore(_ text: String) {
        var numbering = Numbering(avoiding: text, chapterNumber: 2, strings: ChromeStrings.forLanguage("en"))
        #expect(numbering.stem == OldTokens.stem(avoiding: text, base: "LBNUM"))
        let markdown = numbering.extract(text)
        var tables = PipeTables(avoiding: markdown)
        let withoutTables = tables.extract(markdown, rawHTML: true)
        var math = MathProtection(avoiding: withoutTables)
        let html = tables.restore(math.restore(MarkdownHTML.render(math.protect(withoutTables))))
        let new = numbering.restore(html, rawHTML: true), old = OldNumbering.restore(numbering, html, rawHTML: true)
        #expect(new.0 == old.0)
        #expect(new.1 == old.1)
    }
}
