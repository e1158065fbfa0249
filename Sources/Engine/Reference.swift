// The naive Float64 reference network (plain loops, obviously correct) and the central-difference gradient check.

/// The same network as `Workspace`, in Double with triple loops and no BLAS. It shares only the scalar
/// formulas (Scalar.swift, Losses.swift) with the fast path, and those are checked by central differences.
struct ReferenceNetwork {
    let shape: NetworkShape
    var params: [Double]

    init(shape: NetworkShape, parameters: [Float]) {
        self.shape = shape
        params = parameters.map(Double.init)
    }

    func slope(_ i: Int) -> Double { shape.slopeOffset[i].map { params[$0] } ?? 0 }

    /// One layer: z[e][r] = Σ_c x[e][c]·W[r][c] + b[r]; a = f(z) (output layer: output nonlinearity).
    func layerForward(_ i: Int, input x: [Double], rows: Int) -> (z: [Double], a: [Double]) {
        let fin = shape.fanIn(i), fout = shape.fanOut(i)
        var z = [Double](repeating: 0, count: rows * fout)
        for e in 0..<rows {
            for r in 0..<fout { z[e * fout + r] = unit(i, r, input: x, row: e) }
        }
        _ = fin
        return (z, activate(i, z, rows: rows))
    }

    /// z of unit r of layer i for row e.
    func unit(_ i: Int, _ r: Int, input x: [Double], row e: Int) -> Double {
        let fin = shape.fanIn(i), w = shape.weightOffset[i] + r * fin
        var s = 0.0
        for c in 0..<fin { s += x[e * fin + c] * params[w + c] }
        return s + params[shape.biasOffset[i] + r]
    }

