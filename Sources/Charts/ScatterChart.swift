// Scatter plots: a regression's predictions against the targets, or against its one feature with the fitted curve.
import LabbookCore

/// Points drawn as dots, with lines on top (a y = x reference, a fitted curve). `equalAxes`: both axes span the
/// same range and the plot is square, so that the diagonal is at 45° and errors read the same on both axes.
public struct ScatterSpec: Sendable, Hashable {
    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var points: [Point]
    /// Legend text for the dots, e.g. "test example".
    public var pointLabel: String
    public var lines: [Series]
    /// Palette index of each line (colour and dash); missing entries take index 5 + k.
    public var lineStyles: [Int]
    public var equalAxes: Bool

    public init(id: String, title: String, xLabel: String, yLabel: String, points: [Point], pointLabel: String,
                lines: [Series] = [], lineStyles: [Int] = [], equalAxes: Bool = false) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.points = points
        self.pointLabel = pointLabel
        self.lines = lines
        self.lineStyles = lineStyles
        self.equalAxes = equalAxes
    }
}

enum ScatterChart {
    static func render(_ spec: ScatterSpec) -> Markup {
        var style = PanelStyle.single
        let dots = spec.points.filter { $0.x.isFinite && $0.y.isFinite }
        let linePoints = spec.lines.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        func span(_ values: [Double]) -> (lo: Double, hi: Double)? {
            guard let lo = values.min(), let hi = values.max() else { return nil }
            return lo < hi ? (lo, hi) : (lo - 1, hi + 1)
        }
        var xExtent = span(dots.map(\.x) + linePoints.map(\.x)), yExtent = span(dots.map(\.y) + linePoints.map(\.y))
        if spec.equalAxes, let x = xExtent, let y = yExtent {
            xExtent = (min(x.lo, y.lo), max(x.hi, y.hi))
            yExtent = xExtent
        }
        var xd = AxisDomain(scale: .linear, extent: xExtent, target: 6)
        var yd = AxisDomain(scale: .linear, extent: yExtent, target: 6)
        if spec.equalAxes {
            // The same ticks on both axes: the wider of the two nice ranges.
            let lo = min(xd.lo, yd.lo), hi = max(xd.hi, yd.hi)
            xd = AxisDomain(scale: .linear, extent: (lo, hi), target: 6)
            yd = xd
            style = Frame.square(style, title: spec.title, x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel)
        }
        let cid = Fragment.chartID(spec.id)
        let pid = "\(cid)-p0"
        var legend = dots.isEmpty ? [] : [LegendItem(label: spec.pointLabel, swatch: .classMarker(shape: 0, fill: Palette.color(0)))]
        let panel = Frame.framed(id: pid, title: spec.title, style: style, description: Describe.scatter(spec, count: dots.count),
                                 frameTitle: spec.title, x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel) { w, frame in
            if dots.isEmpty && linePoints.isEmpty { Frame.noData(&w, frame) }
            if !dots.isEmpty {
                // All dots in one path of two arcs each, partly transparent so that overlaps show density, ringed in
                // the text colour so that they stand out on a dark page as on a light one.
                let r = 2.6
                var d = ""
                for p in dots {
                    guard let x = frame.x.position(p.x), let y = frame.y.position(p.y) else { continue }
                    d += dotPath(x: x, y: y, r: r)
                }
                w.element("g", [("class", "points"), ("clip-path", "url(#\(frame.clipID))")]) { w in
                    w.element("title", text: spec.pointLabel)
                    w.empty("path", [("d", d), ("fill", Palette.color(0)), ("fill-opacity", "0.7"), ("stroke", "currentColor"),
                                     ("stroke-width", "0.6"), ("stroke-opacity", "0.55")])
                }
            }
            for (k, line) in spec.lines.enumerated() {
                let style = k < spec.lineStyles.count ? spec.lineStyles[k] : 5 + k
                if LineChart.drawSeries(&w, line, color: style, frame: frame, markers: false), !line.label.isEmpty {
                    legend.append(LegendItem(label: line.label, swatch: .line(style)))
                }
            }
            Describe.pointTargets(&w, [Series(label: spec.pointLabel, points: dots)], frame: frame, xLabel: spec.xLabel)
        }
        return Fragment.wrap(id: spec.id, title: spec.title, panels: [panel], legend: legend)
    }
}
