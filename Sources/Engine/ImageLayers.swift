// The layer list's image layers, forward and backward side by side: conv2d, max-pool2d, avg-pool2d, flatten, global-avg-pool.

/// conv2d (nn.Conv2d, dilation 1) on NCHW rows: per image, im2col + sgemm (ConvBuffers). Row-local: a row part
/// reads and writes its own images only. ∂W and ∂b are added up per row part during backward, and the workspace
/// adds the parts up in part order afterwards (`reduceGradients`), so the bits never depend on the threads.
final class ConvLayer: FastLayer {
    let plan: PlannedLayer
    let geometry: ConvGeometry
    let buffers: ConvBuffers
    let out: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, geometry: ConvGeometry, capacity: Int, keptImages: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        self.geometry = geometry
        buffers = ConvBuffers(geometry: geometry, keptImages: min(keptImages, capacity))
        out = allocate(capacity * geometry.outputSize)
    }

    private var weights: Int { plan.parameters.lowerBound }
    private var bias: Int { plan.parameters.lowerBound + geometry.weightCount }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        guard s.count > 0 else { return }
        let g = geometry
        buffers.forward(part: s.part, x + s.lo * g.inputSize, weights: ws.p + weights, bias: ws.p + bias,
                        into: out + s.lo * g.outputSize, images: s.lo..<s.hi)
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        buffers.backward(part: s.part, x + s.lo * geometry.inputSize, dOut.part(from: s.lo), weights: ws.p + weights,
                         inputGradient: dIn?.part(from: s.lo), images: s.lo..<s.hi)
    }

    /// ∂W, ∂b into the workspace's gradients: the row parts' partials added in part order.
    func reduceGradients(_ ws: Workspace, rowParts: Int) {
        buffers.reduceGradients(parts: rowParts, weightGradient: ws.g + weights, biasGradient: ws.g + bias)
    }
}

/// max-pool2d and avg-pool2d (nn.MaxPool2d / nn.AvgPool2d, no padding), per image (Pooling.swift).
final class PoolLayer: FastLayer {
    let plan: PlannedLayer
    let geometry: PoolGeometry
    let isMax: Bool
    let out: UnsafeMutablePointer<Float>
    /// max-pool: the winning input index of each output (within its image), for backward.
    private let argmax: UnsafeMutablePointer<Int32>

    init(_ plan: PlannedLayer, geometry: PoolGeometry, isMax: Bool, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        self.geometry = geometry
        self.isMax = isMax
        out = allocate(capacity * geometry.outputSize)
        let n = isMax ? max(capacity * geometry.outputSize, 1) : 1
        argmax = .allocate(capacity: n)
        argmax.initialize(repeating: 0, count: n)
    }

    deinit { argmax.deallocate() }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let g = geometry, xin = x + s.lo * g.inputSize, y = out + s.lo * g.outputSize
        if isMax && g.kernel == 2 && g.stride == 2 {
            maxPool2x2Forward(g, xin, into: y, argmax: argmax + s.lo * g.outputSize, images: 0..<s.count)
        } else if isMax {
            maxPoolForward(g, xin, into: y, argmax: argmax + s.lo * g.outputSize, images: 0..<s.count)
        } else {
            avgPoolForward(g, xin, into: y, images: 0..<s.count)
        }
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        guard let dIn, s.count > 0 else { return }
        let g = geometry, dy = UnsafePointer(dOut.part(from: s.lo)), dx = dIn.part(from: s.lo)
        if isMax {
            maxPoolBackward(g, dy, argmax: argmax + s.lo * g.outputSize, into: dx, images: 0..<s.count)
        } else {
            avgPoolBackward(g, dy, into: dx, images: 0..<s.count)
        }
    }
}

/// global-avg-pool (nn.AdaptiveAvgPool2d(1) + flatten): [C, H, W] → [C], the mean of each channel's plane.
final class GlobalAvgPoolLayer: FastLayer {
    let plan: PlannedLayer
    let channels: Int, plane: Int
    let out: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        (channels, plane) = plan.input.channelsAndPlane
        out = allocate(capacity * channels)
    }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        globalAvgPoolForward(channels: channels, plane: plane, x + s.lo * plan.fanIn, into: out + s.lo * channels, images: 0..<s.count)
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        guard let dIn, s.count > 0 else { return }
        globalAvgPoolBackward(channels: channels, plane: plane, UnsafePointer(dOut.part(from: s.lo)), into: dIn.part(from: s.lo), images: 0..<s.count)
    }
}

/// flatten (nn.Flatten): [C, H, W] → [C·H·W]. NCHW rows are already flat, so forward and backward are copies
/// (the next layer reads this layer's buffer, and the gradient scratch alternates between two buffers).
final class FlattenLayer: FastLayer {
    let plan: PlannedLayer
    let out: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        out = allocate(capacity * plan.fanOut)
    }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let w = plan.fanOut
        (out + s.lo * w).update(from: x + s.lo * w, count: s.count * w)
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        guard let dIn, s.count > 0 else { return }
        dIn.part(from: s.lo).update(from: dOut.part(from: s.lo), count: s.count * plan.fanOut)
    }
}
