// Tile grids (conv filters, feature maps): golden bytes, well-formed XML, colour scale anchored at 0.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Charts

private let goldenURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/tile-grid.svg.html")

/// Six 5×5 "kernels" at init (small, signed) and trained (larger), and one row of feature maps beside an input.
let tileFixture: TileGridSpec = {
    func kernel(_ k: Int, scale: Double) -> Tile {
        Tile(label: "\(k)", width: 5, values: (0..<25).map { scale * sin(Double($0 * (k + 1)) * 0.7) })
    }
    let input = Tile(label: "input", width: 8, values: (0..<64).map { Double($0 % 8) / 7 }, range: 0...1)
    let maps = (0..<3).map { c in Tile(label: "ch \(c)", width: 8, values: (0..<64).map { max(0, Double(($0 + c) % 9) - 4) }) }
    return TileGridSpec(id: "lenet-filters", title: "Layer 0 filters <5×5>", rows: [
        TileRow(label: "init", tiles: (0..<6).map { kernel($0, scale: 0.2) }),
        TileRow(label: "trained", tiles: (0..<6).map { kernel($0, scale: 0.9) }),
        TileRow(label: "image 0", tiles: [input] + maps),
    ], columns: 8, valueLabel: "weight")
}()

@Test func tileGridMatchesGolden() throws {
    let html = Chart.tiles(tileFixture).string
    if ProcessInfo.processInfo.environment["LABBOOK_RECORD"] == "1" {
        try Data(html.utf8).write(to: goldenURL)
        return
    }
    #expect(html == (try String(contentsOf: goldenURL, encoding: .utf8)), "rerun with LABBOOK_RECORD=1 and review the diff")
    #expect(html == Chart.tiles(tileFixture).string, "deterministic")
}

/// The fragment parses as XML, the author's title is escaped, and the panel is the usual scalable, titled SVG.
@Test func tileGridIsWellFormedXML() throws {
    let html = Chart.tiles(tileFixture).string
    let parser = XMLParser(data: Data(html.utf8))
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    #expect(html.contains("Layer 0 filters &lt;5×5&gt;"))
    #expect(html.contains("viewBox=\"0 0 400 "))
    #expect(html.contains("role=\"img\""))
}

/// 0 is white in both kinds of row; a signed row is symmetric, a non-negative row runs 0…max.
@Test func tileColourScaleIsAnchoredAtZero() {
    #expect(TileGridChart.rowRange(TileRow(label: "", tiles: [Tile(label: "", width: 2, values: [-0.5, 0.2, 0, 0.1])])) == -0.5...0.5)
    #expect(TileGridChart.rowRange(TileRow(label: "", tiles: [Tile(label: "", width: 2, values: [0, 3, 1, 2])])) == 0...3)
    var paths = [String](repeating: "", count: TileGridChart.levels + 1)
    TileGridChart.cells(Tile(label: "", width: 2, values: [0, 3, -3, 0]), range: -3...3, x: 0, y: 0, size: 2, into: &paths)
    let white = (TileGridChart.levels - 1) / 2
    #expect(!paths[white].isEmpty && !paths[TileGridChart.levels - 1].isEmpty && !paths[0].isEmpty)
    #expect(TileGridChart.color(level: white) == Palette.divergingColor(0.5))
}

/// Issue 11: the feature-maps title ran past the panel's edges (cut off at 400 px) and was centred on the panel,
/// not on the tiles. A long title is wrapped to the grid's width and centred over it.
@Test func aLongTileGridTitleWrapsToTheGridAndIsCentredOverIt() throws {
    let maps = (0..<6).map { c in Tile(label: "ch \(c)", width: 8, values: (0..<64).map { Double(($0 + c) % 5) }) }
    let input = Tile(label: "input", width: 8, values: (0..<64).map { Double($0) / 63 }, range: 0...1)
    let spec = TileGridSpec(id: "maps", title: "Layer 1 (relu) feature maps: 6 channels of 28×28, trained",
                            rows: [TileRow(label: "test image 0, class 9", tiles: [input] + maps)], columns: 8, valueLabel: "activation")
    let html = Chart.tiles(spec).string
    let titles = html.components(separatedBy: "<text class=\"panel-title\" x=\"").dropFirst()
    #expect(titles.count == 2, "wrapped onto two lines")
    // 7 tiles in 400 − 2·8 units with 6-unit gaps: the grid is 384 wide from x = 8, so its centre is 200 and no line is wider.
    for t in titles {
        #expect(t.hasPrefix("200\""), "centred over the grid: \(t.prefix(20))")
        let text = String(t.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
        #expect(Double(text.unicodeScalars.count) * 0.6 * 14 <= 384, "'\(text)' fits the grid")
    }
    #expect(html.contains(">Layer 1 (relu) feature maps: 6 channels of</text>") && html.contains(">28×28, trained</text>"))
    // Narrower grid (three 5×5 filters, capped at 64 units each): the title is centred over the tiles, not the panel.
    let narrow = Chart.tiles(TileGridSpec(id: "f", title: "Layer 0 filters", rows: [TileRow(label: "init", tiles: (0..<3).map {
        Tile(label: "\($0)", width: 5, values: (0..<25).map { Double($0) - 12 }) })], columns: 8, valueLabel: "weight")).string
    #expect(narrow.contains("<text class=\"panel-title\" x=\"110\""), "8 + (3·64 + 2·6)/2 = 110")
}
