// Heatmaps: a decision surface on a regular grid in a diverging colour scale, points on top, colour bar.
import LabbookCore

/// A point drawn over a heatmap, filled with the colour of `value` (e.g. a training example's target);
/// values below the middle of the colour range are circles, the others squares, so the two classes
/// differ in shape as well as colour.
public struct HeatmapPoint: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var value: Double
    public init(x: Double, y: Double, value: Double) {
        self.x = x
        self.y = y
        self.value = value
    }
}

/// `values[row][column]` on an evenly divided rectangle: with R rows and C columns, cell (r, c) covers
/// x in xRange.lower + c·dx … + (c+1)·dx with dx = width / C, and likewise y with row 0 at the
/// **bottom** (yRange.lowerBound), as in a plot. Non-finite cells are grey.
public struct HeatmapSpec: Sendable, Hashable {
    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var values: [[Double]]
    /// The values at the two ends of the colour scale (blue … white … red).
    public var valueRange: ClosedRange<Double>
    /// Caption of the colour bar, e.g. "P(class 1)".
    public var valueLabel: String
    public var points: [HeatmapPoint]
    /// Legend text for circle markers (value below the middle) and square ones.
    public var lowPointLabel: String
    public var highPointLabel: String

    public init(id: String, title: String, xLabel: String, yLabel: String,
                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [[Double]],
                valueRange: ClosedRange<Double> = 0...1, valueLabel: String = "P(class 1)",
                points: [HeatmapPoint] = [], lowPointLabel: String = "training point, target 0",
                highPointLabel: String = "training point, target 1") {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.values = values
        self.valueRange = valueRange
        self.valueLabel = valueLabel
        self.points = points
        self.lowPointLabel = lowPointLabel
        self.highPointLabel = highPointLabel
    }
}

enum HeatmapChart {

    static func render(_ spec: HeatmapSpec) -> Markup {
        let problems = [Unplottable.range("x", spec.xRange), Unplottable.range("y", spec.yRange),
                        Unplottable.range("colour", spec.valueRange)].compactMap { $0 }
        if !problems.isEmpty { return Unplottable.placeholder(id: spec.id, title: spec.title, problems: problems) }
        let xd = AxisDomain(scale: .linear, extent: nil, target: 5, fixed: spec.xRange)
        let yd = AxisDomain(scale: .linear, extent: nil, target: 5, fixed: spec.yRange)
        // Colour bar under the x-axis label: bar, its tick labels, its caption.
        let single = PanelStyle.single
        let reserve = 12.0 + 6 + single.font + 6 + single.font + 8
        let style = Frame.square(single, title: spec.title, x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel, reserveBottom: reserve)

        let cid = Fragment.chartID(spec.id)
        let pid = "\(cid)-p0"
        let (vlo, vhi) = (spec.valueRange.lowerBound, spec.valueRange.upperBound)
        func unit(_ v: Double) -> Double { vhi == vlo ? 0.5 : (v - vlo) / (vhi - vlo) }
        let panel = Frame.framed(id: pid, title: spec.title, style: style, description: Describe.heatmap(spec), frameTitle: spec.title,
                                 x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel, reserveBottom: reserve) { w, frame in
            if spec.values.isEmpty || spec.values.allSatisfy(\.isEmpty) {
                Frame.noData(&w, frame)
            } else {
                drawCells(&w, spec.values, frame: frame, spec: spec, unit: unit)
            }
            drawPoints(&w, spec.points, frame: frame, unit: unit)
            colorBar(&w, frame: frame, top: style.height - reserve + 4, style: style, spec: spec)
        }

        var legend: [LegendItem] = []
        if spec.points.contains(where: { unit($0.value) < 0.5 }) {
            legend.append(LegendItem(label: spec.lowPointLabel, swatch: .marker(square: false, fill: Palette.divergingColor(0))))
        }
        if spec.points.contains(where: { unit($0.value) >= 0.5 }) {
            legend.append(LegendItem(label: spec.highPointLabel, swatch: .marker(square: true, fill: Palette.divergingColor(1))))
        }
        return Fragment.wrap(id: spec.id, title: spec.title, panels: [panel], legend: legend)
    }

    /// Colours are quantised to `levels` steps of the scale (invisible on a smooth surface) and all
    /// cells of one colour form one path of row runs: a 100 × 100 grid stays tens of kilobytes, not
    /// the half megabyte of one <rect> per cell. Crisp edges keep neighbouring cells free of seams.
    static func drawCells(_ w: inout Markup, _ values: [[Double]], frame: PanelFrame, spec: HeatmapSpec,
                          unit: (Double) -> Double) {
        // Level per cell; `levels` stands for a non-finite value.
        func level(_ v: Double) -> Int {
            let t = unit(v)
            return t.isFinite ? Int((min(max(t, 0), 1) * Double(levels - 1)).rounded()) : levels
        }
        let paths = cellRuns(values.map { $0.map(level) }, frame: frame, xRange: spec.xRange, yRange: spec.yRange)
        w.element("g", [("class", "cells"), ("shape-rendering", "crispEdges")]) { w in
            for key in paths.keys.sorted() {
                w.empty("path", [("d", paths[key] ?? ""), ("fill", color(level: key))])
            }
        }
    }

