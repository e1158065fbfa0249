// Histograms: binning (shared with the JSON export) and a rows × columns grid of histogram panels.
import LabbookCore

/// Equal-width binning, used by the charts and by the JSON export so both show the same counts.
public enum Histogram {
    /// Counts of `values` in `bins` equal-width bins over `range`. Bin i holds lo + i·w ≤ v < lo + (i+1)·w,
    /// except the last bin, which also holds v == hi. Values outside `range` and non-finite values are
    /// dropped (not clamped), so an explicit narrower range never piles outliers into the end bins.
    /// A zero-width range puts the values equal to it in the middle bin. `bins` ≤ 0 gives `[]`.
    public static func bin(_ values: [Double], range: ClosedRange<Double>, bins: Int) -> [Int] {
        guard bins > 0 else { return [] }
        var counts = [Int](repeating: 0, count: bins)
        let (lo, hi) = (range.lowerBound, range.upperBound)
        guard lo.isFinite, hi.isFinite else { return counts }
        for v in values where v.isFinite && v >= lo && v <= hi {
            if hi == lo { counts[bins / 2] += 1; continue }
            // Halves when hi − lo overflows (−1e308 … 1e308): exact scaling, the same bin.
            let t = (hi - lo).isFinite ? (v - lo) / (hi - lo) : (v / 2 - lo / 2) / (hi / 2 - lo / 2)
            let i = Int((t * Double(bins)).rounded(.down))
            counts[min(max(i, 0), bins - 1)] += 1
        }
        return counts
    }

    /// The `bins + 1` bin edges over `range`, the last one exactly the upper bound.
    public static func edges(range: ClosedRange<Double>, bins: Int) -> [Double] {
        guard bins > 0 else { return [] }
        let (lo, hi) = (range.lowerBound, range.upperBound)
        return (0...bins).map { $0 == bins ? hi : lo + (hi - lo) * Double($0) / Double(bins) }
    }

    /// The range to bin `values` over: their finite min…max, widened when all are equal (0 → −0.5…0.5,
    /// else ±5 %) so the bars have a width; nil when no value is finite.
    public static func range(of values: [Double]) -> ClosedRange<Double>? {
        guard let e = extent(values, scale: .linear) else { return nil }
        if e.lo < e.hi { return e.lo...e.hi }
        let d = e.lo == 0 ? 0.5 : abs(e.lo) * 0.05
        return (e.lo - d)...(e.hi + d)
    }
}

/// Histograms as small multiples: `values[row][column]` holds the raw values of one panel, e.g. rows
/// "At initialisation" / "After training" and columns "Layer 0", "Layer 3", …. With `sharedAxes`
/// every panel uses the same bins, x range and y range, so shapes can be compared across panels.
public struct HistogramSpec: Sendable, Hashable {
    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var rows: [String]
    public var columns: [String]
    public var values: [[[Double]]]
    public var bins: Int
    public var sharedAxes: Bool
    /// The x range to bin over; nil fits the data (all panels' data when `sharedAxes`).
    public var range: ClosedRange<Double>?
    /// Bars as the percentage of the panel's values in each bin instead of counts, so that layers of very
    /// different sizes (a 50-weight output layer beside 2,500-weight hidden layers) share a readable y axis.
    public var percent: Bool

    public init(id: String, title: String, xLabel: String, yLabel: String = "count",
                rows: [String], columns: [String], values: [[[Double]]], bins: Int = 50,
                sharedAxes: Bool = true, range: ClosedRange<Double>? = nil, percent: Bool = false) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.rows = rows
        self.columns = columns
        self.values = values
        self.bins = bins
        self.sharedAxes = sharedAxes
        self.range = range
        self.percent = percent
    }
}

