// Degenerate inputs: empty, constant, single-point and non-finite data render without crashing.
import Testing
@testable import Charts

private func line(_ series: [Series], yScale: Scale = .linear, xScale: Scale = .linear) -> String {
    Chart.line(LineChartSpec(id: "t", title: "T", xLabel: "x", yLabel: "y", xScale: xScale, yScale: yScale, series: series)).string
}

/// The `d` attribute of the first series path in `html`.
private func firstSeriesPath(_ html: String) -> String? {
    guard let g = html.components(separatedBy: "<g class=\"series\"").dropFirst().first,
          let d = g.components(separatedBy: "<path d=\"").dropFirst().first else { return nil }
    return String(d.prefix { $0 != "\"" })
}

@Suite struct DegenerateLineTests {
    @Test func noPanelsNoSeriesEmptySeries() {
        #expect(Chart.line(LineChartSpec(id: "e", title: "E", xLabel: "", yLabel: "", panels: [])).string.contains("no data"))
        #expect(line([]).contains("no data"))
        #expect(line([Series(label: "a", points: [])]).contains("no data"))
    }

    @Test func allNonFinite() {
        #expect(line([Series(label: "a", values: [.nan, .infinity, -.infinity])]).contains("no data"))
    }

    @Test func singlePointIsADot() {
        let html = line([Series(label: "a", points: [Point(3, 7)])])
        #expect(!html.contains("no data"))
        #expect(html.contains("a3 3 0 1 0"))
    }

    @Test func constantValues() {
        let html = line([Series(label: "a", values: Array(repeating: 0.25, count: 50))])
        #expect(html.contains("<path d=\"M"))
        #expect(!html.contains("NaN") && !html.contains("inf"))
    }

    @Test func nonFiniteBreaksTheLine() throws {
        let html = line([Series(label: "a", points: [Point(0, 1), Point(1, 2), Point(2, .nan), Point(3, 4), Point(4, 5)])])
        let d = try #require(firstSeriesPath(html))
        #expect(d.filter { $0 == "M" }.count == 2)
    }

    @Test func nonPositiveSkippedOnLogAxis() throws {
        let html = line([Series(label: "a", values: [1e-3, 0, -1, 1e-1, 1])], yScale: .log10)
        let d = try #require(firstSeriesPath(html))
        #expect(d.filter { $0 == "M" }.count == 1)   // 1e-1 → 1; 1e-3 is cut off by 0 and −1 and left a dot
        #expect(html.contains("a3 3 0 1 0"))
        #expect(line([Series(label: "a", values: [0, -1])], yScale: .log10).contains("no data"))
        #expect(line([Series(label: "a", values: [1, 2])], xScale: .log10).contains(">10</text>"))
    }

    @Test func hugeAndTinyValues() {
        let html = line([Series(label: "a", values: [1e300, -1e300, 1e-300])])
        #expect(html.contains("<svg"))
        #expect(!html.contains("NaN"))
    }

    @Test func fixedRangesAndEmptyPanelsInMultiples() {
        let spec = LineChartSpec(id: "m", title: "M", xLabel: "x", yLabel: "y",
                                 panels: [LinePanel(title: "a", series: [Series(label: "s", values: [0.5, 2])]),
                                          LinePanel(title: "b", series: [])],
                                 yRange: 0...1)
        let html = Chart.line(spec).string
        #expect(html.contains("small-multiples"))
        #expect(html.contains("no data"))
        #expect(html.components(separatedBy: "<svg ").count == 3)
    }
}

