// Scalar math shared by the Float32 fast path and the Float64 reference: activations, losses, stable helpers.
import Vocabulary

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The two precisions the engine computes in: Float for training, Double for the reference and checks.
/// Written once, generic, so the fast path and the reference agree on every formula.
protocol EngineFloat: BinaryFloatingPoint, Sendable {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
}

extension Float: EngineFloat {
    @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) static func tanh(_ x: Float) -> Float { tanhFloat(x) }
    @inline(__always) static func erf(_ x: Float) -> Float { erff(x) }
    @inline(__always) static func sqrt(_ x: Float) -> Float { x.squareRoot() }
}

extension Double: EngineFloat {
    @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inline(__always) static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) static func erf(_ x: Double) -> Double { Glibc.erf(x) }
    @inline(__always) static func sqrt(_ x: Double) -> Double { x.squareRoot() }
}

/// tanh for Float without glibc's tanhf, whose expm1f took 40 % of a mish or tanh training step.
/// |x| < 0.5: the Taylor series to x¹⁵ (the next term is below 1e-8 relative there); beyond, 1 − 2/(e^{2|x|} + 1),
/// which has no cancellation because tanh ≥ 0.46 there, and is exactly ±1 once e^{2|x|} overflows. NaN stays NaN.
/// Within 2 ulp of the Float64 tanh (tested).
@inline(__always) func tanhFloat(_ x: Float) -> Float {
    let m = abs(x)
    if m < 0.5 {
        let x2 = x * x
        var p: Float = -929_569.0 / 638_512_875.0
        p = p * x2 + 21_844.0 / 6_081_075.0
        p = p * x2 - 1_382.0 / 155_925.0
        p = p * x2 + 62.0 / 2_835.0
        p = p * x2 - 17.0 / 315.0
        p = p * x2 + 2.0 / 15.0
        p = p * x2 - 1.0 / 3.0
        return x + x * x2 * p
    }
    let t = 1 - 2 / (expf(2 * m) + 1)
    return x < 0 ? -t : t
}

/// Mish's tanh(softplus(x)) with one exponential: with e = eˣ and n = e(e + 2), tanh(log(1 + e)) = n/(n + 2),
/// and 1 − tanh = 2/(n + 2) without cancellation. Beyond x = 20 the tanh is 1 in both precisions (and n would
/// overflow Float past 44). Returns (tanh(softplus x), 1 − tanh(softplus x), σ(x)).
@inline(__always) func mishParts<T: EngineFloat>(_ x: T) -> (t: T, oneMinusT: T, sigma: T) {
    if x > 20 { return (1, 0, 1) }
    let e = T.exp(x)
    let n = e * (e + 2)
    let d = 2 / (n + 2)
    return (n / (n + 2), d, e / (1 + e))
}

/// σ(x) = 1/(1+e^−x), evaluated so that e^x never overflows: for x < 0, σ(x) = e^x/(1+e^x).
/// One exponential of −|x| and a select rather than a branch (the sign of a pre-activation is a coin flip).
@inline(__always) func stableSigmoid<T: EngineFloat>(_ x: T) -> T {
    let e = T.exp(-abs(x))
    return (x >= 0 ? 1 : e) / (1 + e)
}

/// softplus(x) = log(1+e^x) = max(x,0) + log1p(e^−|x|), never overflowing.
@inline(__always) func stableSoftplus<T: EngineFloat>(_ x: T) -> T {
    max(x, 0) + T.log1p(T.exp(-abs(x)))
}

