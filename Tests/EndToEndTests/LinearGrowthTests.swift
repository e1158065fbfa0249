// Issue 15 item 9: parsing, rendering and the search index grow linearly with the number of formulas, pipe
// tables, identical headings and labels. Checked as ratios (ten times the items must take well under a hundred
// times as long), not seconds, so the bound holds on a slow or loaded machine; the seconds are
// bench/linearity.py's (docs/reliability.md).
import Foundation
import Parse
@testable import Render
@testable import Site
import Testing

@Suite(.serialized) struct LinearGrowthTests {
    /// The same chapters as bench/linearity.py.
    static func chapter(_ kind: String, _ n: Int) -> String {
        switch kind {
        case "formulas": "# Formulas\n\n" + (0..<n).map { "$x_{\($0)}$" }.joined(separator: " ") + "\n"
        case "tables": "# Tables\n\n" + (0..<n).map { "| a | b |\n|---|---|\n| \($0) | $y$ |\n\n" }.joined()
        case "labels": "# Labels\n\n" + (0..<n).map { "$$x_{\($0)}$$ {#eq:e\($0)}\n\n| a |\n|---|\n| \($0) |\n\nTable: c\($0) {#tbl:t\($0)}\n\n" }.joined()
        default: "# Headings\n\n" + String(repeating: "## Same\n\ntext\n\n", count: n)
        }
    }

    static func seconds(_ work: () -> Void) -> Double {
        let start = ContinuousClock.now
        work()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Seconds to parse the chapter, render it and index it for search (what a build does per chapter).
    static func pipeline(_ kind: String, _ n: Int) -> Double {
        let text = chapter(kind, n)
        return seconds {
            let parsed = ChapterParser.parse(source: text, file: "01.md")
            let page = ChapterRenderer.render(parsed, slug: "01", frontMatterTitle: nil, figures: [], reservedIDs: [])
            _ = SearchIndex.script(SearchIndex.documents([page]))
        }
    }

    /// A rendered page of n formulas, pipe tables with a formula, or sections with a chart, as the renderer
    /// writes them. Each item carries 400 bytes the index skips (TeX, a drawing), so that a search over the
    /// rest of the page per item costs far more than the item's own work, even in a debug build.
    static func page(_ kind: String, _ n: Int) -> RenderedChapter {
        let tex = String(repeating: "x+", count: 200)
        let item = switch kind {
        case "formulas": "<span class=\"math inline\">\\(\(tex)\\)</span> "
        case "tables": "<div class=\"table-wrap\"><table>\n<thead>\n<tr><th>a</th><th>b</th></tr>\n</thead>\n<tbody>\n"
            + "<tr><td>1</td><td><span class=\"math inline\">\\(\(tex)\\)</span></td></tr>\n</tbody>\n</table></div>\n"
        default: "<h2 id=\"same\">Same<a class=\"anchor\" href=\"#same\" aria-label=\"Link to this section\">#</a></h2>\n"
            + "<p>text</p>\n<svg><path d=\"\(tex)\"/></svg>\n"
        }
        return RenderedChapter(slug: "01", title: "T", titleHTML: "T", html: "<h1 id=\"t\">T</h1>\n<p>" + String(repeating: item, count: n),
                               sections: [], hasMath: true)
    }

    /// The search index alone, on pages of 2,000 and 20,000 items: linear work gives a ratio near 10, and
    /// before the fix (Foundation's `range(of:)` on the rest of the page, once per item) near 100.
    @Test(arguments: ["formulas", "tables", "headings"]) func theSearchIndexGrowsLinearly(_ kind: String) {
        let small = Self.page(kind, 2_000), large = Self.page(kind, 20_000)
        _ = SearchIndex.documents([Self.page(kind, 100)])   // warm-up
        let t1 = min(Self.seconds { _ = SearchIndex.documents([small]) }, Self.seconds { _ = SearchIndex.documents([small]) })
        let t10 = Self.seconds { _ = SearchIndex.documents([large]) }
        #expect(t10 / t1 < 25, "\(kind): 2,000 items \(t1) s, 20,000 items \(t10) s (ratio \(t10 / t1))")
    }

    /// The whole per-chapter path, 1,000 against 10,000 items: a coarse check that no stage is quadratic at
    /// this size (a ratio near 100; tables measured 13-26 in a debug build on the loaded 2-core machine); bench/linearity.py measures 100,000. "labels" is a labelled equation and
    /// a captioned table per item (with the old Numbering restore, 1,000 of them alone took over a minute).
    @Test(arguments: ["formulas", "tables", "headings", "labels"]) func tenTimesTheItemsTakeAboutTenTimesAsLong(_ kind: String) {
        _ = Self.pipeline(kind, 100)   // warm-up
        let small = min(Self.pipeline(kind, 1_000), Self.pipeline(kind, 1_000))
        let large = min(Self.pipeline(kind, 10_000), Self.pipeline(kind, 10_000))   // the best of two: a loaded machine
        #expect(large / small < 30, "\(kind): 1,000 items \(small) s, 10,000 items \(large) s (ratio \(large / small))")
    }
}
