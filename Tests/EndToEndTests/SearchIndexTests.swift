// The search index on its own: terms (words and CJK bigrams), documents per section, a script that is valid JSON inside.
import Foundation
@testable import Render
import Testing
@testable import Site

@Suite struct SearchIndexTests {
    @Test func cjkTextBecomesBigramsAndWordsAreLowerCased() {
        #expect(SearchIndex.terms("勾配消失 Vanishing gradients") == ["勾配", "配消", "消失", "vanishing", "gradients"])
        #expect(SearchIndex.terms("神经网络") == ["神经", "经网", "网络"])
        #expect(SearchIndex.terms("図 3: ReLU、tanh") == ["図", "3", "relu", "tanh"])
        #expect(SearchIndex.terms("ネットワーク") == ["ネッ", "ット", "トワ", "ワー", "ーク"])
    }

    @Test func piecesConcatenateBackToTheTextAndNumbersAreShort() {
        let text = "Vanishing gradients, again. 勾配は消失する。 OK"
        let p = SearchIndex.pieces(text)
        #expect(p.joined() == text)
        #expect(p == ["Vanishing ", "gradients, ", "again. ", "勾", "配", "は", "消", "失", "す", "る。 ", "OK"])
        #expect(SearchIndex.encode(0) == "#" && SearchIndex.encode(44).count == 1 && SearchIndex.encode(45).count == 2)
        #expect(SearchIndex.encode(2024).count == 2 && SearchIndex.encode(2025).count == 3)
    }

    @Test func documentsAreSectionsWithoutChartsOrMath() {
        var ch = RenderedChapter(slug: "01-a", title: "Intro", titleHTML: "Intro", html: """
            <h1 id="intro">Intro</h1>
            <p>Some <em>prose</em> with <span class="math inline">\\(x^2\\)</span> math.</p>
            <h2 id="more">More<a class="anchor" href="#more" aria-label="Link to this section">#</a></h2>
            <figure class="experiment" id="b"><figcaption>A block title</figcaption><svg><text>0.5</text></svg></figure>
            <p>Tom &amp; Jerry</p>
            """, sections: [], hasMath: true)
        ch.language = "en"
        let docs = SearchIndex.documents([ch])
        #expect(docs.map(\.href) == ["01-a.html#intro", "01-a.html#more"])
        #expect(docs[0].text == "Some prose with math.")
        #expect(docs[1].section == "More")
        #expect(docs[1].text == "A block title Tom & Jerry")
        #expect(SearchIndex.documents([RenderedChapter(slug: "x", title: "X", titleHTML: "X", html: "<p>(<a href=\"#r\">Doe, 1999</a>).</p>", sections: [], hasMath: false)]).first?.text == "(Doe, 1999).")
        let js = SearchIndex.script(docs)
        #expect(js.hasPrefix("window.LABBOOK_SEARCH={"))
        let json = String(js.dropFirst("window.LABBOOK_SEARCH=".count).dropLast(2))
        let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let terms = parsed?["terms"] as? [String: String]
        #expect(terms?["jerry"] == SearchIndex.encode(1), "doc 1 as a gap from -1")
        #expect(terms?["prose"] == SearchIndex.encode(0))
        #expect(terms?["0"] == nil, "chart tick labels are not indexed")
        #expect((parsed?["docs"] as? [[Any]])?.count == 2)
        #expect(!js.contains("<"))
    }
}
