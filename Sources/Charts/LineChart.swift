// Line charts: curves per epoch or iteration, function plots, and small multiples of them.
import LabbookCore

/// A data point; non-finite coordinates (and ≤ 0 ones on a log axis) are skipped and break the line.
public struct Point: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// One line: a label for the legend and its points in drawing order.
public struct Series: Sendable, Hashable {
    public var label: String
    public var points: [Point]

    public init(label: String, points: [Point]) {
        self.label = label
        self.points = points
    }

    /// Pairs `xs` and `ys` (the shorter one decides the count).
    public init(label: String, xs: [Double], ys: [Double]) {
        self.init(label: label, points: zip(xs, ys).map { Point($0, $1) })
    }

    /// Values at x = `firstX`, `firstX + stepX`, …: a curve per epoch (1, 2, 3, …) or per
    /// `record-every` iterations (`firstX: 0, stepX: 100`).
    public init(label: String, values: [Double], firstX: Double = 1, stepX: Double = 1) {
        self.init(label: label, points: values.enumerated().map { Point(firstX + Double($0.offset) * stepX, $0.element) })
    }

    /// `f` sampled at `count` evenly spaced x in `range` (both ends included), for function plots.
    public static func sampling(label: String, over range: ClosedRange<Double>, count: Int = 201,
                                _ f: (Double) -> Double) -> Series {
        Series(label: label, points: Sampling.evenly(range, count: count).map { Point($0, f($0)) })
    }
}

/// One panel of a line chart; `title` is shown above it when the chart has several panels.
public struct LinePanel: Sendable, Hashable {
    public var title: String
    public var series: [Series]
    public init(title: String = "", series: [Series]) {
        self.title = title
        self.series = series
    }
}

/// A line chart. Series with the same label get the same colour and dash in every panel, and the
/// legend lists each label once. With several panels they share the x and y axes unless
/// `sharedX`/`sharedY` is false, so that panels can be compared at a glance.
public struct LineChartSpec: Sendable, Hashable {
    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale
    public var yScale: Scale
    public var panels: [LinePanel]
    public var sharedX: Bool
    public var sharedY: Bool
    /// Fixed axis ranges (e.g. accuracy 0…1); nil fits the data. Lines leaving them are clipped.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Dots at the data points; nil draws them when every series has at most 20 points.
    public var markers: Bool?

    public init(id: String, title: String, xLabel: String, yLabel: String,
                xScale: Scale = .linear, yScale: Scale = .linear, panels: [LinePanel],
                sharedX: Bool = true, sharedY: Bool = true,
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, markers: Bool? = nil) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.panels = panels
        self.sharedX = sharedX
        self.sharedY = sharedY
        self.xRange = xRange
        self.yRange = yRange
        self.markers = markers
    }

    /// A single-panel chart.
    public init(id: String, title: String, xLabel: String, yLabel: String,
                xScale: Scale = .linear, yScale: Scale = .linear, series: [Series],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, markers: Bool? = nil) {
        self.init(id: id, title: title, xLabel: xLabel, yLabel: yLabel, xScale: xScale, yScale: yScale,
                  panels: [LinePanel(series: series)], xRange: xRange, yRange: yRange, markers: markers)
    }
}

