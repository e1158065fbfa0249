// The naive Float64 reference network (plain loops, obviously correct) and the central-difference gradient check.
import Outcomes

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The same network as `Workspace`, in Double (or Float80) with plain loops and no BLAS, layer by layer. It
/// shares only the scalar formulas (Scalar.swift, Losses.swift) and the dropout mask function with the fast path,
/// and those are checked by central differences. A pure function of the parameters: batch-norm in training mode
/// uses the batch's statistics and leaves the running ones alone; dropout uses the masks of step `dropoutStep`.
struct ReferenceNetwork<T: EngineFloat> {
    let shape: NetworkShape
    var params: [T]
    var state: [T]
    var training: Bool
    var dropoutSeed: UInt64
    var dropoutStep: UInt64

    init(shape: NetworkShape, parameters: [Float], state: [Float]? = nil, training: Bool = true, dropoutSeed: UInt64 = 0, dropoutStep: UInt64 = 1) {
        self.shape = shape
        params = parameters.map { T($0) }
        self.state = (state ?? initialState(shape)).map { T($0) }
        self.training = training
        self.dropoutSeed = dropoutSeed
        self.dropoutStep = dropoutStep
    }

    func slope(_ k: Int) -> T { shape.layers[k].slopeOffset.map { params[$0] } ?? 0 }

    /// Layer k on its input: (z, a). Dense: z = x·Wᵀ + b, a = f(z) (output layer: output nonlinearity);
    /// activation: z = x, a = f(x); dropout: z = m/(1 − p), a = x·z; batch-norm: z = x̂, a = γ·x̂ + β.
    func layerForward(_ k: Int, input x: [T], rows: Int) -> (z: [T], a: [T]) {
        let layer = shape.layers[k]
        switch layer.kind {
        case .dense:
            let fout = layer.fanOut
            var z = [T](repeating: 0, count: rows * fout)
            for e in 0..<rows {
                for r in 0..<fout { z[e * fout + r] = unit(k, r, input: x, row: e) }
            }
            return (z, activate(k, z, rows: rows))
        case .activation:
            return (x, activate(k, x, rows: rows))
        case .dropout(let rate):
            guard training, rate > 0 else { return (x.map { _ in 1 }, x) }
            let key = dropoutKey(dropoutSeed, layer: layer.number, step: dropoutStep)
            let keep = 1 / (1 - T(rate))
            let m = x.indices.map { dropoutKeeps(key, index: $0, rate: rate) ? keep : 0 }
            return (m, zip(x, m).map { $0 * $1 })
        case .conv2d, .maxPool2d, .avgPool2d, .flatten, .globalAvgPool:
            let a = imageForward(k, input: x, rows: rows)
            return (a, a)
        case .batchNorm:
            let (mean, inv) = batchNormStatistics(k, x, rows: rows)
            let (c, plane) = layer.input.channelsAndPlane, w = layer.fanOut, g = layer.parameters.lowerBound
            var h = x, a = x
            for e in 0..<rows {
                for ch in 0..<c {
                    for s in 0..<plane {
                        let i = e * w + ch * plane + s
                        h[i] = (x[i] - mean[ch]) * inv[ch]
                        a[i] = params[g + ch] * h[i] + params[g + c + ch]
                    }
                }
            }
            return (h, a)
        }
    }

    /// Per channel μ and 1/√(σ² + ε): the batch's (biased σ²) in training, the running ones in evaluation.
    func batchNormStatistics(_ k: Int, _ x: [T], rows: Int) -> (mean: [T], inv: [T]) {
        let layer = shape.layers[k]
        guard case .batchNorm(_, let eps) = layer.kind else { return ([], []) }
        let (c, plane) = layer.input.channelsAndPlane, w = layer.fanOut, m = T(rows * plane)
        var mean = [T](repeating: 0, count: c), inv = mean
        for ch in 0..<c {
            if training {
                var s: T = 0
                for e in 0..<rows { for p in 0..<plane { s += x[e * w + ch * plane + p] } }
                let mu = s / m
                var v: T = 0
                for e in 0..<rows { for p in 0..<plane { let d = x[e * w + ch * plane + p] - mu; v += d * d } }
                mean[ch] = mu
                inv[ch] = 1 / T.sqrt(v / m + T(eps))
            } else {
                mean[ch] = state[layer.state.lowerBound + ch]
                inv[ch] = 1 / T.sqrt(state[layer.state.lowerBound + c + ch] + T(eps))
            }
        }
        return (mean, inv)
    }

