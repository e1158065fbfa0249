// The book-wide pass on its own: references, citations, link rewriting and checking, CJK line breaks, numbering.
import LabbookCore
import Parse
import Testing
@testable import Render

private func page(_ md: String, slug: String = "01-a", number: Int = 1, language: String = "en") -> (RenderedChapter, Chapter) {
    let ch = ChapterParser.parse(source: md, file: "chapters/\(slug).md")
    return (ChapterRenderer.render(ch, slug: slug, frontMatterTitle: nil, figures: [], reservedIDs: [], number: number, language: language), ch)
}

private func link(_ md: String, others: [BookCatalog.Page] = [], bib: [BibEntry] = []) -> LinkedChapter {
    let (p, ch) = page(md)
    let catalog = BookCatalog(pages: [BookCatalog.Page(slug: p.slug, file: ch.file, anchors: p.anchors, labels: p.labels)] + others,
                              bibliography: bib)
    return CrossLinks.link(p, chapter: ch, catalog: catalog)
}

@Suite struct CrossLinksTests {
    let other = BookCatalog.Page(slug: "02-b", file: "chapters/02-b.md", anchors: ["intro", "sweep"],
                                 labels: [Label(kind: .fig, name: "sweep", number: "2.4", anchor: "sweep")])

    @Test func chapterLinksBecomeHTMLAndAreChecked() {
        let r = link("# A\n\nSee [b](02-b.md), [intro](02-b.md#intro), [x](02-b.md#nope) and [c](03-c.md).\n", others: [other])
        #expect(r.page.html.contains("<a href=\"02-b.html\">b</a>"))
        #expect(r.page.html.contains("<a href=\"02-b.html#intro\">intro</a>"))
        #expect(r.diagnostics.map(\.description) == [
            "chapters/01-a.md:3:47: error: link to '02-b.md#nope': 02-b has no heading or figure 'nope'; expected one of: intro, sweep",
            "chapters/01-a.md:3:69: error: link to '03-c.md': no such chapter; did you mean '01-a'?",
        ])
    }

    @Test func localFilesAreListedAndEscapesRefused() {
        let r = link("# A\n\n![x](img/./a.png) [d](files/sub/../d.csv) [e](../secret.txt) [w](https://example.com/a.md) [m](mailto:a@b.c)\n")
        #expect(r.files.map(\.path) == ["img/a.png", "files/d.csv"])
        #expect(r.page.html.contains("loading=\"lazy\""))
        #expect(r.diagnostics.count == 1)
        #expect(r.diagnostics.first?.message.contains("'../secret.txt' points outside the chapters directory") == true)
        #expect(r.page.html.contains("<a href=\"https://example.com/a.md\">w</a>"), "absolute URLs are left alone")
    }

    @Test func figureReferencesAcrossChaptersReadAsNumbers() {
        let r = link("# A\n\nSee @fig:02-b/sweep, and @fig:02-b/swep.\n", others: [other])
        #expect(r.page.html.contains("<a class=\"xref\" href=\"02-b.html#sweep\">Figure\u{00A0}2.4</a>"))
        #expect(r.diagnostics.map(\.text) == ["reference '@fig:02-b/swep': no figure (experiment block) 'swep' in 02-b; did you mean 'sweep'?"])
    }

    @Test func citationsAreAuthorYearAndListed() {
        let (entries, _) = BibTeX.parse("@book{k, author = {Doe, Jane}, title = {T}, year = 1999}\n@misc{m, author = {A and B and C}, year = 2000}", file: "b.bib")
        let r = link("# A\n\nAs @k said [@k; @m], not an email a@b.com, nor `@k` in code.\n", bib: entries)
        #expect(r.page.html.contains("As <a class=\"citation\" href=\"#ref-k\">Doe (1999)</a> said (<a class=\"citation\" href=\"#ref-k\">Doe, 1999</a>; <a class=\"citation\" href=\"#ref-m\">A et al., 2000</a>)"))
        #expect(r.page.html.contains("a@b.com") && r.page.html.contains("<code>@k</code>"))
        #expect(r.page.html.contains("<li id=\"ref-k\">Doe, J. (1999). T.</li>"))
        #expect(r.page.sections.last?.id == "references")
        #expect(r.diagnostics.isEmpty)
        let bad = link("# A\n\n[@kk]\n", bib: entries)
        #expect(bad.diagnostics.map(\.description) == ["chapters/01-a.md:3:2: error: citation '@kk': no such key in the bibliography; did you mean 'k'?"])
    }

    @Test func aLineBreakBetweenCJKCharactersIsNotASpace() {
        let r = link("# A\n\n勾配は\n小さくなる。\nEnglish\nwords 漢字\nkana\n")
        #expect(r.page.html.contains("勾配は小さくなる。\nEnglish\nwords 漢字\nkana"))
    }

    @Test func tablesAndEquationsAreNumbered() {
        let md = "# A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: Sizes of *things* {#tbl:sizes}\n\n$$\nx = 1\n$$ {#eq:one}\n\nSee @tbl:sizes and @eq:one.\n"
        let (p, _) = page(md, number: 3)
        #expect(p.labels.map(\.key) == ["eq:one", "tbl:sizes"])
        #expect(p.html.contains("<table><caption id=\"tbl:sizes\"><span class=\"caption-number\">Table\u{00A0}3.1: </span>Sizes of <em>things</em></caption>"))
        #expect(p.html.contains("<div class=\"equation\" id=\"eq:one\"><div class=\"math display\">\\[x = 1\\]</div><span class=\"eq-number\">(3.1)</span></div>"))
        // Right under the last row, with no blank line, the caption is still a caption, not a row.
        let (tight, _) = page("# A\n\n| a |\n|---|\n| 1 |\nTable: Tight {#tbl:t}\n")
        #expect(tight.html.contains("<caption id=\"tbl:t\"><span class=\"caption-number\">Table\u{00A0}1.1: </span>Tight</caption>"))
        #expect(!tight.html.contains("<td>Table"))
        let r = link(md)
        #expect(r.page.html.contains("See <a class=\"xref\" href=\"#tbl:sizes\">Table\u{00A0}1.1</a> and <a class=\"xref\" href=\"#eq:one\">Equation\u{00A0}(1.1)</a>."))
    }
}