    /// Cells with equal keys merged into row runs, one path per key: `keys[row][column]` on the rectangle
    /// xRange × yRange, row 0 at the bottom (a heatmap's colour levels, a class region's class and shade).
    static func cellRuns(_ keys: [[Int]], frame: PanelFrame, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) -> [Int: String] {
        let rows = keys.count
        let (x0, x1) = (xRange.lowerBound, xRange.upperBound)
        let (y0, y1) = (yRange.lowerBound, yRange.upperBound)
        var paths: [Int: String] = [:]
        for (r, row) in keys.enumerated() where !row.isEmpty {
            let cols = row.count
            guard let top = frame.y.position(y0 + (y1 - y0) * Double(r + 1) / Double(rows)),
                  let bottom = frame.y.position(y0 + (y1 - y0) * Double(r) / Double(rows)) else { continue }
            var c = 0
            while c < cols {
                var end = c + 1
                while end < cols, row[end] == row[c] { end += 1 }
                if let left = frame.x.position(x0 + (x1 - x0) * Double(c) / Double(cols)),
                   let right = frame.x.position(x0 + (x1 - x0) * Double(end) / Double(cols)) {
                    paths[row[c], default: ""] += "M\(num(left)) \(num(top))H\(num(right))V\(num(bottom))H\(num(left))Z"
                }
                c = end
            }
        }
        return paths
    }

    static let levels = 64

    static func color(level: Int) -> String {
        level >= levels ? Palette.divergingColor(.nan) : Palette.divergingColor(Double(level) / Double(levels - 1))
    }

    /// Markers with a black and a white outline, visible on every colour of the scale.
    static func drawPoints(_ w: inout Markup, _ points: [HeatmapPoint], frame: PanelFrame, unit: (Double) -> Double) {
        outlinedMarkers(&w, points, frame: frame, outline: ("4", "1.5")) { p, x, y in
            let t = unit(p.value)
            let fill = Palette.divergingColor(t.isFinite ? (t < 0.5 ? 0 : 1) : .nan)
            let shape: (String, Attributes) = t < 0.5
                ? ("circle", [("cx", num(x)), ("cy", num(y)), ("r", "6")])
                : ("rect", [("x", num(x - 5.5)), ("y", num(y - 5.5)), ("width", "11"), ("height", "11")])
            return (shape, fill)
        }
    }

    /// Each point's marker drawn twice, a wide black outline under a thin white one, so that it shows on any
    /// colour beneath (a heatmap's scale, a class region's tints). `marker(p, x, y)` gives the element, its
    /// geometry at the point's position (x, y), and its fill.
    static func outlinedMarkers(_ w: inout Markup, _ points: [HeatmapPoint], frame: PanelFrame, outline: (outer: String, inner: String),
                                _ marker: (HeatmapPoint, Double, Double) -> (shape: (String, Attributes), fill: String)) {
        guard !points.isEmpty else { return }
        w.element("g", [("class", "points"), ("clip-path", "url(#\(frame.clipID))")]) { w in
            for p in points {
                guard let x = frame.x.position(p.x), let y = frame.y.position(p.y) else { continue }
                let (shape, fill) = marker(p, x, y)
                w.empty(shape.0, shape.1 + [("fill", fill), ("stroke", "#000"), ("stroke-width", outline.outer)])
                w.empty(shape.0, shape.1 + [("fill", fill), ("stroke", "#fff"), ("stroke-width", outline.inner)])
            }
        }
    }

    /// A horizontal colour bar as wide as the plot, with ticks at nice values of the colour range.
    static func colorBar(_ w: inout Markup, frame: PanelFrame, top: Double, style: PanelStyle, spec: HeatmapSpec) {
        let (left, right) = (frame.left, frame.right)
        let step = (right - left) / Double(levels)
        w.element("g", [("shape-rendering", "crispEdges")]) { w in
            for i in 0..<levels {
                let x = left + Double(i) * step
                w.empty("rect", [("x", num(x)), ("y", num(top)), ("width", num(step + 0.5)), ("height", "12"),
                                 ("fill", color(level: i))])
            }
        }
        let vd = AxisDomain(scale: .linear, extent: nil, target: 4, fixed: spec.valueRange)
        let axis = Axis(domain: vd, start: left, end: right)
        var marks = ""
        for t in vd.ticks { if let x = axis.position(t) { marks += "M\(num(x)) \(num(top + 12))v4" } }
        w.empty("path", [("d", marks), ("stroke", "currentColor")])
        for (i, t) in vd.ticks.enumerated() {
            guard let x = axis.position(t) else { continue }
            w.element("text", [("x", num(x)), ("y", num(top + 18 + style.font)), ("text-anchor", "middle"),
                               ("fill", "currentColor")], text: vd.labels[i])
        }
        w.element("text", [("class", "axis-label"), ("x", num((left + right) / 2)), ("y", num(top + 24 + 2 * style.font)),
                           ("text-anchor", "middle"), ("fill", "currentColor")], text: spec.valueLabel)
    }
}