    /// z of unit r of dense layer k for row e.
    func unit(_ k: Int, _ r: Int, input x: [T], row e: Int) -> T {
        let layer = shape.layers[k]
        let fin = layer.fanIn, w = layer.weightOffset + r * fin
        var s: T = 0
        for c in 0..<fin { s += x[e * fin + c] * params[w + c] }
        return s + params[layer.biasOffset + r]
    }

    /// The nonlinearity of layer k (a dense layer's fused activation or output nonlinearity, or an activation layer).
    func activate(_ k: Int, _ z: [T], rows: Int) -> [T] {
        let layer = shape.layers[k], fout = layer.fanOut
        if let a = layer.activation { return z.map { activationValue(a, $0, slope: slope(k)) } }
        switch shape.output {
        case .identity: return z
        case .sigmoid: return z.map { stableSigmoid($0) }
        case .softmax:
            var q = z
            z.withUnsafeBufferPointer { zp in
                q.withUnsafeMutableBufferPointer { qp in
                    for e in 0..<rows {
                        softmax(zp.baseAddress.unsafelyUnwrapped + e * fout, into: qp.baseAddress.unsafelyUnwrapped + e * fout, count: fout)
                    }
                }
            }
            return q
        }
    }

    /// Z and A of every layer.
    func forward(_ x: [T], rows: Int) -> (z: [[T]], a: [[T]]) {
        var zs: [[T]] = [], as_: [[T]] = []
        var input = x
        for k in shape.layers.indices {
            let (z, a) = layerForward(k, input: input, rows: rows)
            zs.append(z); as_.append(a)
            input = a
        }
        return (zs, as_)
    }

    /// Mean loss of the output layer's (z, q) over the rows.
    func meanLoss(z: [T], q: [T], labels: [Int], rows: Int) -> T {
        let u = shape.outputUnits
        var s: T = 0
        z.withUnsafeBufferPointer { zp in
            q.withUnsafeBufferPointer { qp in
                for e in 0..<rows {
                    s += exampleLoss(z: zp.baseAddress.unsafelyUnwrapped + e * u, q: qp.baseAddress.unsafelyUnwrapped + e * u,
                                     units: u, label: labels[e], loss: shape.loss).loss
                }
            }
        }
        return s / T(rows)
    }

    func loss(_ x: [T], labels: [Int], rows: Int) -> T {
        let (z, a) = forward(x, rows: rows)
        return meanLoss(z: z[z.count - 1], q: a[a.count - 1], labels: labels, rows: rows)
    }

    /// Analytic gradient of the mean loss with respect to every parameter (same layout as params).
    func gradient(_ x: [T], labels: [Int], rows: Int) -> (loss: T, gradient: [T]) {
        let (zs, as_) = forward(x, rows: rows)
        let n = shape.layers.count - 1, u = shape.outputUnits
        let loss = meanLoss(z: zs[n], q: as_[n], labels: labels, rows: rows)
        var grad = [T](repeating: 0, count: params.count)
        // ∂ℓ/∂z of the output layer, scaled by 1/rows for the mean
        var dz = [T](repeating: 0, count: rows * u)
        zs[n].withUnsafeBufferPointer { zp in
            as_[n].withUnsafeBufferPointer { qp in
                dz.withUnsafeMutableBufferPointer { dp in
                    for e in 0..<rows {
                        exampleGradient(z: zp.baseAddress.unsafelyUnwrapped + e * u, q: qp.baseAddress.unsafelyUnwrapped + e * u,
                                        units: u, label: labels[e], output: shape.output, loss: shape.loss,
                                        scale: 1 / T(rows), into: dp.baseAddress.unsafelyUnwrapped + e * u)
                    }
                }
            }
        }
        // dOut: ∂L/∂(output of layer k); for the output layer, ∂L/∂z directly.
        var dOut = dz
        for k in stride(from: n, through: 0, by: -1) {
            let x = k == 0 ? x : as_[k - 1]
            dOut = layerBackward(k, input: x, z: zs[k], dOut: dOut, rows: rows, isOutput: k == n, into: &grad)
        }
        return (loss, grad)
    }

