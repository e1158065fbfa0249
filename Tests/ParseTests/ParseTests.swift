// The cmark wrapper: experiment blocks found at the right line, other code untouched, front matter read.
import LabbookCore
import Testing
@testable import Parse

@Suite struct ChapterParserTests {
    @Test func findsExperimentBlockWithFenceLine() {
        let src = """
        # Title

        Some prose.

        ```experiment
        id: one
        seed: 1
        ```

        More prose.
        """
        let ch = ChapterParser.parse(source: src, file: "chapters/a.md")
        #expect(ch.experiments.count == 1)
        #expect(ch.experiments[0].location == SourceLocation(file: "chapters/a.md", line: 5, column: 1))
        #expect(ch.experiments[0].yaml == "id: one\nseed: 1")
        #expect(ch.nodes.count == 3)
        if case .markdown(let text, let loc) = ch.nodes[2] {
            #expect(text.contains("More prose."))
            #expect(loc.line == 9)
        } else {
            Issue.record("third node should be Markdown")
        }
    }

    @Test func otherCodeFencesAreMarkdown() {
        let src = """
        ```python
        print("experiment")
        ```

        ~~~ experiment-like
        not: a block
        ~~~

            ```experiment
            indented code is code
            ```
        """
        let ch = ChapterParser.parse(source: src, file: "c.md")
        #expect(ch.experiments.isEmpty)
        #expect(ch.nodes.count == 1)
    }

    @Test func infoStringWithAttributesStillCounts() {
        let ch = ChapterParser.parse(source: "```experiment {.wide}\nid: x\n```\n", file: "c.md")
        #expect(ch.experiments.count == 1)
    }

    @Test func frontMatterIsReadNotRendered() {
        let src = """
        ---
        title: The Chapter
        defaults:
          seed: 3
        ---
        Intro.

        ```experiment
        id: a
        ```
        """
        let ch = ChapterParser.parse(source: src, file: "c.md")
        #expect(ch.frontMatter?.yaml == "title: The Chapter\ndefaults:\n  seed: 3")
        #expect(ch.frontMatter?.location.line == 2)
        #expect(ch.experiments.first?.location.line == 8)
        if case .markdown(let text, let loc) = ch.nodes[0] {
            #expect(!text.contains("title:"))
            #expect(loc.line == 6)
        } else {
            Issue.record("first node should be Markdown")
        }
    }

    @Test func unclosedFrontMatterIsAnError() {
        let ch = ChapterParser.parse(source: "---\ntitle: x\n\nText\n", file: "c.md")
        #expect(ch.diagnostics.map(\.description) == ["c.md:1:1: error: front matter opened with '---' is never closed; add a line '---' after the front matter"])
    }

    @Test func unclosedExperimentFenceRunsToEnd() {
        let ch = ChapterParser.parse(source: "Text\n\n```experiment\nid: a\nseed: 2\n", file: "c.md")
        #expect(ch.experiments.count == 1)
        #expect(ch.experiments[0].yaml == "id: a\nseed: 2")
        #expect(ch.experiments[0].location.line == 3)
    }

    @Test func nestedBlockIsWarnedAbout() {
        let ch = ChapterParser.parse(source: "- item\n\n  ```experiment\n  id: a\n  ```\n", file: "c.md")
        #expect(ch.experiments.isEmpty)
        #expect(ch.diagnostics.count == 1)
        #expect(ch.diagnostics[0].severity == .warning)
        #expect(ch.diagnostics[0].location.line == 3)
    }

    @Test func headingsWithLines() {
        let ch = ChapterParser.parse(source: "---\ntitle: t\n---\n# One `code`\n\n## Two *em*\n", file: "c.md")
        #expect(ch.headings.map(\.text) == ["One code", "Two em"])
        #expect(ch.headings.map(\.location.line) == [4, 6])
        #expect(ch.headings.map(\.level) == [1, 2])
    }

    @Test func crlfLineEndings() {
        let ch = ChapterParser.parse(source: "Text\r\n\r\n```experiment\r\nid: a\r\n```\r\n", file: "c.md")
        #expect(ch.experiments.first?.location.line == 3)
        #expect(ch.experiments.first?.yaml == "id: a")
    }
}

@Suite struct MarkdownHTMLTests {
    @Test func rendersCommonMark() {
        #expect(MarkdownHTML.render("*a* and `b`") == "<p><em>a</em> and <code>b</code></p>\n")
    }

    @Test func rawHTMLPassesOrIsStripped() {
        #expect(MarkdownHTML.render("<b>x</b>", rawHTML: true).contains("<b>x</b>"))
        #expect(!MarkdownHTML.render("<script>alert(1)</script>", rawHTML: false).contains("<script>"))
    }
}
