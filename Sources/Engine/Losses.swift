// Losses on the output layer, per example, with their gradient ∂ℓ/∂z on the output layer's pre-activations.
import Vocabulary

/// Loss of one example and whether it is classified correctly.
/// z: output pre-activations (logits), q: output after its nonlinearity, `units` of each.
///  bce:            ℓ = softplus(z) − y·z = max(z,0) − y·z + log1p(e^−|z|)
///  cross-entropy:  ℓ = logsumexp(z) − z_y   (identity outputs are taken as logits too)
///  mse/huber/…:    ℓ = (1/units)·Σ_k ρ(q_k − t_k), t = one-hot target (one unit: t = y)
@inline(__always) func exampleLoss<T: EngineFloat>(z: UnsafePointer<T>, q: UnsafePointer<T>, units: Int, label: Int,
                                                  loss: LossKind) -> (loss: T, correct: Bool) {
    let correct: Bool
    if units == 1 {
        correct = (q[0] >= 0.5) == (label == 1)
    } else {
        var best = 0
        for k in 1..<units where z[k] > z[best] { best = k }
        correct = best == label
    }
    switch loss {
    case .bce:
        let v = z[0], y = T(label)
        return (max(v, 0) - y * v + T.log1p(T.exp(-abs(v))), correct)
    case .crossEntropy:
        return (logSumExp(z, units) - z[label], correct)
    default:
        var s: T = 0
        for k in 0..<units { s += residualLoss(loss, q[k] - target(k, label: label, units: units)) }
        return (s / T(units), correct)
    }
}

/// Writes scale·∂ℓ/∂z into dz (which may alias z):
///  bce: σ(z) − y;  cross-entropy: softmax(z) − onehot(y);
///  mse/huber/…: g_k = ρ′(q_k − t_k)/units, then through the output nonlinearity:
///   sigmoid g·q(1−q), softmax q_j(g_j − Σ_k g_k q_k), identity g.
@inline(__always) func exampleGradient<T: EngineFloat>(z: UnsafePointer<T>, q: UnsafePointer<T>, units: Int, label: Int,
                                                      output: OutputKind, loss: LossKind, scale: T,
                                                      into dz: UnsafeMutablePointer<T>) {
    switch loss {
    case .bce:
        dz[0] = scale * (stableSigmoid(z[0]) - T(label))
    case .crossEntropy:
        let lse = logSumExp(z, units)
        for k in 0..<units { dz[k] = scale * (T.exp(z[k] - lse) - (k == label ? 1 : 0)) }
    default:
        switch output {
        case .identity, .sigmoid:
            for k in 0..<units {
                let g = residualLossDerivative(loss, q[k] - target(k, label: label, units: units)) / T(units)
                dz[k] = scale * (output == .sigmoid ? g * q[k] * (1 - q[k]) : g)
            }
        case .softmax:
            var dot: T = 0
            for k in 0..<units { dot += residualLossDerivative(loss, q[k] - target(k, label: label, units: units)) / T(units) * q[k] }
            for k in 0..<units {
                let g = residualLossDerivative(loss, q[k] - target(k, label: label, units: units)) / T(units)
                dz[k] = scale * q[k] * (g - dot)
            }
        }
    }
}

@inline(__always) func target<T: EngineFloat>(_ k: Int, label: Int, units: Int) -> T {
    units == 1 ? T(label) : (k == label ? 1 : 0)
}

/// log Σ e^z_k = m + log Σ e^(z_k − m), m = max z.
@inline(__always) func logSumExp<T: EngineFloat>(_ z: UnsafePointer<T>, _ n: Int) -> T {
    var m = z[0]
    for k in 1..<max(n, 1) { m = max(m, z[k]) }
    var s: T = 0
    for k in 0..<n { s += T.exp(z[k] - m) }
    return m + T.log(s)
}

/// The batch loss over `rows` examples: returns the sum of per-example losses (in Double, summed in row
/// order) and the count correct; when gradientScale is given, z is overwritten by gradientScale·∂ℓ/∂z.
func outputLoss(z: UnsafeMutablePointer<Float>, q: UnsafeMutablePointer<Float>, rows: Int, units: Int,
                labels: UnsafePointer<Int32>, output: OutputKind, loss: LossKind, gradientScale: Float?) -> (sum: Double, correct: Int) {
    var sum = 0.0, correct = 0
    for r in 0..<rows {
        let zr = z + r * units, qr = q + r * units
        let label = Int(labels[r])
        let (l, c) = exampleLoss(z: zr, q: qr, units: units, label: label, loss: loss)
        sum += Double(l)
        if c { correct += 1 }
        if let scale = gradientScale {
            exampleGradient(z: zr, q: qr, units: units, label: label, output: output, loss: loss, scale: scale, into: zr)
        }
    }
    return (sum, correct)
}