/// Hidden-layer activation f(z); `slope` is the PReLU slope (ignored by the others).
@inline(__always) func activationValue<T: EngineFloat>(_ a: Activation, _ z: T, slope: T) -> T {
    switch a {
    case .sigmoid: return stableSigmoid(z)
    case .tanh: return T.tanh(z)
    case .relu: return z > 0 ? z : 0
    case .leakyRelu(let s): return z > 0 ? z : T(s) * z
    case .prelu: return z > 0 ? z : slope * z
    case .elu(let alpha):
        let e = T.exp(min(z, 0))                              // always computed: a select, not a branch
        return z > 0 ? z : T(alpha) * (e - 1)
    case .gelu: return z * 0.5 * (1 + T.erf(z / T(2).squareRoot()))     // x·Φ(x)
    case .swish: return z * stableSigmoid(z)
    case .mish: return z * mishParts(z).t
    case .identity: return z
    case .selu:
        let e = T.exp(min(z, 0))
        return T(seluScale) * (z > 0 ? z : T(seluAlpha) * (e - 1))
    case .softplus: return z > 20 ? z : T.log1p(T.exp(z))        // torch: beta 1, threshold 20
    case .hardTanh: return min(max(z, -1), 1)
    }
}

/// SELU's constants (Klambauer et al. 2017, as torch.nn.SELU).
let seluAlpha = 1.6732632423543772848170429916717
let seluScale = 1.0507009873554804934193349852946

/// f′(z). At the kinks of relu-like functions the derivative is taken from the left (0, slope), as PyTorch does.
@inline(__always) func activationDerivative<T: EngineFloat>(_ a: Activation, _ z: T, slope: T) -> T {
    switch a {
    case .sigmoid:
        let s = stableSigmoid(z)
        return s * (1 - s)                                   // σ′ = σ(1−σ)
    case .tanh:
        let t = T.tanh(z)
        return 1 - t * t                                     // tanh′ = 1 − tanh²
    case .relu: return z > 0 ? 1 : 0
    case .leakyRelu(let s): return z > 0 ? 1 : T(s)
    case .prelu: return z > 0 ? 1 : slope
    case .elu(let alpha): return z > 0 ? 1 : T(alpha) * T.exp(z)
    case .gelu:
        // d/dx xΦ(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)
        let phi = T.exp(-z * z / 2) / T(2 * Double.pi).squareRoot()
        return 0.5 * (1 + T.erf(z / T(2).squareRoot())) + z * phi
    case .swish:
        let s = stableSigmoid(z)
        return s * (1 + z * (1 - s))                         // (xσ)′ = σ + xσ(1−σ)
    case .mish:
        // (x·tanh(sp(x)))′ = tanh(sp) + x·(1 − tanh²(sp))·σ(x), since sp′ = σ; 1 − t² = (1 − t)(1 + t)
        let (t, oneMinusT, sigma) = mishParts(z)
        return t + z * (oneMinusT * (1 + t)) * sigma
    case .identity: return 1
    case .selu: return z > 0 ? T(seluScale) : T(seluScale) * T(seluAlpha) * T.exp(z)
    case .softplus: return z > 20 ? 1 : stableSigmoid(z)                 // softplus′ = σ
    case .hardTanh: return z > -1 && z < 1 ? 1 : 0                    // torch: 0 at and beyond ±1
    }
}

/// Elementwise regression loss of the residual r = prediction − target, before averaging.
@inline(__always) func residualLoss<T: EngineFloat>(_ l: LossKind, _ r: T) -> T {
    switch l {
    case .mse, .bce, .crossEntropy: return r * r
    case .huber(let delta):
        // torch HuberLoss: ½r² for |r| < δ, δ(|r| − ½δ) beyond
        let d = T(delta)
        return abs(r) < d ? r * r / 2 : d * (abs(r) - d / 2)
    case .clippedMSE(let threshold):
        let t = T(threshold)
        return abs(r) <= t ? r * r : t * t                   // constant beyond t: zero gradient
    }
}

@inline(__always) func residualLossDerivative<T: EngineFloat>(_ l: LossKind, _ r: T) -> T {
    switch l {
    case .mse, .bce, .crossEntropy: return 2 * r
    case .huber(let delta):
        let d = T(delta)
        return abs(r) < d ? r : (r > 0 ? d : -d)
    case .clippedMSE(let threshold):
        return abs(r) <= T(threshold) ? 2 * r : 0
    }
}

/// The parameters an activation starts with: the PReLU slope, else 0 (unused).
func initialSlope(_ a: Activation) -> Float {
    if case .prelu(let s) = a { return s }
    return 0
}
