// Optimisers (PyTorch's SGD and Adam update formulas) and gradient clipping, over the flat parameter buffer.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Optimiser state for one run: one or two buffers the size of the parameters, allocated once.
struct Optimizer {
    let config: OptimizerConfig
    private var first: [Float]     // SGD momentum buffer v, or Adam's m
    private var second: [Float]    // Adam's v
    private(set) var step = 0

    init(_ config: OptimizerConfig, parameterCount: Int) {
        self.config = config
        switch config {
        case .sgd(_, let momentum, _):
            first = momentum != 0 ? [Float](repeating: 0, count: parameterCount) : []
            second = []
        case .adam:
            first = [Float](repeating: 0, count: parameterCount)
            second = [Float](repeating: 0, count: parameterCount)
        }
    }

    /// One update of p from g, in place. Every element's update reads only its own p, g and state, so
    /// buffers of ≥ 256 Ki parameters run as 2 halves on the worker pool (boundaries fixed by the size): same
    /// bits either way. Smaller ones (online-mlp: 89 k) take less time than a hand-over.
    mutating func update(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeMutableBufferPointer<Float>) {
        step += 1
        let n = p.count, parts = n >= 1 << 18 ? 2 : 1
        let config = self.config, isFirst = step == 1, t = Double(step)
        let pp = p.baseAddress.unsafelyUnwrapped, gp = g.baseAddress.unsafelyUnwrapped
        first.withUnsafeMutableBufferPointer { firstBuffer in
            second.withUnsafeMutableBufferPointer { secondBuffer in
                let m = firstBuffer.baseAddress, v = secondBuffer.baseAddress
                WorkerPool.shared.run(parts: parts) { q in
                    let lo = partBoundary(q, of: parts, extent: n), hi = partBoundary(q + 1, of: parts, extent: n)
                    Optimizer.update(config, isFirst: isFirst, t: t, pp, gp, m, v, lo..<hi)
                }
            }
        }
    }

    private static func update(_ config: OptimizerConfig, isFirst: Bool, t: Double, _ p: UnsafeMutablePointer<Float>,
                               _ g: UnsafeMutablePointer<Float>, _ first: UnsafeMutablePointer<Float>?,
                               _ second: UnsafeMutablePointer<Float>?, _ range: Range<Int>) {
        switch config {
        case .sgd(let lr, let mu, let nesterov):
            guard mu != 0, let v = first else {
                for k in range { p[k] -= lr * g[k] }                 // p ← p − lr·g
                return
            }
            for k in range {
                // torch: v ← g on the first step, then v ← μ·v + g
                let vk = isFirst ? g[k] : mu * v[k] + g[k]
                v[k] = vk
                // p ← p − lr·v, or with Nesterov p ← p − lr·(g + μ·v)
                p[k] -= lr * (nesterov ? g[k] + mu * vk : vk)
            }
        case .adam(let lr, let b1, let b2, let eps):
            // torch (single-tensor path): m ← lerp(m, g, 1−β1); v ← β2·v + (1−β2)·g²;
            // p ← p − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)   ≡ p − lr·m̂/(√v̂ + ε)
            guard let m = first, let v = second else { return }
            let stepSize = Float(Double(lr) / (1 - pow(Double(b1), t)))
            let bc2Sqrt = Float((1 - pow(Double(b2), t)).squareRoot())
            let w = 1 - b1, w2 = 1 - b2
            for k in range {
                let gk = g[k]
                m[k] = m[k] + w * (gk - m[k])                 // torch lerp for weight < 0.5
                v[k] = v[k] * b2 + w2 * gk * gk
                p[k] -= stepSize * (m[k] / (v[k].squareRoot() / bc2Sqrt + eps))
            }
        }
    }
}

/// torch.nn.utils.clip_grad_norm_: total = ‖g‖₂ over all parameters; g ← g·min(1, max/(total + 1e-6)).
/// clip by value: g ← clamp(g, −v, v). Returns the total norm before clipping (norm clipping) or nil.
@discardableResult
func clipGradients(_ g: UnsafeMutableBufferPointer<Float>, _ clip: GradientClip) -> Double? {
    switch clip {
    case .none: return nil
    case .value(let v):
        for k in 0..<g.count { g[k] = min(max(g[k], -v), v) }
        return nil
    case .norm(let maxNorm):
        var s = 0.0
        for k in 0..<g.count { s += Double(g[k]) * Double(g[k]) }
        let total = s.squareRoot()
        let coef = Float(min(Double(maxNorm) / (total + 1e-6), 1))
        for k in 0..<g.count { g[k] *= coef }
        return total
    }
}
