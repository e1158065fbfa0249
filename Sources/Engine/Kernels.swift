// The fused elementwise kernels of the fast path: bias + activation, output nonlinearity, activation backward, sums.
import Vocabulary

/// z += b; a = f(z), row by row. The switch sits outside the loops so each case is a tight loop; ReLU, the
/// workhorse, runs 8 lanes at a time with the scalar form's exact semantics (a = z > 0 ? z : 0).
func biasActivate(_ z: UnsafeMutablePointer<Float>, _ a: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                  bias: UnsafePointer<Float>, activation: Activation, slope: Float) {
    @inline(__always) func apply(_ f: (Float) -> Float) {
        for r in 0..<rows {
            let zr = z + r * width, ar = a + r * width
            for j in 0..<width {
                let v = zr[j] + bias[j]
                zr[j] = v
                ar[j] = f(v)
            }
        }
    }
    switch activation {
    case .relu:
        let zero = SIMD8<Float>(repeating: 0)
        for r in 0..<rows {
            let zr = z + r * width, ar = a + r * width
            var j = 0
            while j + 8 <= width {
                let v = load8(zr + j) + load8(bias + j)
                store8(v, zr + j)
                store8(zero.replacing(with: v, where: v .> zero), ar + j)
                j += 8
            }
            while j < width {
                let v = zr[j] + bias[j]
                zr[j] = v
                ar[j] = v > 0 ? v : 0
                j += 1
            }
        }
    // One loop per activation (the same formulas as activationValue, so the same bits), never a switch per element.
    case .identity: apply { $0 }
    case .leakyRelu(let s): apply { $0 > 0 ? $0 : s * $0 }
    case .prelu: apply { $0 > 0 ? $0 : slope * $0 }
    case .sigmoid: apply { stableSigmoid($0) }
    case .tanh: apply { Float.tanh($0) }
    case .elu(let alpha): apply { activationValue(.elu(alpha: alpha), $0, slope: 0) }
    case .gelu: apply { activationValue(.gelu, $0, slope: 0) }
    case .swish: apply { activationValue(.swish, $0, slope: 0) }
    case .mish: apply { activationValue(.mish, $0, slope: 0) }
    case .selu: apply { activationValue(.selu, $0, slope: 0) }
    case .softplus: apply { activationValue(.softplus, $0, slope: 0) }
    case .hardTanh: apply { activationValue(.hardTanh, $0, slope: 0) }
    }
}

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
@inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load8(UnsafePointer(p)) }
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// z += b; q = output nonlinearity (σ for one unit, softmax over the row, or identity).
func biasOutput(_ z: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                bias: UnsafePointer<Float>, output: OutputKind) {
    for r in 0..<rows {
        let zr = z + r * width, qr = q + r * width
        for j in 0..<width { zr[j] += bias[j] }
        switch output {
        case .identity: for j in 0..<width { qr[j] = zr[j] }
        case .sigmoid: for j in 0..<width { qr[j] = stableSigmoid(zr[j]) }
        case .softmax: softmax(zr, into: qr, count: width)
        }
    }
}

/// p_j = e^(z_j − max z) / Σ_k e^(z_k − max z): subtracting the max keeps every exponent ≤ 0.
@inline(__always) func softmax<T: EngineFloat>(_ z: UnsafePointer<T>, into p: UnsafeMutablePointer<T>, count: Int) {
    var m = z[0]
    for j in 1..<max(count, 1) { m = max(m, z[j]) }
    var s: T = 0
    for j in 0..<count { let e = T.exp(z[j] - m); p[j] = e; s += e }
    for j in 0..<count { p[j] /= s }
}

