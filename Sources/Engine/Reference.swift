// The naive Float64 reference network (plain loops, obviously correct) and the central-difference gradient check.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The same network as `Workspace`, in Double (or Float80) with triple loops and no BLAS. It shares only the scalar
/// formulas (Scalar.swift, Losses.swift) with the fast path, and those are checked by central differences.
struct ReferenceNetwork<T: EngineFloat> {
    let shape: NetworkShape
    var params: [T]

    init(shape: NetworkShape, parameters: [Float]) {
        self.shape = shape
        params = parameters.map { T($0) }
    }

    func slope(_ i: Int) -> T { shape.slopeOffset[i].map { params[$0] } ?? 0 }

    /// One layer: z[e][r] = Σ_c x[e][c]·W[r][c] + b[r]; a = f(z) (output layer: output nonlinearity).
    func layerForward(_ i: Int, input x: [T], rows: Int) -> (z: [T], a: [T]) {
        let fin = shape.fanIn(i), fout = shape.fanOut(i)
        var z = [T](repeating: 0, count: rows * fout)
        for e in 0..<rows {
            for r in 0..<fout { z[e * fout + r] = unit(i, r, input: x, row: e) }
        }
        _ = fin
        return (z, activate(i, z, rows: rows))
    }

    /// z of unit r of layer i for row e.
    func unit(_ i: Int, _ r: Int, input x: [T], row e: Int) -> T {
        let fin = shape.fanIn(i), w = shape.weightOffset[i] + r * fin
        var s: T = 0
        for c in 0..<fin { s += x[e * fin + c] * params[w + c] }
        return s + params[shape.biasOffset[i] + r]
    }

    func activate(_ i: Int, _ z: [T], rows: Int) -> [T] {
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
    func forward(_ x: [T], rows: Int) -> (z: [[T]], a: [[T]]) {
        var zs: [[T]] = [], as_: [[T]] = []
        var input = x
        for i in 0..<shape.layerCount {
            let (z, a) = layerForward(i, input: input, rows: rows)
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
        let n = shape.layerCount - 1, u = shape.outputUnits
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
        for i in stride(from: n, through: 0, by: -1) {
            let fin = shape.fanIn(i), fout = shape.fanOut(i)
            let x = i == 0 ? x : as_[i - 1]
            let w = shape.weightOffset[i], b = shape.biasOffset[i]
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
            guard i > 0 else { break }
            // ∂a[e][c] = Σ_r ∂z[e][r]·W[r][c];  ∂z_prev = ∂a ⊙ f′(z_prev);  ∂slope = Σ ∂a·z over z ≤ 0
            var dzPrev = [T](repeating: 0, count: rows * fin)
            var dSlope: T = 0
            for e in 0..<rows {
                for c in 0..<fin {
                    var s: T = 0
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

/// Float64 analytic gradient against central differences (in Float80 where the platform has it) of the analytic gradient at the given (initial) parameters, per layer,
/// on the first ≤ 16 examples. Layers with more than 5,000 parameters are checked on a fixed-stride sample of 500.
/// `shouldStop` (the run's time limit) is asked before every parameter: a check of a wide network takes minutes,
/// and it ignored `--time-limit` (293 s under a 5 s limit). A stopped check returns the layers it finished.
func gradientCheck(shape: NetworkShape, parameters: [Float], data: Dataset,
                   shouldStop: (@Sendable () -> Bool)? = nil) -> [GradientCheckRow] {
    let rows = min(16, data.count)
    let labels = data.labels[0..<rows].map { Int($0) }
    let analytic = ReferenceNetwork<Double>(shape: shape, parameters: parameters)
        .gradient(data.features[0..<(rows * data.width)].map(Double.init), labels: labels, rows: rows).gradient
    // The differences are taken in CheckFloat (Float80 on x86: 11 more bits than Double), so that the
    // rounding of the loss, ~ε·L/(2h), stays below 1e-7 of gradients as small as ~1e-6.
    let x = data.features[0..<(rows * data.width)].map { CheckFloat($0) }
    var net = ReferenceNetwork<CheckFloat>(shape: shape, parameters: parameters)
    let (zs, as_) = net.forward(x, rows: rows)
    var result: [GradientCheckRow] = []
    for i in 0..<shape.layerCount {
        let range = shape.parameters(ofLayer: i)
        let indices: [Int] = range.count <= 5_000 ? Array(range)
            : (0..<500).map { range.lowerBound + $0 * range.count / 500 }
        let input = i == 0 ? x : as_[i - 1]
        var worst = 0.0
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
            worst = max(worst, abs(a - numeric) / max(abs(a) + abs(numeric), 1e-12))
        }
        result.append(GradientCheckRow(layer: i, parameters: range.count, maxRelativeDifference: worst))
    }
    return result
}

/// The loss after changing parameter k of layer i, recomputing only what it touches: one unit of layer i
/// for a weight or bias (all of layer i's activations for a PReLU slope), then every later layer.
private func perturbedLoss<T>(_ net: ReferenceNetwork<T>, layer i: Int, parameter k: Int, input: [T], cachedZ: [T],
                              labels: [Int], rows: Int) -> T {
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
