// What the conv reports need from a run: a conv layer's kernels (filters) and a layer's activations for a few examples.
import Outcomes
import Vocabulary

extension TrainingSession {
    /// The kernels of the conv2d entry `number`, or nil when that entry is not a conv layer (Blocks checks first).
    func filterSample(_ number: Int, _ moment: Moment) -> FilterSample? {
        guard let plan = shape.layers.first(where: { $0.number == number }), case .conv2d(let g) = plan.kind else { return nil }
        let w = Array(ws.params[plan.weightOffset..<(plan.weightOffset + g.weightCount)])
        return FilterSample(moment: moment, layer: number, filters: g.filters, channels: g.channels, kernel: g.kernel, weights: w)
    }

    /// Entry `request.layer`'s output (an activation fused into a dense layer is not image-shaped, so it never is
    /// one) for the first `request.images` examples of the test split, else validation, else training; evaluation mode.
    func featureMapSamples(_ request: FeatureMapsRequest) -> [FeatureMapSample] {
        guard let k = shape.layers.firstIndex(where: { $0.number == request.layer }) else { return [] }
        let plan = shape.layers[k]
        let (split, d) = data.test.map { ("test", $0) } ?? data.validation.map { ("validation", $0) } ?? ("train", data.train)
        let n = min(request.images, d.count, rows)
        guard n > 0 else { return [] }
        let inputShape = shape.layers[0].input.dims, width = plan.fanOut
        var out: [FeatureMapSample] = []
        d.features.withUnsafeBufferPointer { f in
            ws.forward(f.baseAddress.unsafelyUnwrapped, rows: n, training: false)
            let y = ws.output(k)
            for r in 0..<n {
                out.append(FeatureMapSample(layer: request.layer, split: split, index: r, label: Int(d.labels[r]), inputShape: inputShape,
                                            input: Array(f[(r * d.width)..<((r + 1) * d.width)]), shape: plan.output.dims,
                                            values: Array(UnsafeBufferPointer(start: y + r * width, count: width))))
            }
        }
        return out
    }
}
