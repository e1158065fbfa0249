// Horizontal bar charts: one row per category (layer, activation), one bar per series, values written out.
import LabbookCore

/// One set of bars, e.g. "At initialisation": `values[i]` belongs to category i; NaN means no value.
public struct BarSeries: Sendable, Hashable {
    public var label: String
    public var values: [Double]
    public init(label: String, values: [Double]) {
        self.label = label
        self.values = values
    }
}

/// Horizontal bars. Categories run top to bottom in the order given; with several series each
/// category gets one bar per series and a legend. Every bar is labelled with its value
/// (`decimals` fixed decimals, then `unit`, e.g. "12.5 %"), so the chart doubles as a table.
public struct BarChartSpec: Sendable, Hashable {
    public var id: String
    public var title: String
    public var valueLabel: String
    public var categories: [String]
    public var series: [BarSeries]
    public var valueRange: ClosedRange<Double>?
    public var decimals: Int
    public var unit: String

    public init(id: String, title: String, valueLabel: String, categories: [String], series: [BarSeries],
                valueRange: ClosedRange<Double>? = nil, decimals: Int = 1, unit: String = "") {
        self.id = id
        self.title = title
        self.valueLabel = valueLabel
        self.categories = categories
        self.series = series
        self.valueRange = valueRange
        self.decimals = decimals
        self.unit = unit
    }

    /// A single series: one bar per category.
    public init(id: String, title: String, valueLabel: String, categories: [String], values: [Double],
                valueRange: ClosedRange<Double>? = nil, decimals: Int = 1, unit: String = "") {
        self.init(id: id, title: title, valueLabel: valueLabel, categories: categories,
                  series: [BarSeries(label: "", values: values)], valueRange: valueRange, decimals: decimals, unit: unit)
    }
}

enum BarChart {
    static let barHeight = 14.0

    static func render(_ spec: BarChartSpec) -> String {
        var style = PanelStyle.single
        let f = style.font
        let rows = max(spec.categories.count, spec.series.map(\.values.count).max() ?? 0)
        let seriesCount = max(1, spec.series.count)
        let rowHeight = Double(seriesCount) * barHeight + 10
        let names = (0..<rows).map { i in
            truncate(i < spec.categories.count ? spec.categories[i] : "", toWidth: style.width * 0.38, fontSize: f)
        }
        func text(_ v: Double) -> String {
            v.isFinite ? Ticks.minus(NumberFormat.fixed(v, max(0, spec.decimals))) + (spec.unit.isEmpty ? "" : " " + spec.unit) : "n/a"
        }

        let all = spec.series.flatMap(\.values)
        let ext = union(extent(all, scale: .linear), (0, 0))   // bars start at zero, so zero is always shown
        let xd = AxisDomain(scale: .linear, extent: ext, target: 5, fixed: spec.valueRange)
        let yd = AxisDomain(categories: rows, labels: names)
        let (_, top, _, _) = Frame.margins(style: style, hasTitle: !spec.title.isEmpty, x: xd, y: yd,
                                           xLabel: spec.valueLabel, yLabel: "")
        style.height = top + Double(max(1, rows)) * rowHeight + (f + 8) + (spec.valueLabel.isEmpty ? 4 : f + 10)

        let cid = Fragment.chartID(spec.id)
        let pid = "\(cid)-p0"
        var w = SVGWriter()
        Frame.open(&w, id: pid, width: style.width, height: style.height, title: spec.title, style: style)
        // Room on the right for the value written after the longest bar.
        let valueWidth = all.map { textWidth(text($0), fontSize: 12) }.max() ?? 0
        let frame = Frame.draw(&w, id: pid, style: style, title: spec.title, x: xd, y: yd,
                               xLabel: spec.valueLabel, yLabel: "", reserveRight: valueWidth + 8)
        if rows == 0 || all.allSatisfy({ !$0.isFinite }) {
            Frame.noData(&w, frame)
        }
        w.open("g", [("class", "category-label"), ("fill", "currentColor")])
        for i in 0..<rows {
            guard let y = frame.y.position(Double(rows - i) - 0.5) else { continue }
            w.text("text", [("x", num(frame.left - 7)), ("y", num(y)), ("dy", "0.35em"), ("text-anchor", "end")], names[i])
        }
        w.close("g")
        let base = frame.x.clampedPosition(0) ?? frame.left
        for (s, series) in spec.series.enumerated() {
            let color = Palette.color(s)
            w.open("g", [("class", "bars")])
            if !series.label.isEmpty { w.text("title", [], series.label) }
            for (i, v) in series.values.enumerated() where i < rows {
                guard let rowTop = frame.y.position(Double(rows - i)) else { continue }
                let y = rowTop + 5 + Double(s) * barHeight
                if let end = frame.x.clampedPosition(v) {
                    w.empty("rect", [("x", num(min(base, end))), ("y", num(y + 1)), ("width", num(abs(end - base))),
                                     ("height", num(barHeight - 2)), ("fill", color)])
                }
                let endX = frame.x.clampedPosition(v) ?? base
                let negative = v < 0
                w.text("text", [("class", "value"), ("x", num(negative ? endX - 4 : endX + 4)), ("y", num(y + barHeight / 2)),
                                ("dy", "0.35em"), ("text-anchor", negative ? "end" : "start"), ("font-size", "12"),
                                ("fill", "currentColor")], text(v))
            }
            w.close("g")
        }
        Frame.close(&w)
        let legend = spec.series.count > 1 ? spec.series.enumerated().map { LegendItem(label: $0.element.label, swatch: .box(Palette.color($0.offset))) } : []
        return Fragment.wrap(id: spec.id, title: spec.title, panels: [w.out], legend: legend)
    }
}