enum HistogramChart {
    static func render(_ spec: HistogramSpec) -> Markup {
        let rowCount = max(spec.rows.count, spec.values.count)
        let colCount = max(spec.columns.count, spec.values.map(\.count).max() ?? 0)
        // More than five layers side by side would shrink every panel below legibility at 1200 px: then the
        // panels wrap, each layer's rows (init, trained) kept together, at most four panels a line.
        let wide = rowCount > 1 && colCount > 5
        let cells: [(row: Int, col: Int)] = wide
            ? (0..<colCount).flatMap { c in (0..<rowCount).map { ($0, c) } }
            : (0..<rowCount).flatMap { r in (0..<colCount).map { (r, $0) } }
        let multiple = cells.count > 1
        let style = multiple ? PanelStyle.multiple : PanelStyle.single
        let bins = max(1, spec.bins)
        func values(_ r: Int, _ c: Int) -> [Double] {
            r < spec.values.count && c < spec.values[r].count ? spec.values[r][c] : []
        }
        func label(_ list: [String], _ i: Int) -> String { i < list.count ? list[i] : "" }

        // A fixed range is checked as given; otherwise every panel's own range lies inside the shared one.
        let sharedRange = spec.range ?? Histogram.range(of: cells.flatMap { values($0.row, $0.col) })
        if let problem = Unplottable.range("x", sharedRange) {
            return Unplottable.placeholder(id: spec.id, title: spec.title, problems: [problem])
        }
        let ranges = cells.map { spec.sharedAxes ? sharedRange : (spec.range ?? Histogram.range(of: values($0.row, $0.col))) }
        let finiteCounts = cells.map { values($0.row, $0.col).filter(\.isFinite).count }
        let counts: [[Double]] = cells.indices.map { i in
            guard let range = ranges[i] else { return [] }
            let c = Histogram.bin(values(cells[i].row, cells[i].col), range: range, bins: bins).map(Double.init)
            guard spec.percent else { return c }
            let total = Double(finiteCounts[i])
            return total > 0 ? c.map { $0 / total * 100 } : c
        }
        let sharedMax = counts.flatMap { $0 }.max() ?? 0
        let cid = Fragment.chartID(spec.id)

        var svgs: [Markup] = []
        for (i, cell) in cells.enumerated() {
            let (rowLabel, colLabel) = (label(spec.rows, cell.row), label(spec.columns, cell.col))
            let panelTitle = [colLabel, rowCount > 1 ? rowLabel : ""].filter { !$0.isEmpty }.joined(separator: " · ")
            let a11y = panelTitle.isEmpty ? spec.title : "\(spec.title) — \(panelTitle)"
            let range = ranges[i]
            let maxCount = spec.sharedAxes ? sharedMax : (counts[i].max() ?? 0)
            let xd = AxisDomain(scale: .linear, extent: range.map { ($0.lowerBound, $0.upperBound) }, target: multiple ? 4 : 6)
            let yd = AxisDomain(scale: .linear, extent: maxCount > 0 ? (0, maxCount) : nil, target: multiple ? 4 : 5)
            let pid = "\(cid)-p\(i)"
            let raw = values(cell.row, cell.col)
            let finiteCount = finiteCounts[i]
            let edges = range.map { Histogram.edges(range: $0, bins: bins) } ?? []
            let description = Describe.histogram(counts: counts[i], edges: edges, total: finiteCount, percent: spec.percent,
                                                 xLabel: spec.xLabel)
            svgs.append(Frame.framed(id: pid, title: a11y, style: style, description: description,
                                     frameTitle: multiple ? panelTitle : spec.title, x: xd, y: yd, xLabel: spec.xLabel, yLabel: spec.yLabel) { w, frame in
                let skipped = raw.count - finiteCount
                if range != nil, counts[i].contains(where: { $0 > 0 }) {
                    drawBars(&w, counts[i], edges: edges, frame: frame, color: Palette.color(cell.row), label: panelTitle)
                    Describe.barTargets(&w, counts: counts[i], edges: edges, total: finiteCount, percent: spec.percent, frame: frame)
                } else {
                    Frame.noData(&w, frame)
                }
                if skipped > 0 {
                    // log10|gradient| turns exact zeros into −∞: say how many values the bars leave out.
                    w.element("text", [("class", "note"), ("x", num(frame.right - 4)), ("y", num(frame.top + 14)),
                                       ("text-anchor", "end"), ("font-size", "12"), ("fill", "currentColor")],
                           text: "\(NumberFormat.grouped(skipped)) non-finite not shown")
                }
            })
        }
        let legend = rowCount > 1 ? (0..<rowCount).map { LegendItem(label: label(spec.rows, $0), swatch: .box(Palette.color($0))) } : []
        return Fragment.wrap(id: spec.id, title: spec.title, panels: svgs, legend: legend, columns: wide ? rowCount * max(1, 4 / rowCount) : (rowCount > 1 ? colCount : nil))
    }

    /// All bars of a panel as one path of rectangles from the zero line up to each count.
    static func drawBars(_ w: inout Markup, _ counts: [Double], edges: [Double], frame: PanelFrame, color: String, label: String) {
        guard let base = frame.y.clampedPosition(0) else { return }
        var d = ""
        for (i, c) in counts.enumerated() where c > 0 {
            guard let x0 = frame.x.position(edges[i]), let x1 = frame.x.position(edges[i + 1]),
                  let y = frame.y.clampedPosition(c) else { continue }
            d += "M\(num(x0)) \(num(base))V\(num(y))H\(num(x1))V\(num(base))Z"
        }
        w.element("g", [("class", "bars")]) { w in
            if !label.isEmpty { w.element("title", text: label) }
            w.empty("path", [("d", d), ("fill", color), ("fill-opacity", "0.85")])
        }
    }
}