    /// ∂L/∂input of layer k from ∂L/∂output, adding its parameters' gradients to `grad`.
    private func layerBackward(_ k: Int, input x: [T], z: [T], dOut: [T], rows: Int, isOutput: Bool, into grad: inout [T]) -> [T] {
        let layer = shape.layers[k]
        let fin = layer.fanIn, fout = layer.fanOut
        switch layer.kind {
        case .dense:
            var dz = dOut
            if !isOutput, let a = layer.activation {
                // ∂z = ∂a ⊙ f′(z);  ∂slope = Σ ∂a·z over z ≤ 0
                var dSlope: T = 0
                for e in 0..<rows {
                    for c in 0..<fout {
                        let zv = z[e * fout + c], s = dOut[e * fout + c]
                        if zv <= 0 { dSlope += s * zv }
                        dz[e * fout + c] = s * activationDerivative(a, zv, slope: slope(k))
                    }
                }
                if let so = layer.slopeOffset { grad[so] = dSlope }
            }
            let w = layer.weightOffset, b = layer.biasOffset
            for r in 0..<fout {
                for c in 0..<fin {
                    var s: T = 0
                    for e in 0..<rows { s += dz[e * fout + r] * x[e * fin + c] }    // ∂W[r][c] = Σ_e ∂z[e][r]·x[e][c]
                    grad[w + r * fin + c] = s
                }
                var s: T = 0
                for e in 0..<rows { s += dz[e * fout + r] }                        // ∂b[r] = Σ_e ∂z[e][r]
                grad[b + r] = s
            }
            // ∂x[e][c] = Σ_r ∂z[e][r]·W[r][c]
            var dx = [T](repeating: 0, count: rows * fin)
            guard k > 0 else { return dx }
            for e in 0..<rows {
                for c in 0..<fin {
                    var s: T = 0
                    for r in 0..<fout { s += dz[e * fout + r] * params[w + r * fin + c] }
                    dx[e * fin + c] = s
                }
            }
            return dx
        case .activation(let a):
            var dSlope: T = 0, dx = dOut
            for i in dx.indices {
                if x[i] <= 0 { dSlope += dOut[i] * x[i] }
                dx[i] = dOut[i] * activationDerivative(a, x[i], slope: slope(k))
            }
            if let so = layer.slopeOffset { grad[so] = dSlope }
            return dx
        case .dropout:
            return zip(dOut, z).map { $0 * $1 }
        case .conv2d, .maxPool2d, .avgPool2d, .flatten, .globalAvgPool:
            return imageBackward(k, input: x, dOut: dOut, rows: rows, into: &grad)
        case .batchNorm:
            let (_, inv) = batchNormStatistics(k, x, rows: rows)
            let (c, plane) = layer.input.channelsAndPlane, g = layer.parameters.lowerBound, m = T(rows * plane)
            var dx = dOut
            for ch in 0..<c {
                var sdy: T = 0, sdyx: T = 0
                for e in 0..<rows { for p in 0..<plane { let i = e * fout + ch * plane + p; sdy += dOut[i]; sdyx += dOut[i] * z[i] } }
                grad[g + ch] = sdyx
                grad[g + c + ch] = sdy
                let scale = params[g + ch] * inv[ch]
                for e in 0..<rows {
                    for p in 0..<plane {
                        let i = e * fout + ch * plane + p
                        dx[i] = training ? scale / m * (m * dOut[i] - sdy - z[i] * sdyx) : scale * dOut[i]
                    }
                }
            }
            return dx
        }
    }
}

