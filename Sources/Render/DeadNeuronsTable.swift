// `dead-neurons` reports: per hidden layer, how many units output exactly 0 for every training example.
import Blocks
import LabbookCore
import Outcomes
import Vocabulary

extension ReportContext {
    /// One table per variant, each under the variant's name when the block is a sweep.
    func deadNeurons(_ when: MomentChoice) -> RenderedReport {
        let runs = trained
        guard !runs.isEmpty else { return RenderedReport(html: section("Dead neurons", note("No training run in this block."))) }
        var html = Markup()
        var tables: [ReportTable] = []
        for (label, r) in runs {
            let hasTrained = r.deadNeurons.contains { $0.moment == .trained }
            let showInit = when != .trained || !hasTrained
            let showTrained = when != .initial && hasTrained
            var head: [TableCell] = [.name("layer"), .num("units")]
            if showInit { head += [.num("dead at init"), .num("%")] }
            if showTrained { head += [.num("dead after training"), .num("%")] }
            var rows: [[TableCell]] = []
            let layers = Array(Set(r.deadNeurons.map(\.layer))).sorted()
            for l in layers {
                let i = r.deadNeurons.first { $0.layer == l && $0.moment == .initial }
                let t = r.deadNeurons.first { $0.layer == l && $0.moment == .trained }
                var row: [TableCell] = [.name("hidden layer \(l)"), .num("\((i ?? t)?.units ?? 0)")]
                if showInit { row += cells(i) }
                if showTrained { row += cells(t) }
                rows.append(row)
            }
            if multi { html += note(variantName(label)) }
            tables.append(ReportTable(head: head, rows: rows))
            html += tables[tables.count - 1].markup
        }
        html += note("A unit is dead when its output is exactly 0 for every training example.")
        return RenderedReport(html: section("Dead neurons", html), tables: tables)
    }

    func cells(_ d: DeadNeuronRecord?) -> [TableCell] {
        guard let d else { return [.num("–"), .num("–")] }
        let pct = d.units > 0 ? Double(d.dead) / Double(d.units) : 0
        return [.num(NumberFormat.grouped(d.dead)), .num(NumberFormat.percent(pct, 1))]
    }
}
