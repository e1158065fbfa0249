// What a chart shows, in words generated from its data (for aria-describedby), and hover targets whose
// <title> a pointer reveals: a line chart's points (series, x, y) and a histogram's bars (range, share).
import LabbookCore

enum Describe {
    static func n(_ x: Double) -> String { NumberFormat.compact(x, significant: 4) }

    /// "Line chart, x (epoch) from 1 to 50, y (loss). 3 series: relu, tanh, sigmoid. Lowest: relu 0.12 at
    /// epoch 48. Highest: sigmoid 2.3 at epoch 1."
    static func line(_ series: [Series], xLabel: String, yLabel: String) -> String {
        let finite = series.flatMap { s in s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (s.label, $0) } }
        guard let lo = finite.min(by: { $0.1.y < $1.1.y }), let hi = finite.max(by: { $0.1.y < $1.1.y }),
              let x0 = finite.map(\.1.x).min(), let x1 = finite.map(\.1.x).max() else { return "Line chart with no plottable data." }
        let names = series.map(\.label).filter { !$0.isEmpty }
        var text = "Line chart of \(yLabel.isEmpty ? "y" : yLabel) against \(xLabel.isEmpty ? "x" : xLabel) from \(n(x0)) to \(n(x1))"
        if names.count > 1 { text += ", \(names.count) series: \(names.joined(separator: ", "))" }
        func at(_ p: (String, Point)) -> String {
            (p.0.isEmpty || names.count < 2 ? "" : "\(p.0) ") + "\(n(p.1.y)) at \(xLabel.isEmpty ? "x" : xLabel) \(n(p.1.x))"
        }
        return text + ". Lowest: \(at(lo)). Highest: \(at(hi))."
    }

    /// "Histogram of weight: 1,000 values in 30 bins from −1 to 1; the fullest bin, [−0.1, 0), holds 12 %."
    static func histogram(counts: [Double], edges: [Double], total: Int, percent: Bool, xLabel: String) -> String {
        guard let top = counts.indices.max(by: { counts[$0] < counts[$1] }), edges.count == counts.count + 1,
              let first = edges.first, let last = edges.last else { return "Histogram with no data." }
        let share = percent ? counts[top] : (total > 0 ? counts[top] / Double(total) * 100 : 0)
        return "Histogram of \(xLabel.isEmpty ? "values" : xLabel): \(NumberFormat.grouped(total)) values in \(counts.count) bins "
            + "from \(n(first)) to \(n(last)); the fullest bin, [\(n(edges[top])), \(n(edges[top + 1]))), holds \(n(share)) %."
    }

    static func heatmap(_ spec: HeatmapSpec) -> String {
        let v = spec.values.flatMap { $0 }.filter(\.isFinite)
        guard let lo = v.min(), let hi = v.max() else { return "Heatmap with no data." }
        return "Heatmap of \(spec.valueLabel) over \(spec.xLabel) from \(n(spec.xRange.lowerBound)) to \(n(spec.xRange.upperBound)) "
            + "and \(spec.yLabel) from \(n(spec.yRange.lowerBound)) to \(n(spec.yRange.upperBound)); values from \(n(lo)) to \(n(hi)), "
            + "\(spec.points.count) data points on top."
    }

    static func scatter(_ spec: ScatterSpec, count: Int) -> String {
        let xs = spec.points.map(\.x).filter(\.isFinite), ys = spec.points.map(\.y).filter(\.isFinite)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return "Scatter plot with no data." }
        var text = "Scatter plot of \(count) points (\(spec.pointLabel)), \(spec.yLabel) from \(n(y0)) to \(n(y1)) against "
            + "\(spec.xLabel) from \(n(x0)) to \(n(x1))"
        let names = spec.lines.map(\.label).filter { !$0.isEmpty }
        if !names.isEmpty { text += ", with " + names.joined(separator: " and ") }
        return text + "."
    }

    /// One transparent circle per point (at most `limit` per series, evenly spread) whose title names it.
    static func pointTargets(_ w: inout Markup, _ series: [Series], frame: PanelFrame, xLabel: String, limit: Int = 40) {
        var targets: [(x: Double, y: Double, title: String)] = []
        for s in series {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            guard !pts.isEmpty else { continue }
            let step = max(1, (pts.count + limit - 1) / limit)
            for (k, p) in pts.enumerated() where k % step == 0 || k == pts.count - 1 {
                guard let x = frame.x.position(p.x), let y = frame.y.position(p.y) else { continue }
                let name = s.label.isEmpty ? "" : "\(s.label): "
                targets.append((x, y, "\(name)\(xLabel.isEmpty ? "x" : xLabel) \(n(p.x)), \(n(p.y))"))
            }
        }
        guard !targets.isEmpty else { return }
        w.element("g", [("class", "hover-targets"), ("fill", "transparent")]) { w in
            for t in targets {
                w.element("circle", [("cx", num(t.x)), ("cy", num(t.y)), ("r", "6")]) { w in
                    w.element("title", text: t.title)
                }
            }
        }
    }

    /// One transparent rectangle per bar at least 2 px tall: its range and the share of the panel's values in it.
    static func barTargets(_ w: inout Markup, counts: [Double], edges: [Double], total: Int, percent: Bool, frame: PanelFrame) {
        guard let base = frame.y.clampedPosition(0), edges.count == counts.count + 1 else { return }
        var targets: [(box: Attributes, title: String)] = []
        for (i, c) in counts.enumerated() where c > 0 {
            guard let x0 = frame.x.position(edges[i]), let x1 = frame.x.position(edges[i + 1]),
                  let y = frame.y.clampedPosition(c) else { continue }
            let share = percent ? c : (total > 0 ? c / Double(total) * 100 : 0)
            // A bar under 2 px is too thin to point at; its target would only weigh on the page.
            guard abs(base - y) >= 2 else { continue }
            let count = percent ? "" : (c == 1 ? "1 value, " : "\(NumberFormat.grouped(Int(c))) values, ")
            targets.append(([("x", num(min(x0, x1))), ("y", num(min(y, base))), ("width", num(abs(x1 - x0))), ("height", num(abs(base - y)))],
                            "[\(n(edges[i])), \(n(edges[i + 1]))): \(count)\(n(share)) %"))
        }
        guard !targets.isEmpty else { return }
        w.element("g", [("class", "hover-targets"), ("fill", "transparent")]) { w in
            for t in targets {
                w.element("rect", t.box) { w in w.element("title", text: t.title) }
            }
        }
    }
}
