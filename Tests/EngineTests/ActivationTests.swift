// Activations and losses: derivatives against Float64 central differences, stability at extreme inputs.

import Testing
import Vocabulary
#if canImport(Glibc)
import Glibc
#endif
@testable import Engine

// Points away from the kinks of relu-like functions (a central difference across a kink is meaningless).
let probePoints: [Double] = [-6.2, -3.1, -1.7, -0.6, -0.05, 0.07, 0.4, 1.3, 2.5, 5.9]

@Test(arguments: allActivations)
func activationDerivativeMatchesCentralDifference(_ a: Activation) {
    for x in probePoints {
        let numeric = centralDifference({ Functions.activation(a, $0) }, at: x)
        let analytic = Functions.activationDerivative(a, x)
        #expect(isClose(analytic, numeric, relative: 1e-6, absolute: 1e-9), "\(a.name) at \(x): \(analytic) vs \(numeric)")
    }
}

@Test func activationValuesAtKnownPoints() {
    #expect(isClose(Functions.activation(.gelu, 1), 0.8413447460685429))         // Φ(1)
    #expect(isClose(Functions.activation(.swish, 1), 0.7310585786300049))        // σ(1)
    #expect(isClose(Functions.activation(.mish, 1), 0.8650983882673103))         // tanh(ln(1+e))
    #expect(isClose(Functions.activation(.elu(alpha: 1), -1), -0.6321205588285577))
    #expect(Functions.activation(.leakyRelu(slope: 0.01), -2) == -2 * Double(Float(0.01)))   // the slope is stored as Float
    #expect(Functions.activation(.prelu(initialSlope: 0.25), -2) == -0.5)
    #expect(Functions.activation(.relu, -1e-30) == 0)
}

@Test func sigmoidAndSoftplusAreStableForLargeInputs() {
    for x in [-1000.0, -100, 100, 1000] {
        let s = stableSigmoid(x), sp = stableSoftplus(x)
        #expect(s.isFinite && sp.isFinite)
        let sf = stableSigmoid(Float(x)), spf = stableSoftplus(Float(x))
        #expect(sf.isFinite && spf.isFinite)
    }
    #expect(stableSigmoid(-1000.0) == 0 && stableSigmoid(1000.0) == 1)
    #expect(stableSoftplus(1000.0) == 1000)
    #expect(Functions.activation(.mish, -1000).isFinite && Functions.activation(.swish, -1000) == -0)
}

@Test(arguments: [LossKind.mse, .huber(delta: 1), .huber(delta: 0.5), .clippedMSE(threshold: 1)])
func lossDerivativeMatchesCentralDifference(_ l: LossKind) {
    for r in [-2.3, -0.8, -0.3, 0.2, 0.6, 1.4, 3.0] {
        let numeric = centralDifference({ Functions.loss(l, residual: $0) }, at: r)
        #expect(isClose(Functions.lossDerivative(l, residual: r), numeric, relative: 1e-6, absolute: 1e-9), "\(l.name) at \(r)")
    }
}

@Test func lossShapes() {
    #expect(Functions.loss(.mse, residual: 3) == 9)
    #expect(Functions.loss(.huber(delta: 1), residual: 3) == 2.5)            // δ(|r| − δ/2)
    #expect(Functions.loss(.huber(delta: 1), residual: 0.5) == 0.125)        // r²/2
    #expect(Functions.loss(.clippedMSE(threshold: 1), residual: 3) == 1)     // clipped at t²
    #expect(Functions.lossDerivative(.clippedMSE(threshold: 1), residual: 3) == 0)
    #expect(isClose(Functions.loss(.bce, residual: -0.5), 0.6931471805599453)) // −log(0.5)
}

