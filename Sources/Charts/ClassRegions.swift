// Decision regions of a classifier with more than two classes: each cell in its class's colour, lighter where
// the model is less sure; training points in their class's colour and shape; a legend naming the classes.
import LabbookCore

/// `classes[row][column]` and `confidence[row][column]` (the class's probability) on an evenly divided
/// rectangle, row 0 at the bottom, as `HeatmapSpec`.
public struct ClassRegionSpec: Sendable, Hashable {
    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var classes: [[Int]]
    public var confidence: [[Double]]
    public var classNames: [String]
    /// Training examples on top, `value` being the class index.
    public var points: [HeatmapPoint]

    public init(id: String, title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                classes: [[Int]], confidence: [[Double]], classNames: [String], points: [HeatmapPoint] = []) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.classes = classes
        self.confidence = confidence
        self.classNames = classNames
        self.points = points
    }
}

enum ClassRegionChart {
    /// Shades per class: confidence from 1/k (a guess) to 1 in this many steps, from a pale tint to the full colour.
    static let shades = 5

    static func render(_ spec: ClassRegionSpec) -> Markup {
        let problems = [Unplottable.range("x", spec.xRange), Unplottable.range("y", spec.yRange)].compactMap { $0 }
        if !problems.isEmpty { return Unplottable.placeholder(id: spec.id, title: spec.title, problems: problems) }
        let xd = AxisDomain(scale: .linear, extent: nil, target: 5, fixed: spec.xRange)
        let yd = AxisDomain(scale: .linear, extent: nil, target: 5, fixed: spec.yRange)
        let style = Frame.square(.single, title: spec.title, x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel)
        let cid = Fragment.chartID(spec.id)
        let pid = "\(cid)-p0"
        let k = max(spec.classNames.count, 2)
        let panel = Frame.framed(id: pid, title: spec.title, style: style, description: describe(spec), frameTitle: spec.title,
                                 x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel) { w, frame in
            if spec.classes.allSatisfy(\.isEmpty) { Frame.noData(&w, frame) } else { drawCells(&w, spec, frame: frame, k: k) }
            drawPoints(&w, spec.points, frame: frame)
        }
        var legend = spec.classNames.enumerated().map { i, name in
            LegendItem(label: name, swatch: .classMarker(shape: i % 4, fill: Palette.classColor(i)))
        }
        legend.append(LegendItem(label: "paler: less certain", swatch: .box("linear-gradient(90deg,\(tint(Palette.classColor(0), 0)),\(Palette.classColor(0)))")))
        return Fragment.wrap(id: spec.id, title: spec.title, panels: [panel], legend: legend)
    }

    static func describe(_ spec: ClassRegionSpec) -> String {
        var counts = [Int](repeating: 0, count: max(spec.classNames.count, 1))
        for row in spec.classes { for c in row where c >= 0 && c < counts.count { counts[c] += 1 } }
        let total = max(1, counts.reduce(0, +))
        let shares = spec.classNames.enumerated().map { "\($1) \(Int((100 * Double(counts[$0]) / Double(total)).rounded())) %" }
        return "Decision regions over \(spec.xLabel) from \(Describe.n(spec.xRange.lowerBound)) to \(Describe.n(spec.xRange.upperBound)) "
            + "and \(spec.yLabel) from \(Describe.n(spec.yRange.lowerBound)) to \(Describe.n(spec.yRange.upperBound)): "
            + shares.joined(separator: ", ") + " of the area; \(spec.points.count) training points on top."
    }

    /// One path per (class, shade) of row runs, as the heatmap's cells.
    static func drawCells(_ w: inout Markup, _ spec: ClassRegionSpec, frame: PanelFrame, k: Int) {
        func shade(_ p: Double) -> Int {
            let guess = 1 / Double(k)
            let t = (p - guess) / (1 - guess)
            return t.isFinite ? Int((min(max(t, 0), 1) * Double(shades - 1)).rounded()) : 0
        }
        let keys = spec.classes.enumerated().map { r, row in
            let conf = r < spec.confidence.count ? spec.confidence[r] : []
            return row.enumerated().map { c, cls in cls * shades + shade(c < conf.count ? conf[c] : 1) }
        }
        let paths = HeatmapChart.cellRuns(keys, frame: frame, xRange: spec.xRange, yRange: spec.yRange)
        w.element("g", [("class", "cells"), ("shape-rendering", "crispEdges")]) { w in
            for key in paths.keys.sorted() {
                let cls = key / shades, s = key % shades
                w.empty("path", [("d", paths[key] ?? ""), ("fill", tint(Palette.classColor(cls), Double(s) / Double(shades - 1)))])
            }
        }
    }

    /// The class colour mixed with white: 20 % of the colour at t = 0 (a guess), 75 % at t = 1 (certain), so that
    /// the points, drawn at full colour with outlines, stand out on their own region.
    static func tint(_ hex: String, _ t: Double) -> String {
        let share = 0.2 + 0.55 * min(max(t, 0), 1)
        guard hex.utf8.count == 7, let rgb = UInt32(hex.dropFirst(), radix: 16) else { return hex }
        func channel(_ i: Int) -> Double { Double((rgb >> (16 - 8 * i)) & 0xFF) }
        func mix(_ i: Int) -> Int { Int((255 + (channel(i) - 255) * share).rounded()) }
        return Palette.hex(mix(0), mix(1), mix(2))
    }

    /// Class i: its colour, and a shape that cycles circle, square, triangle, diamond (colour is never the only cue).
    static func drawPoints(_ w: inout Markup, _ points: [HeatmapPoint], frame: PanelFrame) {
        HeatmapChart.outlinedMarkers(&w, points, frame: frame, outline: ("3", "1")) { p, x, y in
            let shape: (String, Attributes)
            let cls = Int(p.value)
            switch cls % 4 {
            case 0: shape = ("circle", [("cx", num(x)), ("cy", num(y)), ("r", "4.5")])
            case 1: shape = ("rect", [("x", num(x - 4)), ("y", num(y - 4)), ("width", "8"), ("height", "8")])
            case 2: shape = ("path", [("d", "M\(num(x)) \(num(y - 5.5))L\(num(x + 5)) \(num(y + 3.5))L\(num(x - 5)) \(num(y + 3.5))Z")])
            default: shape = ("path", [("d", "M\(num(x)) \(num(y - 5.5))L\(num(x + 5)) \(num(y))L\(num(x)) \(num(y + 5.5))L\(num(x - 5)) \(num(y))Z")])
            }
            return (shape, Palette.classColor(cls))
        }
    }
}
