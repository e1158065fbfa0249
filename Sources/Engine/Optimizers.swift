// Optimisers (PyTorch's SGD, Adam, AdamW, RMSprop and Adagrad update formulas, weight decay as torch's) and
// gradient clipping, over the flat parameter buffer.
import Vocabulary

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Optimiser state for one run: one or two buffers the size of the parameters, allocated once.
/// The buffers are shared by copies of the value (there is one optimiser per run).
struct Optimizer {
    let config: OptimizerConfig
    /// The coupled L2 term (0: none).
    let weightDecay: Float
    /// The learning rate of the coming steps: the config's, or the schedule's for this epoch.
    var lr: Float
    private let state: OptimizerBuffers
    private(set) var step = 0

    init(_ config: OptimizerConfig, parameterCount: Int, weightDecay: Float = 0) {
        self.config = config
        self.weightDecay = weightDecay
        lr = config.learningRate
        switch config {
        case .sgd(_, let momentum, _): state = OptimizerBuffers(count: parameterCount, buffers: momentum != 0 ? 1 : 0)
        case .adam, .adamw: state = OptimizerBuffers(count: parameterCount, buffers: 2)
        case .rmsprop: state = OptimizerBuffers(count: parameterCount, buffers: 3)
        case .adagrad: state = OptimizerBuffers(count: parameterCount, buffers: 1)
        }
    }

    /// Starts the next update and returns what it needs to run over parameter ranges, possibly on several
    /// threads at once over disjoint ranges (Workspace.trainStep applies it right after each gradient part).
    mutating func beginStep() -> OptimizerStep {
        step += 1
        return OptimizerStep(config: config, lr: lr, weightDecay: weightDecay, isFirst: step == 1, t: Double(step),
                             first: state.first, second: state.second, third: state.third)
    }

    /// One update of p from g, in place. Every element's update reads only its own p, g and state, so
    /// buffers of ≥ 256 Ki parameters run as 2 halves on the worker pool (boundaries fixed by the size): same
    /// bits either way. Smaller ones (online-mlp: 89 k) take less time than a hand-over.
    mutating func update(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeMutableBufferPointer<Float>) {
        let s = beginStep()
        let n = p.count, parts = n >= 1 << 18 ? 2 : 1
        let pp = p.baseAddress.unsafelyUnwrapped, gp = g.baseAddress.unsafelyUnwrapped
        WorkerPool.shared.run(parts: parts) { q in
            s.apply(pp, gp, partBoundary(q, of: parts, extent: n)..<partBoundary(q + 1, of: parts, extent: n))
        }
    }
}

/// SGD momentum buffer v; Adam's m (first) and v (second); RMSprop's square average, momentum buffer and
/// gradient average; Adagrad's sum of squares. nil when the optimiser keeps none.
final class OptimizerBuffers {
    let first: UnsafeMutablePointer<Float>?
    let second: UnsafeMutablePointer<Float>?
    let third: UnsafeMutablePointer<Float>?

    init(count: Int, buffers: Int) {
        func make() -> UnsafeMutablePointer<Float> {
            let b = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            b.initialize(repeating: 0, count: max(count, 1))
            return b
        }
        first = buffers >= 1 ? make() : nil
        second = buffers >= 2 ? make() : nil
        third = buffers >= 3 ? make() : nil
    }

    deinit {
        first?.deallocate()
        second?.deallocate()
        third?.deallocate()
    }
}

/// One update's constants and state pointers; `apply` over disjoint ranges in any order gives the same bits.
struct OptimizerStep {
    let config: OptimizerConfig
    let lr: Float
    let weightDecay: Float
    let isFirst: Bool
    let t: Double
    let first: UnsafeMutablePointer<Float>?
    let second: UnsafeMutablePointer<Float>?
    let third: UnsafeMutablePointer<Float>?
    /// Whether the caller reads the step's gradient afterwards (an iteration record). When false, a kernel that
    /// fuses forming g with the update may leave the gradient buffer unwritten; the parameters get the same bits.
    var keepsGradient = true

    /// The learning rate when the update is plain SGD (no momentum, no weight decay), p ← p − lr·g, which a kernel
    /// can fuse with the loop that forms g; nil otherwise.
    var plainSGDRate: Float? {
        guard weightDecay == 0, case .sgd(_, let mu, _) = config, mu == 0 || first == nil else { return nil }
        return lr
    }

