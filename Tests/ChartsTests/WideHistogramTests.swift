// Histograms with many layers: the golden file parses as XML, and the panels wrap four a line, layer by layer.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Charts

@Suite struct WideHistogramTests {
    /// Collects the text of every <title> and the `style` of every row of small multiples.
    final class Reader: NSObject, XMLParserDelegate {
        var titles: [String] = []
        var rows: [String] = []
        private var inTitle = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "title" { inTitle = true; titles.append("") }
            if name == "div", attributes["class"] == "small-multiples fixed" { rows.append(attributes["style"] ?? "") }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inTitle { titles[titles.count - 1] += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title" { inTitle = false }
        }
    }

    @Test func goldenParsesAsXMLAndWrapsByLayer() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/histogram-wide.svg.html")
        let data = try Data(contentsOf: url)
        let parser = XMLParser(data: data)
        let reader = Reader()
        parser.delegate = reader
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        // 14 panels in rows of four: 4 + 4 + 4 + 2.
        #expect(reader.rows == ["--cols:4", "--cols:4", "--cols:4", "--cols:4"])
        let panels = reader.titles.filter { $0.hasPrefix("Activations per layer — tanh — ") }
        #expect(panels.count == 14)
        #expect(panels.prefix(4) == ["Activations per layer — tanh — Layer 0 · At initialisation", "Activations per layer — tanh — Layer 0 · After training",
                                     "Activations per layer — tanh — Layer 1 · At initialisation", "Activations per layer — tanh — Layer 1 · After training"])
    }
}
