// Shape rules of the image layers (conv2d, poolings, flatten, global-avg-pool), checked before anything runs.
import Vocabulary

/// Plans layer `number` of `layers:` on an input of shape `input`, its parameters from `offset` on, or says what
/// is wrong with the shapes there: the message names the layer and the sizes, and lists the shapes so far.
func planImageLayer(_ spec: LayerSpec, number k: Int, input: TensorShape, offset: Int, model: ModelConfig,
                    planned: [PlannedLayer]) throws -> PlannedLayer {
    func problem(_ message: String) -> LayerProblem {
        LayerProblem(layer: k, "\(spec.name): \(message); shapes: \(shapeTrail(planned, input: input, model: model))")
    }
    func image() throws -> (c: Int, h: Int, w: Int) {
        guard input.dims.count == 3 else {
            let hint = input.isFlat
                ? "; image data (fashion-mnist, mnist) is [1, 28, 28], and 'model.input' gives a flat source a shape"
                : ""
            throw problem("needs an image input [channels, height, width], but layer \(k) gets \(input)\(hint)")
        }
        return (input.dims[0], input.dims[1], input.dims[2])
    }
    func layer(_ kind: PlannedLayer.Kind, _ output: [Int], parameters: Int = 0, initScheme: InitScheme? = nil) -> PlannedLayer {
        PlannedLayer(kind: kind, number: k, input: input, output: TensorShape(output),
                     parameters: offset..<(offset + parameters), state: 0..<0, initScheme: initScheme ?? model.initScheme)
    }
    switch spec {
    case .conv2d(let channels, let kernel, let stride, let padding, let scheme):
        guard channels >= 1 else { throw problem("needs at least 1 output channel, got \(channels)") }
        guard kernel >= 1 else { throw problem("kernel must be at least 1, got \(kernel)") }
        guard stride >= 1 else { throw problem("stride must be at least 1, got \(stride)") }
        guard padding >= 0 else { throw problem("padding must be 0 or more, got \(padding)") }
        let (c, h, w) = try image()
        let ph = h + 2 * padding, pw = w + 2 * padding
        guard kernel <= ph, kernel <= pw else {
            let padded = padding > 0 ? " (\(ph)×\(pw) with padding \(padding))" : ""
            throw problem("kernel \(kernel) is larger than the \(h)×\(w) input\(padded) of layer \(k)")
        }
        let g = ConvGeometry(channels: c, height: h, width: w, filters: channels, kernel: kernel, stride: stride, padding: padding)
        return layer(.conv2d(g), [channels, g.outHeight, g.outWidth], parameters: g.weightCount + channels, initScheme: scheme)
    case .maxPool2d(let kernel, let stride, let drop), .avgPool2d(let kernel, let stride, let drop):
        guard kernel >= 1 else { throw problem("kernel must be at least 1, got \(kernel)") }
        guard stride >= 1 else { throw problem("stride must be at least 1, got \(stride)") }
        let (c, h, w) = try image()
        guard kernel <= h, kernel <= w else { throw problem("kernel \(kernel) is larger than the \(h)×\(w) input of layer \(k)") }
        let g = PoolGeometry(channels: c, height: h, width: w, kernel: kernel, stride: stride)
        guard g.tiles || drop else {
            let rows = (h - kernel) % stride, cols = (w - kernel) % stride
            throw problem("kernel \(kernel), stride \(stride) do not tile the \(h)×\(w) input of layer \(k): the windows end \(rows) row\(rows == 1 ? "" : "s") and \(cols) column\(cols == 1 ? "" : "s") short of the edge; write 'drop: true' to leave them out (as torch does), or change kernel or stride")
        }
        if case .maxPool2d = spec { return layer(.maxPool2d(g), [c, g.outHeight, g.outWidth]) }
        return layer(.avgPool2d(g), [c, g.outHeight, g.outWidth])
    case .flatten:
        return layer(.flatten, [input.count])
    case .globalAvgPool:
        let (c, _, _) = try image()
        return layer(.globalAvgPool, [c])
    default:
        preconditionFailure("not an image layer")
    }
}

/// "[1, 28, 28] → 0 conv2d [6, 28, 28] → 1 max-pool2d [6, 14, 14]": the input and every layer planned so far.
/// Layers are named by their `layers:` entry (a layer's `number`), in the author's words (`LayerSpec.name`).
/// `input` is the shape the failing layer gets: the network's input when no layer is planned yet (a flat source
/// has no `model.input`, so its shape is not there).
private func shapeTrail(_ planned: [PlannedLayer], input: TensorShape, model: ModelConfig) -> String {
    guard let first = planned.first else { return "input \(input)" }
    let specs = model.layers ?? []
    var parts = ["input \(first.input)"]
    for l in planned {
        parts.append("\(l.number) \(specs.indices.contains(l.number) ? specs[l.number].name : "layer") \(l.output)")
        if let f = l.fusedNumber, let a = l.activation { parts.append("\(f) \(a.name) \(l.output)") }
    }
    return parts.joined(separator: " → ")
}