/// Float64 analytic gradient against central differences (in Float80 where the platform has it) of the analytic gradient at the given (initial) parameters, per layer
/// with parameters, on the first ≤ 16 examples. Layers with more than 5,000 parameters are checked on a fixed-stride sample of 500,
/// conv layers on one of at most 64.
/// Rows name layers by their report number. Batch-norm runs in training mode (or on `state` in evaluation mode),
/// dropout with the first step's masks (or off).
/// `shouldStop` (the run's time limit) is asked before every parameter: a check of a wide network takes minutes,
/// and it ignored `--time-limit` (293 s under a 5 s limit). A stopped check returns the layers it finished.
func gradientCheck(shape: NetworkShape, parameters: [Float], data: Dataset, dropoutSeed: UInt64 = 0,
                   training: Bool = true, state: [Float]? = nil,
                   shouldStop: (@Sendable () -> Bool)? = nil) -> [GradientCheckRow] {
    let rows = min(16, data.count)
    let labels = data.labels[0..<rows].map { Int($0) }
    let analytic = ReferenceNetwork<Double>(shape: shape, parameters: parameters, state: state, training: training, dropoutSeed: dropoutSeed)
        .gradient(data.features[0..<(rows * data.width)].map(Double.init), labels: labels, rows: rows).gradient
    // The differences are taken in CheckFloat (Float80 on x86: 11 more bits than Double), so that the
    // rounding of the loss, ~ε·L/(2h), stays below 1e-7 of gradients as small as ~1e-6.
    let x = data.features[0..<(rows * data.width)].map { CheckFloat($0) }
    var net = ReferenceNetwork<CheckFloat>(shape: shape, parameters: parameters, state: state, training: training, dropoutSeed: dropoutSeed)
    let (zs, as_) = net.forward(x, rows: rows)
    var result: [GradientCheckRow] = []
    for (i, layer) in shape.layers.enumerated() where !layer.parameters.isEmpty {
        let range = layer.parameters
        // A conv layer's parameter is in every output pixel, so each difference reruns the whole image stack:
        // a fixed-stride sample of 64 of them (weights and biases alike) keeps LeNet's check to seconds.
        let sample = layer.isConv ? min(64, range.count) : range.count <= 5_000 ? range.count : 500
        let indices: [Int] = sample == range.count ? Array(range)
            : (0..<sample).map { range.lowerBound + $0 * range.count / sample }
        let input = i == 0 ? x : as_[i - 1]
        var worst = 0.0
        // Layer list: gradients that are zero in exact arithmetic (a dense bias right before batch-norm, which the
        // normalisation cancels) leave only rounding on both sides: differences are relative to the gradient, but
        // never to less than 1e-4 of the layer's largest one.
        // The shorthand keeps v1's floor, so its numbers are unchanged.
        let floor = shape.isLayerList ? max(1e-12, 1e-4 * (indices.map { abs(analytic[$0]) }.max() ?? 0)) : 1e-12
        for k in indices {
            if let shouldStop, shouldStop() { return result }
            let original = net.params[k]
            // h relative to the parameter's size, so the perturbation is not lost in rounding.
            let h: CheckFloat = 1e-6 * max(1, abs(original))
            net.params[k] = original + h
            let up = perturbedLoss(net, layer: i, parameter: k, input: input, cachedZ: zs[i], labels: labels, rows: rows)
            net.params[k] = original - h
            let down = perturbedLoss(net, layer: i, parameter: k, input: input, cachedZ: zs[i], labels: labels, rows: rows)
            net.params[k] = original
            let numeric = Double((up - down) / (2 * h))
            let a = analytic[k]
            worst = max(worst, abs(a - numeric) / max(abs(a) + abs(numeric), floor))
        }
        result.append(GradientCheckRow(layer: layer.number, parameters: range.count, maxRelativeDifference: worst))
    }
    return result
}

/// The loss after changing parameter k of layer i, recomputing only what it touches: one unit of a dense layer
/// for a weight or bias (all of the layer for a PReLU slope or batch-norm's γ, β), then every later layer.
private func perturbedLoss<T>(_ net: ReferenceNetwork<T>, layer i: Int, parameter k: Int, input: [T], cachedZ: [T],
                              labels: [Int], rows: Int) -> T {
    let layer = net.shape.layers[i]
    var z: [T], a: [T]
    if layer.isDense && layer.slopeOffset != k {
        let fin = layer.fanIn, fout = layer.fanOut
        z = cachedZ
        let r = k < layer.biasOffset ? (k - layer.weightOffset) / fin : k - layer.biasOffset
        for e in 0..<rows { z[e * fout + r] = net.unit(i, r, input: input, row: e) }
        a = net.activate(i, z, rows: rows)
    } else if layer.isDense {
        z = cachedZ
        a = net.activate(i, z, rows: rows)
    } else {
        (z, a) = net.layerForward(i, input: input, rows: rows)
    }
    for j in (i + 1)..<net.shape.layers.count {
        (z, a) = net.layerForward(j, input: a, rows: rows)
    }
    return net.meanLoss(z: z, q: a, labels: labels, rows: rows)
}

#if arch(x86_64) && !os(Windows)
typealias CheckFloat = Float80

extension Float80: EngineFloat {
    @inline(__always) static func exp(_ x: Float80) -> Float80 { expl(x) }
    @inline(__always) static func log(_ x: Float80) -> Float80 { logl(x) }
    @inline(__always) static func log1p(_ x: Float80) -> Float80 { log1pl(x) }
    @inline(__always) static func tanh(_ x: Float80) -> Float80 { tanhl(x) }
    @inline(__always) static func erf(_ x: Float80) -> Float80 { erfl(x) }
    @inline(__always) static func sqrt(_ x: Float80) -> Float80 { x.squareRoot() }
}
#else
typealias CheckFloat = Double
#endif
