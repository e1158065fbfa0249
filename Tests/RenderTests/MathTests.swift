// Math protection: formulas survive Markdown intact, code is left alone, dollars in prose stay dollars.
import Testing
import Parse
@testable import Render

func renderMath(_ md: String) -> String {
    var m = MathProtection(avoiding: md)
    let p = m.protect(md)
    return m.restore(MarkdownHTML.render(p))
}

@Suite struct MathProtectionTests {
    @Test func twoInlineFormulasWithStars() {
        let html = renderMath("$a*b$ and $c*d$")
        #expect(html == "<p><span class=\"math inline\">\\(a*b\\)</span> and <span class=\"math inline\">\\(c*d\\)</span></p>\n")
    }

    @Test func underscoresAreNotEmphasis() {
        let html = renderMath("where $x_i$ and $y_i$ are inputs")
        #expect(html.contains("\\(x_i\\)"))
        #expect(html.contains("\\(y_i\\)"))
        #expect(!html.contains("<em>"))
    }

    @Test func displayMathOwnParagraph() {
        let html = renderMath("Before\n\n$$\n\\sigma'(x) = \\sigma(x)(1-\\sigma(x)) \\le \\tfrac14\n$$\n\nAfter")
        #expect(html.contains("<div class=\"math display\">\\[\\sigma&#39;(x) = \\sigma(x)(1-\\sigma(x)) \\le \\tfrac14\\]</div>"))
        #expect(html.contains("<p>After</p>"))
    }

    @Test func texIsHTMLEscaped() {
        let html = renderMath("$a<b$ & $x>y$")
        #expect(html.contains("\\(a&lt;b\\)"))
        #expect(html.contains("\\(x&gt;y\\)"))
    }

    @Test func codeIsUntouched() {
        #expect(renderMath("`$a*b$`") == "<p><code>$a*b$</code></p>\n")
        #expect(renderMath("```\n$x$\n```\n") == "<pre><code>$x$\n</code></pre>\n")
    }

    @Test func pricesAreNotMath() {
        #expect(renderMath("It costs $5 and $6.") == "<p>It costs $5 and $6.</p>\n")
        #expect(renderMath("a \\$ sign and $ alone") == "<p>a $ sign and $ alone</p>\n")
    }

    @Test func inlineMathDoesNotCrossParagraphs() {
        let html = renderMath("$a\n\nb$")
        #expect(!html.contains("math"))
    }

    @Test func tokenCollisionIsAvoided() {
        let html = renderMath("LBMATH0Z text $x$")
        #expect(html.contains("LBMATH0Z text"))
        #expect(html.contains("\\(x\\)"))
    }
}
