// `gradient-check` reports: backpropagation against central differences, one table per variant.
import Foundation
import LabbookCore
import Outcomes

extension ReportContext {
    func gradientCheck() -> RenderedReport {
        let runs = trained.filter { $0.result.gradientCheck != nil }
        guard !runs.isEmpty else {
            return RenderedReport(html: section("Gradient check", note("No gradient check was computed.")))
        }
        var body = Markup()
        var tables: [ReportTable] = []
        let head: [TableCell] = [.name("layer"), .num("parameters"), .num("max relative difference"), .name("below 10⁻⁷")]
        for (label, r) in runs {
            guard let rows = r.gradientCheck else { continue }
            let cells = rows.map { row -> [TableCell] in
                [.name("layer \(row.layer)"), .num(NumberFormat.grouped(row.parameters)),
                 .num(NumberFormat.exponential(row.maxRelativeDifference, 2)), .name(row.maxRelativeDifference < 1e-7 ? "yes" : "no")]
            }
            if multi { body.element("p", [("class", "report-note variant-name")], text: variantName(label), breaks: .after) }
            tables.append(ReportTable(head: head, rows: cells))
            body += tables[tables.count - 1].markup
        }
        body += note("Backpropagation against central differences, both in Float64: |a − n| / max(|a| + |n|, 10⁻¹²).")
        return RenderedReport(html: section("Gradient check", body), tables: tables)
    }
}
