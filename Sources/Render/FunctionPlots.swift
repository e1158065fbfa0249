// `function` reports: activation functions, losses and their derivatives plotted over a range (no training).
import Blocks
import Charts
import Engine
import LabbookCore

extension ReportContext {
    func function(_ f: FunctionReport, chartID: String) -> RenderedReport {
        let range = f.lower...f.upper
        if !f.losses.isEmpty {
            // Losses against the residual; `derivatives` shows only the gradients, `losses` both side by side.
            let values = zip(f.names, f.losses).map { name, l in Series.sampling(label: name, over: range) { Functions.loss(l, residual: $0) } }
            let grads = zip(f.names, f.losses).map { name, l in
                Series.sampling(label: name, over: range) { Functions.lossDerivative(l, residual: $0) }
            }
            let onlyGradients = f.of == .derivatives
            let panels = onlyGradients ? [LinePanel(series: grads)]
                : [LinePanel(title: "loss", series: values), LinePanel(title: "gradient ∂loss/∂ŷ", series: grads)]
            let title = onlyGradients ? "Gradients of the losses" : "Losses and their gradients"
            let spec = LineChartSpec(id: chartID, title: title, xLabel: "residual r = ŷ − y",
                                     yLabel: onlyGradients ? "∂loss/∂ŷ" : "value", panels: panels, sharedY: false)
            return RenderedReport(html: chartSection(Chart.line(spec)))
        }
        let derivative = f.of == .derivatives
        let series = zip(f.names, f.activations).map { name, a in
            Series.sampling(label: name, over: range) { derivative ? Functions.activationDerivative(a, $0) : Functions.activation(a, $0) }
        }
        let title = derivative ? "Derivatives of the activation functions" : "Activation functions"
        let spec = LineChartSpec(id: chartID, title: title, xLabel: "x", yLabel: derivative ? "f′(x)" : "f(x)",
                                 panels: [LinePanel(series: series)])
        return RenderedReport(html: chartSection(Chart.line(spec)))
    }
}
