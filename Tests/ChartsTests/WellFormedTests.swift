// Every chart's SVG is well-formed XML: the fixtures rendered now and the golden files on disk, parsed by libxml2.
import Foundation
import Testing
import TestSupport
@testable import Charts

private let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

@Test(arguments: Fixtures.all.map(\.name))
func chartSVGIsWellFormedXML(_ name: String) throws {
    let html = try #require(Fixtures.all.first { $0.name == name }).html
    #expect(!MarkupCheck.svgIslands(html).isEmpty)
    #expect(MarkupCheck.svgProblems(html) == [], "\(name)")
}

/// Every fixture chart and golden file, parsed by html5lib as the content of a <div>, as a page holds it.
@Test func chartFragmentsParseAsHTML5() throws {
    var fragments = Fixtures.all.map { ($0.name, $0.html) }
    for name in try FileManager.default.contentsOfDirectory(atPath: goldenDirectory.path).sorted() where name.hasSuffix(".svg.html") {
        fragments.append(("Golden/" + name, try String(contentsOf: goldenDirectory.appendingPathComponent(name), encoding: .utf8)))
    }
    #expect(try HTML5Check.problems(fragments, fragment: true) == [])
}

@Test func goldenFilesAreWellFormed() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: goldenDirectory.path).filter { $0.hasSuffix(".svg.html") }
    #expect(names.count >= 5)
    for name in names.sorted() {
        let html = try String(contentsOf: goldenDirectory.appendingPathComponent(name), encoding: .utf8)
        #expect(MarkupCheck.svgProblems(html) == [], "Golden/\(name)")
    }
}

/// The checkers themselves catch the defects they exist for: one `</g>` too many, a stray or missing end tag.
@Test func theCheckersRejectBrokenMarkup() throws {
    let bad = "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><rect/></g></g></svg>"
    #expect(MarkupCheck.svgProblems(bad).count == 1)
    let page = "<!DOCTYPE html>\n<html lang=\"en\"><head><title>t</title></head><body>BODY</body></html>\n"
    func problems(_ body: String) throws -> [String] { try HTML5Check.problems([("p.html", page.replacingOccurrences(of: "BODY", with: body))]) }
    #expect(try problems("<div><p>a<br></p><img src=\"x\" alt=\"\"><svg><g><rect/></g></svg></div>") == [])
    #expect(try problems("<div><p>a</p></span></div>").contains { $0.contains("unexpected-end-tag") })
    #expect(try problems("<main><div><p>a</p></main>").count >= 1)
    #expect(try problems("<p>a \u{1} b</p>").contains { $0.contains("invalid-codepoint") })
    #expect(try HTML5Check.problems([("f", "<div><b>x</div>")], fragment: true).count >= 1)
}

/// Each chart says what it shows in words from its data, and its points and bars name themselves on hover.
@Test func chartsDescribeTheirDataAndHoverTargetsNameThePoints() throws {
    let line = Chart.line(LineChartSpec(id: "d", title: "Loss", xLabel: "epoch", yLabel: "loss",
                                        series: [Series(label: "relu", values: [0.9, 0.5, 0.25]),
                                                 Series(label: "tanh", values: [1.2, 0.8, 0.6])])).string
    #expect(line.contains("aria-describedby=\"chart-d-p0-desc\""))
    #expect(line.contains("<desc id=\"chart-d-p0-desc\">Line chart of loss against epoch from 1 to 3, 2 series: relu, tanh. Lowest: relu 0.25 at epoch 3. Highest: tanh 1.2 at epoch 1.</desc>"))
    #expect(line.contains("<title>relu: epoch 2, 0.5</title>"))
    #expect(line.contains("<title>tanh: epoch 3, 0.6</title>"))
    let hist = Chart.histogram(HistogramSpec(id: "h", title: "Weights", xLabel: "weight", rows: [""], columns: [""],
                                             values: [[[0, 0.1, 0.2, 0.9]]], bins: 2, range: 0...1)).string
    #expect(hist.contains("Histogram of weight: 4 values in 2 bins from 0 to 1; the fullest bin, [0, 0.5), holds 75 %."))
    #expect(hist.contains("<title>[0, 0.5): 3 values, 75 %</title>"))
    #expect(hist.contains("<title>[0.5, 1): 1 value, 25 %</title>"))
    #expect(MarkupCheck.svgProblems(line + hist) == [])
}
