// `dead-neurons` reports: per hidden layer, how many units output exactly 0 for every training example.
import Blocks
import Engine
import LabbookCore

extension ReportContext {
    func deadNeurons(_ when: MomentChoice) -> RenderedReport {
        let runs = trained
        guard !runs.isEmpty else { return RenderedReport(html: section("Dead neurons", note("No training run in this block."))) }
        var html = ""
        for (label, r) in runs {
            let hasTrained = r.deadNeurons.contains { $0.moment == .trained }
            let showInit = when != .trained || !hasTrained
            let showTrained = when != .initial && hasTrained
            var head = "<tr><th>layer</th><th class=\"num\">units</th>"
            if showInit { head += "<th class=\"num\">dead at init</th><th class=\"num\">%</th>" }
            if showTrained { head += "<th class=\"num\">dead after training</th><th class=\"num\">%</th>" }
            head += "</tr>\n"
            var rows = ""
            let layers = Array(Set(r.deadNeurons.map(\.layer))).sorted()
            for l in layers {
                let i = r.deadNeurons.first { $0.layer == l && $0.moment == .initial }
                let t = r.deadNeurons.first { $0.layer == l && $0.moment == .trained }
                rows += "<tr><td>hidden layer \(l)</td>" + num("\((i ?? t)?.units ?? 0)")
                if showInit { rows += cells(i) }
                if showTrained { rows += cells(t) }
                rows += "</tr>\n"
            }
            let caption = multi ? "<p class=\"report-note\">\(Escape.html(variantName(label)))</p>\n" : ""
            html += caption + "<div class=\"table-wrap\"><table>\n<thead>\(head)</thead>\n<tbody>\n\(rows)</tbody>\n</table></div>\n"
        }
        html += note("A unit is dead when its output is exactly 0 for every training example.")
        return RenderedReport(html: section("Dead neurons", html))
    }

    func cells(_ d: DeadNeuronRecord?) -> String {
        guard let d else { return num("–") + num("–") }
        let pct = d.units > 0 ? Double(d.dead) / Double(d.units) : 0
        return num(NumberFormat.grouped(d.dead)) + num(NumberFormat.fixed(pct * 100, 1) + " %")
    }

    /// One table per variant, each under the variant's name when the block is a sweep.
}