enum LineChart {
    static func render(_ spec: LineChartSpec) -> Markup {
        let panels = spec.panels.isEmpty ? [LinePanel(series: [])] : spec.panels
        let multiple = panels.count > 1
        let style = multiple ? PanelStyle.multiple : PanelStyle.single
        let target = multiple ? 4 : 6

        // One colour per distinct label, in order of first appearance across panels.
        var labels: [String] = []
        var colorIndex: [String: Int] = [:]
        for s in panels.flatMap(\.series) where colorIndex[s.label] == nil {
            colorIndex[s.label] = labels.count
            labels.append(s.label)
        }

        let xExtents = panels.map { p in extent(p.series.flatMap { $0.points.filter { $0.y.isFinite }.map(\.x) }, scale: spec.xScale) }
        let yExtents = panels.map { p in
            extent(p.series.flatMap { $0.points.filter { spec.xScale.accepts($0.x) }.map(\.y) }, scale: spec.yScale)
        }
        let xAll = xExtents.reduce(nil, union), yAll = yExtents.reduce(nil, union)
        let problems = [Unplottable.range("x", spec.xRange), Unplottable.range("y", spec.yRange),
                        Unplottable.span("x", xAll), Unplottable.span("y", yAll)].compactMap { $0 }
        if !problems.isEmpty { return Unplottable.placeholder(id: spec.id, title: spec.title, problems: problems) }
        let maxPoints = panels.flatMap(\.series).map(\.points.count).max() ?? 0
        let markers = spec.markers ?? (maxPoints <= 20)
        let cid = Fragment.chartID(spec.id)

        var svgs: [Markup] = []
        // Layers and epochs are whole numbers: keep the x ticks on them.
        let integerX = spec.xScale == .linear && panels.allSatisfy { $0.series.allSatisfy { $0.points.allSatisfy { $0.x == $0.x.rounded() } } }
        for (i, panel) in panels.enumerated() {
            let xd = AxisDomain(scale: spec.xScale, extent: spec.sharedX ? xAll : xExtents[i], target: target, fixed: spec.xRange,
                                integers: integerX)
            let yd = AxisDomain(scale: spec.yScale, extent: spec.sharedY ? yAll : yExtents[i], target: target, fixed: spec.yRange)
            let pid = "\(cid)-p\(i)"
            let a11y = multiple && !panel.title.isEmpty ? "\(spec.title) — \(panel.title)" : spec.title
            svgs.append(Frame.framed(id: pid, title: a11y, style: style, description: Describe.line(panel.series, xLabel: spec.xLabel, yLabel: spec.yLabel),
                                     frameTitle: multiple ? panel.title : spec.title, x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel) { w, frame in
                var drewSomething = false
                for s in panel.series {
                    drewSomething = drawSeries(&w, s, color: colorIndex[s.label] ?? 0, frame: frame, markers: markers) || drewSomething
                }
                Describe.pointTargets(&w, panel.series, frame: frame, xLabel: spec.xLabel)
                if !drewSomething { Frame.noData(&w, frame) }
            })
        }
        let legend = labels.count > 1 ? labels.map { LegendItem(label: $0, swatch: .line(colorIndex[$0] ?? 0)) } : []
        return Fragment.wrap(id: spec.id, title: spec.title, panels: svgs, legend: legend)
    }

    /// Draws one series as a path broken at unplottable points, plus dots where asked and wherever a
    /// run has a single point (it would otherwise be invisible). Returns whether anything was drawn.
    static func drawSeries(_ w: inout Markup, _ s: Series, color i: Int, frame: PanelFrame, markers: Bool) -> Bool {
        var runs: [[(Double, Double)]] = [[]]
        for p in s.points {
            guard let x = frame.x.position(p.x), let y = frame.y.position(p.y) else {
                if !(runs.last?.isEmpty ?? true) { runs.append([]) }
                continue
            }
            let q = ((x * 100).rounded() / 100, (y * 100).rounded() / 100)
            if let last = runs[runs.count - 1].last, last == q { continue }   // invisible at this precision
            runs[runs.count - 1].append(q)
        }
        runs.removeAll { $0.isEmpty }
        guard !runs.isEmpty else { return false }

        let color = Palette.color(i)
        var d = ""
        for run in runs where run.count > 1 {
            d += "M" + run.map { "\(num($0.0)) \(num($0.1))" }.joined(separator: "L")
        }
        var dots = runs.filter { $0.count == 1 }.map { $0[0] }
        if markers { dots = runs.flatMap { $0 } }

        w.element("g", [("class", "series"), ("clip-path", "url(#\(frame.clipID))")]) { w in
            w.element("title", text: s.label)
            if !d.isEmpty {
                var attrs: Attributes = [("d", d), ("fill", "none"), ("stroke", color), ("stroke-width", "2"),
                                         ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
                let dash = Palette.dash(i)
                if !dash.isEmpty { attrs.append("stroke-dasharray", dash) }
                w.empty("path", attrs)
            }
            if !dots.isEmpty {
                let path = dots.map { dotPath(x: $0.0, y: $0.1, r: 3) }.joined()
                w.empty("path", [("d", path), ("fill", color)])
            }
        }
        return true
    }
}