/// Turns ∂L/∂A (in dA) into ∂L/∂Z written to `out` (which may be z itself): ∂Z = ∂A ⊙ f′(Z). Returns ∂L/∂slope for PReLU
/// (Σ ∂A·z over z ≤ 0), else 0. Sigmoid, tanh, ELU and GELU take f′ (or part of it) from the forward pass's
/// A = f(Z) instead of recomputing an exponential or erf: σ′ = a(1 − a) and tanh′ = 1 − a² (the same bits as
/// recomputing), ELU′ = a + α below 0, GELU′ = a/z + z·φ(z).
func activationBackward(_ dA: UnsafePointer<Float>, z: UnsafePointer<Float>, a: UnsafePointer<Float>, rows: Int, width: Int,
                        activation: Activation, slope: Float, into out: UnsafeMutablePointer<Float>) -> Float {
    let n = rows * width
    switch activation {
    case .sigmoid: for k in 0..<n { out[k] = dA[k] * (a[k] * (1 - a[k])) }
    case .tanh: for k in 0..<n { out[k] = dA[k] * (1 - a[k] * a[k]) }
    case .elu(let alpha):
        // z ≤ 0: f′ = α·eᶻ = a + α, from A without the exponential
        for k in 0..<n { out[k] = z[k] > 0 ? dA[k] : dA[k] * (a[k] + alpha) }
    case .gelu:
        // f′ = Φ(z) + z·φ(z), with Φ(z) = a/z from A: no erf. Near 0 (where a/z would lose bits to underflow)
        // Φ(z) is ½ to Float precision.
        let invRoot2Pi = Float(1 / (2 * Double.pi).squareRoot())
        for k in 0..<n {
            let v = z[k]
            let cdf = abs(v) > 1e-30 ? a[k] / v : 0.5
            out[k] = dA[k] * (cdf + v * (Float.exp(-v * v / 2) * invRoot2Pi))
        }
    case .swish: for k in 0..<n { out[k] = dA[k] * activationDerivative(.swish, z[k], slope: 0) }
    case .mish: for k in 0..<n { out[k] = dA[k] * activationDerivative(.mish, z[k], slope: 0) }
    case .relu:
        let zero = SIMD8<Float>(repeating: 0)
        var k = 0
        while k + 8 <= n {
            store8(zero.replacing(with: load8(dA + k), where: load8(z + k) .> zero), out + k)
            k += 8
        }
        while k < n { out[k] = z[k] > 0 ? dA[k] : 0; k += 1 }
    case .identity: for k in 0..<n { out[k] = dA[k] }
    case .prelu:
        var ds: Float = 0
        for k in 0..<n {
            let v = z[k]
            if v > 0 { out[k] = dA[k] } else { ds += dA[k] * v; out[k] = slope * dA[k] }
        }
        return ds
    case .leakyRelu(let s): for k in 0..<n { out[k] = z[k] > 0 ? dA[k] : dA[k] * s }
    case .selu, .softplus, .hardTanh: for k in 0..<n { out[k] = dA[k] * activationDerivative(activation, z[k], slope: 0) }
    }
    return 0
}

/// out_j = Σ_r m[r][j] for j < width (rows `stride` apart), accumulated row by row in a fixed order (deterministic).
func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int, stride: Int, into out: UnsafeMutablePointer<Float>) {
    for j in 0..<width { out[j] = 0 }
    for r in 0..<rows {
        let mr = m + r * stride
        var j = 0
        while j + 8 <= width { store8(load8(out + j) + load8(mr + j), out + j); j += 8 }
        while j < width { out[j] += mr[j]; j += 1 }
    }
}

/// ∂W rows for one example: out[o][j] = dz[o]·x[j] (what sgemm with k = 1 computes: one rounding per product).
func outerProduct(_ dz: UnsafePointer<Float>, count: Int, _ x: UnsafePointer<Float>, width: Int, into out: UnsafeMutablePointer<Float>) {
    for o in 0..<count {
        let s = dz[o], row = out + o * width
        let sv = SIMD8<Float>(repeating: s)
        var j = 0
        while j + 8 <= width { store8(sv * load8(x + j), row + j); j += 8 }
        while j < width { row[j] = s * x[j]; j += 1 }
    }
}

/// Batch 1 with plain SGD (no momentum, no weight decay) on a step no iteration record reads: each weight row is
/// updated as p ← p − lr·(∂z_o·x) without storing ∂W. The same two expressions as `outerProduct` followed by the
/// separate update (`p[k] -= lr * g[k]`), so the same bits; the loop touches p and x alone, so a net whose weights
/// fit in L2 (online-mlp's 357 KB) no longer streams a gradient buffer of that size through L3 every step.
func outerProductSGD(_ dz: UnsafePointer<Float>, count: Int, _ x: UnsafePointer<Float>, width: Int,
                     parameters p: UnsafeMutablePointer<Float>, lr: Float) {
    let lv = SIMD8<Float>(repeating: lr)
    for o in 0..<count {
        let s = dz[o], w = p + o * width
        let sv = SIMD8<Float>(repeating: s)
        var j = 0
        while j + 8 <= width {
            store8(load8(w + j) - lv * (sv * load8(x + j)), w + j)
            j += 8
        }
        while j < width {
            w[j] -= lr * (s * x[j])
            j += 1
        }
    }
}

/// a = f(x) for an activation layer on its own (after batch-norm or dropout): the same formulas as biasActivate
/// without the bias, reading x and never writing it (x is the previous layer's output).
func activate(_ x: UnsafePointer<Float>, into a: UnsafeMutablePointer<Float>, count n: Int, activation: Activation, slope: Float) {
    switch activation {
    case .relu:
        let zero = SIMD8<Float>(repeating: 0)
        var k = 0
        while k + 8 <= n {
            let v = load8(x + k)
            store8(zero.replacing(with: v, where: v .> zero), a + k)
            k += 8
        }
        while k < n { a[k] = x[k] > 0 ? x[k] : 0; k += 1 }
    case .prelu: for k in 0..<n { a[k] = x[k] > 0 ? x[k] : slope * x[k] }
    default: for k in 0..<n { a[k] = activationValue(activation, x[k], slope: 0) }
    }
}