/// Every output/loss pairing: ∂ℓ/∂z from `exampleGradient` against central differences of `exampleLoss` in Float64.
@Test func outputLossGradientMatchesCentralDifference() {
    let pairs: [(OutputKind, LossKind, Int)] = [
        (.sigmoid, .bce, 1), (.sigmoid, .mse, 1), (.sigmoid, .huber(delta: 0.3), 1),
        (.softmax, .crossEntropy, 4), (.identity, .crossEntropy, 4), (.softmax, .mse, 4),
        (.softmax, .huber(delta: 0.1), 4), (.identity, .mse, 4), (.identity, .clippedMSE(threshold: 2), 4),
    ]
    let z0: [Double] = [0.3, -1.2, 2.1, 0.05]
    for (output, loss, units) in pairs {
        for label in 0..<(units == 1 ? 2 : units) {
            let shape = NetworkShape(widths: [1, units], activation: .identity, output: output, loss: loss, classes: max(units, 2))
            let net = ReferenceNetwork<Double>(shape: shape, parameters: [Float](repeating: 0, count: shape.parameterCount))
            func value(_ z: [Double]) -> Double {
                net.meanLoss(z: z, q: net.activate(0, z, rows: 1), labels: [label], rows: 1)
            }
            let z = Array(z0.prefix(units))
            let q = net.activate(0, z, rows: 1)
            var analytic = [Double](repeating: 0, count: units)
            z.withUnsafeBufferPointer { zp in
                q.withUnsafeBufferPointer { qp in
                    analytic.withUnsafeMutableBufferPointer { ap in
                        exampleGradient(z: zp.baseAddress!, q: qp.baseAddress!, units: units, label: label, output: output,
                                        loss: loss, scale: 1, into: ap.baseAddress!)
                    }
                }
            }
            for k in 0..<units {
                let numeric = centralDifference({ v in var zz = z; zz[k] = v; return value(zz) }, at: z[k])
                #expect(isClose(analytic[k], numeric, relative: 1e-6, absolute: 1e-10), "\(output) \(loss.name) label \(label) unit \(k)")
            }
        }
    }
}

/// The Float tanh (Taylor series below 0.5, exponential form beyond) against Float64's tanh, on a dense grid
/// around the branch point and far out: within 2 ulp of the correctly rounded value, odd, ±1 at the ends, NaN kept.
@Test func floatTanhIsWithinTwoUlp() {
    var xs: [Float] = [0, 1e-30, 1e-8, 1e-3, 0.4999999, 0.5, 0.5000001, 9, 9.1, 44, 45, 1e30, .infinity]
    for k in 0..<20_000 { xs.append(Float(k) * 0.0005) }           // 0 … 10
    for x in xs {
        for v in [x, -x] {
            let exact = Float(Glibc.tanh(Double(v)))
            let got = Float.tanh(v)
            #expect(abs(got - exact) <= 2 * exact.ulp, "tanh(\(v)) = \(got), expected \(exact)")
            #expect(got == -Float.tanh(-v))
        }
    }
    #expect(Float.tanh(.infinity) == 1 && Float.tanh(-.infinity) == -1 && Float.tanh(.nan).isNaN)
}

/// Mish through n/(n+2) against the textbook x·tanh(softplus x) in Float64, and its parts at the extremes.
@Test func mishWithOneExponentialMatchesTheTextbookForm() {
    for k in -400...400 {
        let x = Double(k) * 0.075                                     // −30 … 30
        let textbook = x * Glibc.tanh(stableSoftplus(x))
        #expect(isClose(activationValue(.mish, x, slope: 0), textbook, relative: 1e-14, absolute: 1e-300))
        let xf = Float(x), atXf = Double(xf) * Glibc.tanh(stableSoftplus(Double(xf)))
        #expect(isClose(Double(activationValue(.mish, xf, slope: 0)), atXf, relative: 4e-7, absolute: 1e-30), "mish(\(xf))")
    }
    #expect(mishParts(50.0) == (1, 0, 1))
    #expect(activationDerivative(.mish, 50.0, slope: 0) == 1)
    #expect(activationValue(.mish, Float(-200), slope: 0) == 0)
}
