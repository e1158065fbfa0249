// The conv reports: a conv layer's kernels (filters) and a layer's activations for a few test images (feature maps).
import Blocks
import Charts
import LabbookCore

extension ReportContext {
    /// Most tiles drawn per row of a figure (a moment's kernels, an image's maps); a note says when there are more.
    static let maxTiles = 48

    /// One figure per trained variant: a row of kernels at init and/or after training, one tile per (filter, channel).
    func filters(layer: Int, when: MomentChoice, chartID: String) -> RenderedReport {
        var html = ""
        for (v, (label, r)) in trained.enumerated() {
            let samples = (r.filters ?? []).filter { $0.layer == layer && when.moments.contains($0.moment) }
            guard let first = samples.first else { continue }
            var rows: [TileRow] = [], truncated = false
            for s in samples {
                let k2 = s.kernel * s.kernel
                var tiles: [Tile] = []
                for o in 0..<s.filters {
                    for c in 0..<s.channels {
                        guard tiles.count < Self.maxTiles else { truncated = true; break }
                        let start = (o * s.channels + c) * k2
                        tiles.append(Tile(label: s.channels == 1 ? "\(o)" : "\(o).\(c)", width: s.kernel,
                                          values: s.weights[start..<(start + k2)].map(Double.init)))
                    }
                }
                rows.append(TileRow(label: s.moment == .initial ? "at init" : "trained", tiles: tiles))
            }
            let who = multi ? " — \(variantName(label))" : ""
            let title = "Layer \(layer) filters: \(first.filters) kernels of \(first.kernel)×\(first.kernel)"
                + (first.channels > 1 ? " over \(first.channels) channels" : "") + who
            html += chartSection(Chart.tiles(TileGridSpec(id: "\(chartID)-v\(v)", title: title, rows: rows, columns: 8, valueLabel: "weight"))
                                 + (truncated ? note("The first \(Self.maxTiles) kernels of each row are drawn.") : ""))
        }
        if html.isEmpty { html = section("Filters", note("No conv layer kernels were recorded for this block.")) }
        return RenderedReport(html: html)
    }

    /// One figure per trained variant: per example, its input image then the layer's channels, after training.
    func featureMaps(layer: Int, chartID: String) -> RenderedReport {
        var html = ""
        for (v, (label, r)) in trained.enumerated() {
            let samples = (r.featureMaps ?? []).filter { $0.layer == layer }
            guard let first = samples.first, first.shape.count == 3 else { continue }
            let (c, h, w) = (first.shape[0], first.shape[1], first.shape[2])
            var rows: [TileRow] = []
            for s in samples {
                var tiles: [Tile] = []
                if s.inputShape.count == 3, s.inputShape[0] == 1 {
                    let lo = Double(s.input.min() ?? 0), hi = Double(s.input.max() ?? 1)
                    tiles.append(Tile(label: "input", width: s.inputShape[2], values: s.input.map(Double.init), range: lo...max(hi, lo + 1e-9)))
                }
                for ch in 0..<min(c, Self.maxTiles) {
                    tiles.append(Tile(label: "ch \(ch)", width: w, values: s.values[(ch * h * w)..<((ch + 1) * h * w)].map(Double.init)))
                }
                rows.append(TileRow(label: "\(s.split) image \(s.index), class \(s.label)", tiles: tiles))
            }
            let kind = r.layerKinds.flatMap { layer < $0.count ? $0[layer] : nil } ?? "layer"
            let who = multi ? " — \(variantName(label))" : ""
            let title = "Layer \(layer) (\(kind)) feature maps: \(c) channels of \(h)×\(w), trained" + who
            html += chartSection(Chart.tiles(TileGridSpec(id: "\(chartID)-v\(v)", title: title, rows: rows, columns: 8, valueLabel: "activation"))
                                 + (c > Self.maxTiles ? note("The first \(Self.maxTiles) channels are drawn.") : ""))
        }
        if html.isEmpty { html = section("Feature maps", note("No feature maps were recorded for this block.")) }
        return RenderedReport(html: html)
    }
}
