// BibTeX as authors have it: Google Scholar, DBLP and hand-written entries, LaTeX accents, @string, errors with lines.
import LabbookCore
import Testing
@testable import Parse

@Suite struct BibTeXTests {
    @Test func readsRealWorldEntries() {
        let bib = #"""
        @string{nips = "Advances in Neural Information Processing Systems"}
        % a comment line
        @InProceedings{pmlr-v9-glorot10a,
          title = 	 {Understanding the difficulty of training deep feedforward neural networks},
          author = 	 {Glorot, Xavier and Bengio, Yoshua},
          booktitle = 	 {Proceedings of the Thirteenth International Conference on Artificial Intelligence and Statistics},
          pages = 	 {249--256},
          year = 	 {2010},
          url = 	 {https://proceedings.mlr.press/v9/glorot10a.html},
        }
        @article{DBLP:journals/corr/HeZR015,
          author    = {Kaiming He and
                       Xiangyu Zhang and
                       Shaoqing Ren and
                       Jian Sun},
          title     = {Delving Deep into Rectifiers},
          journal   = {CoRR},
          volume    = {abs/1502.01852},
          year      = {2015},
          doi       = {10.48550/arXiv.1502.01852}
        }
        @inproceedings(vaswani2017, author = "Vaswani, Ashish and others", title = "Attention is all you need",
          booktitle = nips # ", 30", year = 2017)
        """#
        let (entries, problems) = BibTeX.parse(bib, file: "references.bib")
        #expect(problems.isEmpty, "\(problems)")
        #expect(entries.map(\.key) == ["pmlr-v9-glorot10a", "DBLP:journals/corr/HeZR015", "vaswani2017"])
        #expect(entries[0].type == "inproceedings")
        #expect(entries[0].familyNames == ["Glorot", "Bengio"])
        #expect(entries[0].fields["pages"] == "249–256")
        #expect(entries[0].fields["url"] == "https://proceedings.mlr.press/v9/glorot10a.html")
        #expect(entries[0].location.line == 3)
        #expect(entries[1].familyNames == ["He", "Zhang", "Ren", "Sun"])
        #expect(entries[1].fields["doi"] == "10.48550/arXiv.1502.01852")
        #expect(entries[2].fields["booktitle"] == "Advances in Neural Information Processing Systems, 30")
        #expect(entries[2].year == "2017")
    }

    @Test func latexAccentsBecomeUnicode() {
        #expect(BibTeX.unicode(#"G{\"o}del"#) == "Gödel")
        #expect(BibTeX.unicode(#"G\"{o}del"#) == "Gödel")
        #expect(BibTeX.unicode(#"Erd\H{o}s"#) == "Erdős")
        #expect(BibTeX.unicode(#"Fran\c{c}ois"#) == "François")
        #expect(BibTeX.unicode(#"Fran\c cois"#) == "François")
        #expect(BibTeX.unicode(#"Andr\'{e} and Jos\'e"#) == "André and José")
        #expect(BibTeX.unicode(#"{\ss} {\o} \v{S}imon Dvo\v{r}\'ak"#) == "ß ø Šimon Dvořák")
        #expect(BibTeX.unicode(#"Na\"{\i}ve {ImageNet} pp.~1--2"#) == "Naïve ImageNet pp.\u{00A0}1–2")
        #expect(BibTeX.unicode("Jürgen Schmidhuber") == "Jürgen Schmidhuber")
    }

    @Test func namesAndFamilyNames() {
        #expect(BibTeX.splitNames("A. Smith and {Barnes and Noble} and Jones, B.") == ["A. Smith", "{Barnes and Noble}", "Jones, B."])
        #expect(BibTeX.familyName("Ludwig van Beethoven") == "van Beethoven")
        #expect(BibTeX.familyName("Glorot, Xavier") == "Glorot")
        #expect(BibTeX.familyName("Yann LeCun") == "LeCun")
    }

    @Test func malformedEntriesNameTheFileAndLine() {
        let bib = """
        @article{ok, title = {Fine}, year = 2001}

        @article{bad,
          title = {Never closed,
          year = 2002
        }
        @article{alsobad, title = undefinedmacro}
        @article{ok, title = {Again}}
        @article{later, title = {Still read}}
        """
        let (entries, problems) = BibTeX.parse(bib, file: "refs/main.bib")
        #expect(entries.map(\.key) == ["ok", "later"])
        let text = problems.map(\.description)
        #expect(text.contains { $0.hasPrefix("refs/main.bib:3:1: error: malformed BibTeX entry: the entry 'bad' is not closed before the next entry") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("refs/main.bib:7:") && $0.contains("unknown @string 'undefinedmacro'") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("refs/main.bib:8:1: error: duplicate BibTeX key 'ok' (first defined on line 1)") }, "\(text)")
    }
}
