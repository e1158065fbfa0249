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
}