    @inline(__always) func apply(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>) {
        if weightDecay != 0 {
            // torch: g ← g + λ·p before the update (coupled L2), in chunks of a scratch buffer, so the gradient
            // buffer keeps the loss's own gradient for the iteration records.
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 512) { buffer in
                let d = buffer.baseAddress.unsafelyUnwrapped
                var lo = range.lowerBound
                while lo < range.upperBound {
                    let hi = min(lo + 512, range.upperBound)
                    for k in lo..<hi { d[k - lo] = g[k] + weightDecay * p[k] }
                    Optimizer.update(config, lr: lr, isFirst: isFirst, t: t, p + lo, UnsafePointer(d), first.map { $0 + lo },
                                     second.map { $0 + lo }, third.map { $0 + lo }, 0..<(hi - lo))
                    lo = hi
                }
            }
            return
        }
        Optimizer.update(config, lr: lr, isFirst: isFirst, t: t, p, g, first, second, third, range)
    }
}

extension Optimizer {
    fileprivate static func update(_ config: OptimizerConfig, lr: Float, isFirst: Bool, t: Double, _ p: UnsafeMutablePointer<Float>,
                                   _ g: UnsafePointer<Float>, _ first: UnsafeMutablePointer<Float>?,
                                   _ second: UnsafeMutablePointer<Float>?, _ third: UnsafeMutablePointer<Float>?, _ range: Range<Int>) {
        switch config {
        case .sgd(_, let mu, let nesterov):
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
        case .adam(_, let b1, let b2, let eps):
            adam(lr: lr, b1, b2, eps, t: t, keep: nil, p, g, first, second, range)
        case .adamw(_, let b1, let b2, let eps, let decay):
            // torch AdamW: p ← p·(1 − lr·λ), then Adam's step on the loss's gradient (one pass, the same roundings).
            adam(lr: lr, b1, b2, eps, t: t, keep: 1 - lr * decay, p, g, first, second, range)
        case .rmsprop(_, let alpha, let eps, let mu, let centered):
            // torch: v ← αv + (1−α)g²; centered: ḡ ← lerp(ḡ, g, 1−α), a = √(v − ḡ²) + ε, else a = √v + ε;
            // momentum: b ← μb + g/a, p ← p − lr·b; else p ← p − lr·g/a.
            guard let v = first, let b = second, let avg = third else { return }
            let w = 1 - alpha
            for k in range {
                let gk = g[k]
                v[k] = v[k] * alpha + w * gk * gk
                var a: Float
                if centered {
                    avg[k] = avg[k] + w * (gk - avg[k])
                    a = (v[k] - avg[k] * avg[k]).squareRoot() + eps
                } else {
                    a = v[k].squareRoot() + eps
                }
                if mu > 0 {
                    b[k] = mu * b[k] + gk / a
                    p[k] -= lr * b[k]
                } else {
                    p[k] -= lr * (gk / a)
                }
            }
        case .adagrad(_, let lrDecay, let eps):
            // torch: s ← s + g²; p ← p − clr·g/(√s + ε), clr = lr/(1 + (t − 1)·lrDecay)
            guard let sum = first else { return }
            let clr = Float(Double(lr) / (1 + (t - 1) * Double(lrDecay)))
            for k in range {
                let gk = g[k]
                sum[k] += gk * gk
                p[k] -= clr * (gk / (sum[k].squareRoot() + eps))
            }
        }
    }

    /// torch (single-tensor path): m ← lerp(m, g, 1−β1); v ← β2·v + (1−β2)·g²;
    /// p ← p − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)   ≡ p − lr·m̂/(√v̂ + ε)
    @inline(__always) private static func adam(lr: Float, _ b1: Float, _ b2: Float, _ eps: Float, t: Double, keep: Float?,
                                               _ p: UnsafeMutablePointer<Float>,
                                               _ g: UnsafePointer<Float>, _ first: UnsafeMutablePointer<Float>?,
                                               _ second: UnsafeMutablePointer<Float>?, _ range: Range<Int>) {
        guard let m = first, let v = second else { return }
        let stepSize = Float(Double(lr) / (1 - pow(Double(b1), t)))
        let bc2Sqrt = Float((1 - pow(Double(b2), t)).squareRoot())
        let w = 1 - b1, w2 = 1 - b2
        guard let keep else {
            for k in range {
                let gk = g[k]
                m[k] = m[k] + w * (gk - m[k])                 // torch lerp for weight < 0.5
                v[k] = v[k] * b2 + w2 * gk * gk
                p[k] -= stepSize * (m[k] / (v[k].squareRoot() / bc2Sqrt + eps))
            }
            return
        }
        for k in range {
            let gk = g[k]
            m[k] = m[k] + w * (gk - m[k])
            v[k] = v[k] * b2 + w2 * gk * gk
            p[k] = p[k] * keep - stepSize * (m[k] / (v[k].squareRoot() / bc2Sqrt + eps))
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