@Suite struct DegenerateOtherChartTests {
    @Test func histogram() {
        func render(_ values: [[[Double]]], shared: Bool = true) -> String {
            Chart.histogram(HistogramSpec(id: "h", title: "H", xLabel: "v", rows: ["r"], columns: ["a", "b"],
                                          values: values, sharedAxes: shared)).string
        }
        #expect(render([]).contains("no data"))
        #expect(render([[[], []]]).contains("no data"))
        #expect(render([[[1, 1, 1], [2]]], shared: false).contains("<path d=\"M"))
        let logZero = render([[[-.infinity, -.infinity, -3], [.nan]]])
        #expect(logZero.contains("2 non-finite not shown"))
        #expect(logZero.contains("no data"))
        #expect(Chart.histogram(HistogramSpec(id: "z", title: "Z", xLabel: "", rows: [], columns: [], values: [[[1]]], bins: 0)).string
                    .contains("<svg"))
    }

    @Test func heatmap() {
        func render(_ values: [[Double]], range: ClosedRange<Double> = 0...1) -> String {
            Chart.heatmap(HeatmapSpec(id: "m", title: "M", xLabel: "x", yLabel: "y", xRange: 0...1, yRange: 0...0,
                                      values: values, valueRange: range, points: [HeatmapPoint(x: .nan, y: 0, value: 1)])).string
        }
        #expect(render([]).contains("no data"))
        #expect(render([[], []]).contains("no data"))
        #expect(render([[.nan, 0.5], [1]]).contains("#808080"))
        #expect(render([[2]], range: 1...1).contains("<g class=\"cells\" shape-rendering=\"crispEdges\">\n<path d=\"M"))
    }
}

/// A chart whose axes cannot exist says so where the figure would be; it is never drawn with its marks
/// collapsed at 0 or at an edge (the old coordinate writer turned every non-finite number into "0").
@Suite struct UnplottableChartTests {
    static func isPlaceholder(_ html: String, _ reason: String) -> Bool {
        html.contains("<div class=\"chart chart-unplottable\"") && html.contains("role=\"alert\"")
            && html.contains("This chart cannot be drawn: ") && html.contains(reason) && !html.contains("<svg")
    }

    @Test func dataSpanningMoreThanADoubleIsReported() {
        let html = line([Series(label: "a", values: [1e308, -1e308, 1])])
        #expect(Self.isPlaceholder(html, "the y values span −1e+308 … 1e+308, more than a double can hold"), "\(html)")
        let hist = Chart.histogram(HistogramSpec(id: "h", title: "H", xLabel: "v", rows: ["r"], columns: ["a"],
                                                 values: [[[1e308, -1e308, 0]]])).string
        #expect(Self.isPlaceholder(hist, "the x values span"), "\(hist)")
    }

    @Test func aNonFiniteRangeIsReported() {
        let heat = Chart.heatmap(HeatmapSpec(id: "m", title: "M", xLabel: "x", yLabel: "y", xRange: 0...Double.infinity,
                                             yRange: 0...1, values: [[0.5, 0.2]], points: [HeatmapPoint(x: 1, y: 0.5, value: 1)])).string
        #expect(Self.isPlaceholder(heat, "the x range 0.00 … ∞ is not finite"), "\(heat)")
        let curve = Chart.line(LineChartSpec(id: "c", title: "C", xLabel: "x", yLabel: "y",
                                             series: [Series(label: "a", values: [1, 2])], yRange: -Double.infinity...1)).string
        #expect(Self.isPlaceholder(curve, "the y range −∞ … 1.00 is not finite"), "\(curve)")
        let hist = Chart.histogram(HistogramSpec(id: "h", title: "H", xLabel: "v", rows: ["r"], columns: ["a"],
                                                 values: [[[1, 2]]], range: 0...Double.infinity)).string
        #expect(Self.isPlaceholder(hist, "the x range"), "\(hist)")
        let tiles = Chart.tiles(TileGridSpec(id: "t", title: "T", rows: [TileRow(label: "filters", tiles: [
            Tile(label: "k", width: 1, values: [1], range: 0...Double.infinity)])], valueLabel: "weight")).string
        #expect(Self.isPlaceholder(tiles, "filters: the colour range"), "\(tiles)")
    }

    /// Ordinary charts keep drawing, and a value that overflows on the axis is skipped like a NaN, not put at 0.
    @Test func finiteChartsAreUnaffectedAndNoCoordinateIsNaN() {
        let html = line([Series(label: "a", values: [1e300, -1e300, 1e-300])])
        #expect(html.contains("<svg") && !html.contains("chart-unplottable"))
        #expect(!html.contains("\"NaN\"") && !html.contains("NaN "))
        #expect(Histogram.bin([1e308, -1e308, 0], range: -1e308...1e308, bins: 4) == [1, 0, 1, 1])
    }
}
