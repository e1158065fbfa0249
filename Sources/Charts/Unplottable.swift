// Charts that cannot be drawn: a non-finite axis range, or data whose span no double can hold, are said in words.
import LabbookCore

/// Why a chart's axes cannot be laid out. Non-finite *values* are skipped where the chart says so (a line
/// breaks, a histogram writes "N non-finite not shown"); a non-finite *range* or an overflowing span has no
/// axis at all, and drawing one anyway would put every mark at the origin or an edge, as if it were data.
enum Unplottable {
    /// "the x range 0 … ∞ is not finite", or nil when `range` is absent or finite with a finite width.
    static func range(_ axis: String, _ range: ClosedRange<Double>?) -> String? {
        guard let range else { return nil }
        guard range.lowerBound.isFinite, range.upperBound.isFinite else {
            return "the \(axis) range \(NumberFormat.fixed(range.lowerBound, 2)) … \(NumberFormat.fixed(range.upperBound, 2)) is not finite"
        }
        return span(axis, (range.lowerBound, range.upperBound))
    }

    /// "the x values span −1e+308 … 1e+308, more than a double can hold" when hi − lo overflows.
    static func span(_ axis: String, _ e: (lo: Double, hi: Double)?) -> String? {
        guard let e, !(e.hi - e.lo).isFinite else { return nil }
        return "the \(axis) values span \(NumberFormat.minus(NumberFormat.compact(e.lo, significant: 3))) … "
            + "\(NumberFormat.minus(NumberFormat.compact(e.hi, significant: 3))), "
            + "more than a double can hold"
    }

    /// The chart's place in the page, with the title and the reason instead of the panels:
    /// `<div class="chart chart-unplottable" role="alert">`, so a reader sees that a figure is missing and why.
    static func placeholder(id: String, title: String, problems: [String]) -> Markup {
        Markup.build(breaks: .around) { w in
            w.element("div", [("class", "chart chart-unplottable"), ("id", Fragment.chartID(id)), ("role", "alert")]) { w in
                w.element("p", [("class", "chart-title")], text: title)
                w.element("p", [("class", "chart-problem")], text: "This chart cannot be drawn: " + problems.joined(separator: "; ") + ".")
            }
        }
    }
}