    func activate(_ i: Int, _ z: [Double], rows: Int) -> [Double] {
        let fout = shape.fanOut(i)
        if shape.isHidden(i) { return z.map { activationValue(shape.activation, $0, slope: slope(i)) } }
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
    func forward(_ x: [Double], rows: Int) -> (z: [[Double]], a: [[Double]]) {
        var zs: [[Double]] = [], as_: [[Double]] = []
        var input = x
        for i in 0..<shape.layerCount {
            let (z, a) = layerForward(i, input: input, rows: rows)
            zs.append(z); as_.append(a)
            input = a
        }
        return (zs, as_)
    }

    /// Mean loss of the output layer's (z, q) over the rows.
    func meanLoss(z: [Double], q: [Double], labels: [Int], rows: Int) -> Double {
        let u = shape.outputUnits
        var s = 0.0
        z.withUnsafeBufferPointer { zp in
            q.withUnsafeBufferPointer { qp in
                for e in 0..<rows {
                    s += exampleLoss(z: zp.baseAddress.unsafelyUnwrapped + e * u, q: qp.baseAddress.unsafelyUnwrapped + e * u,
                                     units: u, label: labels[e], loss: shape.loss).loss
                }
            }
        }
        return s / Double(rows)
    }

    func loss(_ x: [Double], labels: [Int], rows: Int) -> Double {
        let (z, a) = forward(x, rows: rows)
        return meanLoss(z: z[z.count - 1], q: a[a.count - 1], labels: labels, rows: rows)
    }

    /// Analytic gradient of the mean loss with respect to every parameter (same layout as params).
    func gradient(_ x: [Double], labels: [Int], rows: Int) -> (loss: Double, gradient: [Double]) {
        let (zs, as_) = forward(x, rows: rows)
        let n = shape.layerCount - 1, u = shape.outputUnits
        let loss = meanLoss(z: zs[n], q: as_[n], labels: labels, rows: rows)
        var grad = [Double](repeating: 0, count: params.count)
        // ∂ℓ/∂z of the output layer, scaled by 1/rows for the mean
        var dz = [Double](repeating: 0, count: rows * u)
        zs[n].withUnsafeBufferPointer { zp in
            as_[n].withUnsafeBufferPointer { qp in
                dz.withUnsafeMutableBufferPointer { dp in
                    for e in 0..<rows {
                        exampleGradient(z: zp.baseAddress.unsafelyUnwrapped + e * u, q: qp.baseAddress.unsafelyUnwrapped + e * u,
                                        units: u, label: labels[e], output: shape.output, loss: shape.loss,
                                        scale: 1 / Double(rows), into: dp.baseAddress.unsafelyUnwrapped + e * u)
                    }
                }
            }
        }
        for i in stride(from: n, through: 0, by: -1) {
            let fin = shape.fanIn(i), fout = shape.fanOut(i)
            let x = i == 0 ? x : as_[i - 1]
            let w = shape.weightOffset[i], b = shape.biasOffset[i]
            for r in 0..<fout {
                for c in 0..<fin {
                    var s = 0.0
                    for e in 0..<rows { s += dz[e * fout + r] * x[e * fin + c] }    // ∂W[r][c] = Σ_e ∂z[e][r]·x[e][c]
                    grad[w + r * fin + c] = s
                }
                var s = 0.0
                for e in 0..<rows { s += dz[e * fout + r] }                        // ∂b[r] = Σ_e ∂z[e][r]
                grad[b + r] = s
            }
            guard i > 0 else { break }
            // ∂a[e][c] = Σ_r ∂z[e][r]·W[r][c];  ∂z_prev = ∂a ⊙ f′(z_prev);  ∂slope = Σ ∂a·z over z ≤ 0
            var dzPrev = [Double](repeating: 0, count: rows * fin)
            var dSlope = 0.0
            for e in 0..<rows {
                for c in 0..<fin {
                    var s = 0.0
                    for r in 0..<fout { s += dz[e * fout + r] * params[w + r * fin + c] }
                    let zv = zs[i - 1][e * fin + c]
                    if zv <= 0 { dSlope += s * zv }
                    dzPrev[e * fin + c] = s * activationDerivative(shape.activation, zv, slope: slope(i - 1))
                }
            }
            if let so = shape.slopeOffset[i - 1] { grad[so] = dSlope }
            dz = dzPrev
        }
        return (loss, grad)
    }
}

/// Float64 central-difference check of the analytic gradient at the given (initial) parameters, per layer,
/// on the first ≤ 16 examples. Layers with more than 5,000 parameters are checked on a fixed-stride sample of 500.
func gradientCheck(shape: NetworkShape, parameters: [Float], data: Dataset) -> [GradientCheckRow] {
    let rows = min(16, data.count)
    let x = data.features[0..<(rows * data.width)].map(Double.init)
    let labels = data.labels[0..<rows].map { Int($0) }
    var net = ReferenceNetwork(shape: shape, parameters: parameters)
    let analytic = net.gradient(x, labels: labels, rows: rows).gradient
    let (zs, as_) = net.forward(x, rows: rows)
    var result: [GradientCheckRow] = []
    for i in 0..<shape.layerCount {
        let range = shape.parameters(ofLayer: i)
        let indices: [Int] = range.count <= 5_000 ? Array(range)
            : (0..<500).map { range.lowerBound + $0 * range.count / 500 }
        let input = i == 0 ? x : as_[i - 1]
        var worst = 0.0
        for k in indices {
            let original = net.params[k]
            // h relative to the parameter's size, so the perturbation is not lost in rounding.
            let h = 1e-6 * max(1, abs(original))
            net.params[k] = original + h
            let up = perturbedLoss(net, layer: i, parameter: k, input: input, cachedZ: zs[i], labels: labels, rows: rows)
            net.params[k] = original - h
            let down = perturbedLoss(net, layer: i, parameter: k, input: input, cachedZ: zs[i], labels: labels, rows: rows)
            net.params[k] = original
            let numeric = (up - down) / (2 * h)
            let a = analytic[k]
            worst = max(worst, abs(a - numeric) / max(abs(a) + abs(numeric), 1e-12))
        }
        result.append(GradientCheckRow(layer: i, parameters: range.count, maxRelativeDifference: worst))
    }
    return result
}

/// The loss after changing parameter k of layer i, recomputing only what it touches: one unit of layer i
/// for a weight or bias (all of layer i's activations for a PReLU slope), then every later layer.
private func perturbedLoss(_ net: ReferenceNetwork, layer i: Int, parameter k: Int, input: [Double], cachedZ: [Double],
                           labels: [Int], rows: Int) -> Double {
    let shape = net.shape
    let fin = shape.fanIn(i), fout = shape.fanOut(i)
    var z = cachedZ
    if shape.slopeOffset[i] != k {
        let r = k < shape.biasOffset[i] ? (k - shape.weightOffset[i]) / fin : k - shape.biasOffset[i]
        for e in 0..<rows { z[e * fout + r] = net.unit(i, r, input: input, row: e) }
    }
    var a = net.activate(i, z, rows: rows)
    for j in (i + 1)..<shape.layerCount {
        (z, a) = net.layerForward(j, input: a, rows: rows)
    }
    return net.meanLoss(z: z, q: a, labels: labels, rows: rows)
}
