// The markup writer: elements close in order whatever the children do, text and attributes are escaped.
import Testing
import TestSupport
import LabbookCore

@Suite struct MarkupTests {
    @Test func elementsCloseInOrder() {
        let m = Markup.build { w in
            w.element("div", [("class", "a")]) { w in
                w.element("p", text: "one")
                w.element("ul") { w in
                    for i in 1...2 { w.element("li", text: "\(i)") }
                }
            }
        }
        #expect(m.string == "<div class=\"a\"><p>one</p><ul><li>1</li><li>2</li></ul></div>")
    }

    @Test func anEarlyReturnInsideAnElementStillClosesIt() {
        let m = Markup.build { w in
            w.element("g") { w in
                w.empty("rect")
                if true { return }
                w.empty("circle")
            }
        }
        #expect(m.string == "<g><rect/></g>")
        #expect(MarkupCheck.xmlProblem(m.string) == nil)
    }

    @Test func textAndAttributeValuesAreEscaped() {
        let evil = "\"><script>alert('x') & </script>\u{1}"
        let m = Markup.build { w in
            w.element("a", [("href", evil), ("title", "plain")], text: evil)
            w.text(evil)
        }
        let escaped = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;) &amp; &lt;/script&gt; "
        #expect(m.string == "<a href=\"\(escaped)\" title=\"plain\">\(escaped)</a>\(escaped)")
        #expect(!m.string.contains("<script"))
    }

    @Test func rawMarkupIsSplicedOnlyWhereNamed() {
        let m = Markup.build { w in
            w.element("div") { w in w.raw("<p><em>cmark</em></p>", from: .commonMark) }
        }
        #expect(m.string == "<div><p><em>cmark</em></p></div>")
    }

    @Test func breaksVoidElementsAndFlags() {
        var attrs: Attributes = [("href", "a.json")]
        attrs.flag("download")
        let svg = Markup.build(breaks: .around) { w in
            w.element("svg") { w in
                w.empty("line", [("x1", "0")])
                w.element("text", text: "t")
            }
        }
        #expect(svg.string == "<svg>\n<line x1=\"0\"/>\n<text>t</text>\n</svg>\n")
        let html = Markup.build { w in
            w.element("p", breaks: .after) { w in
                w.element("a", attrs, text: "JSON")
                w.void(.br)
            }
            w.element("table", breaks: .inside) { w in w.element("tr") { _ in } }
        }
        #expect(html.string == "<p><a href=\"a.json\" download>JSON</a><br></p>\n<table>\n<tr></tr></table>")
        var joined = Markup()
        joined.append(contentsOf: [svg, svg])
        #expect(joined.string == svg.string + svg.string)
    }

    @Test func escapingLeavesOrdinaryTextAlone() {
        #expect(Escape.html("plain ünïcode 10⁻⁶\tand\nlines") == "plain ünïcode 10⁻⁶\tand\nlines")
        #expect(Escape.html("a\u{7}b") == "a b")
        // Each special character alone, so the one-scan fast path is tested and not only the slow one.
        for (c, e) in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;"), ("\r", " ")] {
            #expect(Escape.html("a\(c)b") == "a\(e)b", "\(c)")
        }
    }
}

/// The one number formatter: percent, scientific for prose, C-style exponential for tables and messages.
@Suite struct NumberFormatTests {
    @Test func percentAndExponential() {
        #expect(NumberFormat.percent(0.8869) == "88.69 %")
        #expect(NumberFormat.percent(0.125, 1) == "12.5 %")
        #expect(NumberFormat.exponential(3e-6, 2) == "3.00e-06")
        #expect(NumberFormat.exponential(2.04e14, 1, shortExponent: true) == "2.0e14")
        #expect(NumberFormat.exponential(1.5e-5, 1, shortExponent: true) == "1.5e-5")
        #expect(NumberFormat.exponential(9.96e14, 1, shortExponent: true) == "1.0e15")
        #expect(NumberFormat.exponential(0, 1, shortExponent: true) == "0.0e0")
        #expect(NumberFormat.superscript(-12) == "⁻¹²")
        #expect(NumberFormat.scientific(-0.000314) == "−3.1 × 10⁻⁴")
    }
}
