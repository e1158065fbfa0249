// `function` reports: activation functions, losses and their derivatives over a range (no training; Execute sampled them).
import Blocks
import Charts
import LabbookCore
import Outcomes
import Vocabulary

extension ReportContext {
    func function(_ f: FunctionReport, index: Int, chartID: String) -> RenderedReport {
        let curves = outcome.functionPlots.first { $0.report == index }?.curves ?? []
        let values = curves.map { Series(label: $0.name, xs: $0.xs, ys: $0.values) }
        let derivatives = curves.map { Series(label: $0.name, xs: $0.xs, ys: $0.derivatives) }
        if !f.losses.isEmpty {
            // Losses against the residual; `derivatives` shows only the gradients, `losses` both side by side.
            let onlyGradients = f.of == .derivatives
            let panels = onlyGradients ? [LinePanel(series: derivatives)]
                : [LinePanel(title: "loss", series: values), LinePanel(title: "gradient ∂loss/∂ŷ", series: derivatives)]
            let title = onlyGradients ? "Gradients of the losses" : "Losses and their gradients"
            let spec = LineChartSpec(id: chartID, title: title, xLabel: "residual r = ŷ − y",
                                     yLabel: onlyGradients ? "∂loss/∂ŷ" : "value", panels: panels, sharedY: false)
            return RenderedReport(html: chartSection(Chart.line(spec)))
        }
        let derivative = f.of == .derivatives
        let title = derivative ? "Derivatives of the activation functions" : "Activation functions"
        let spec = LineChartSpec(id: chartID, title: title, xLabel: "x", yLabel: derivative ? "f′(x)" : "f(x)",
                                 panels: [LinePanel(series: derivative ? derivatives : values)])
        return RenderedReport(html: chartSection(Chart.line(spec)))
    }
}
