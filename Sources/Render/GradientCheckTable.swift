// `gradient-check` reports: backpropagation against central differences, one table per variant.
import Engine
import Foundation
import LabbookCore

extension ReportContext {
    func gradientCheck() -> RenderedReport {
        let runs = trained.filter { $0.result.gradientCheck != nil }
        guard !runs.isEmpty else {
            return RenderedReport(html: section("Gradient check", note("No gradient check was computed.")))
        }
        var body = ""
        for (label, r) in runs {
            guard let rows = r.gradientCheck else { continue }
            var tbody = ""
            for row in rows {
                let ok = row.maxRelativeDifference < 1e-7
                tbody += "<tr><td>layer \(row.layer)</td>" + num(NumberFormat.grouped(row.parameters))
                tbody += num(String(format: "%.2e", row.maxRelativeDifference)) + "<td>\(ok ? "yes" : "no")</td></tr>\n"
            }
            let head = "<tr><th>layer</th><th class=\"num\">parameters</th><th class=\"num\">max relative difference</th><th>below 10⁻⁷</th></tr>\n"
            if multi { body += "<p class=\"report-note variant-name\">\(Escape.html(variantName(label)))</p>\n" }
            body += "<div class=\"table-wrap\"><table>\n<thead>\(head)</thead>\n<tbody>\n\(tbody)</tbody>\n</table></div>\n"
        }
        body += note("Backpropagation against central differences, both in Float64: |a − n| / max(|a| + |n|, 10⁻¹²).")
        return RenderedReport(html: section("Gradient check", body))
    }

    /// One decision surface per variant, each titled with the variant's name in a sweep; the training points
    /// of a generated 2-D set are drawn on top (at most 200, two classes).
}
