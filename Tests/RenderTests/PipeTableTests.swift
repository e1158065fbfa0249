// GFM pipe tables: recognised outside code, aligned, cells rendered inline with math protected.
import LabbookCore
import Parse
import Testing
@testable import Render

@Suite struct PipeTableTests {
    func render(_ md: String) -> String {
        let chapter = ChapterParser.parse(source: md, file: "c.md")
        return ChapterRenderer.render(chapter, slug: "c", frontMatterTitle: nil, figures: [], reservedIDs: []).html
    }

    @Test func tableWithAlignmentAndInlineMarkup() {
        let html = render("""
        Before.

        | activation | published | *ours* |
        |:-----------|----------:|:------:|
        | relu       | 88.69 %   | `x|y` and $a|b$ |
        | tanh \\| x | 83.44 %   |
        """)
        #expect(html.contains("<table>"))
        #expect(html.contains("<th style=\"text-align: left\">activation</th><th style=\"text-align: right\">published</th><th style=\"text-align: center\"><em>ours</em></th>"))
        #expect(html.contains("<td style=\"text-align: right\">88.69 %</td>"))
        #expect(html.contains("<code>x|y</code> and <span class=\"math inline\">\\(a|b\\)</span>"))
        #expect(html.contains("<td style=\"text-align: left\">tanh | x</td><td style=\"text-align: right\">83.44 %</td><td style=\"text-align: center\"></td>"))
        #expect(html.contains("<p>Before.</p>"))
    }

    @Test func pipesInCodeAndProseAreNotTables() {
        let html = render("""
        ```
        | a | b |
        |---|---|
        ```

        Just a | in prose.
        """)
        #expect(!html.contains("<table>"))
        #expect(html.contains("| a | b |"))
    }

    @Test func delimiterRowRules() {
        #expect(PipeTables.delimiter("|---|:--:|") != nil)
        #expect(PipeTables.delimiter("| - |") != nil)
        #expect(PipeTables.delimiter("| a |") == nil)
        #expect(PipeTables.delimiter("|-:-|") == nil)
    }

    @Test func inlineResultsWorkInsideCells() {
        let chapter = ChapterParser.parse(source: "| a |\n|---|\n| `{=b.epochs}` |\n", file: "c.md")
        let page = ChapterRenderer.render(chapter, slug: "c", frontMatterTitle: nil, figures: [], reservedIDs: [],
                                          resolve: { _ in .success("42") })
        #expect(page.html.contains("<td><span class=\"result\">42</span></td>"))
    }
}
