// SGD (plain, momentum, Nesterov), Adam and clipping against values computed by hand.

import Testing
import Vocabulary
@testable import Engine

/// Runs `steps` updates of one parameter p0 with the given gradients, returning p after each step.
func trajectory(_ config: OptimizerConfig, p0: Float, gradients: [Float]) -> [Float] {
    let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1), g = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)
    defer { p.deallocate(); g.deallocate() }
    p[0] = p0
    var opt = Optimizer(config, parameterCount: 1)
    return gradients.map { gk in
        g[0] = gk
        opt.update(p, g)
        return p[0]
    }
}

@Test func plainSGD() {
    // p ← p − lr·g: 1 − 0.1·0.5 = 0.95, then 0.95 − 0.1·(−1) = 1.05
    let t = trajectory(.sgd(lr: 0.1, momentum: 0, nesterov: false), p0: 1, gradients: [0.5, -1])
    #expect(isClose(Double(t[0]), 0.95) && isClose(Double(t[1]), 1.05))
}

@Test func momentumSGD() {
    // v1 = g1 = 0.5, p1 = 1 − 0.1·0.5 = 0.95; v2 = 0.9·0.5 + 0.2 = 0.65, p2 = 0.95 − 0.065 = 0.885;
    // v3 = 0.9·0.65 − 0.4 = 0.185, p3 = 0.885 − 0.0185 = 0.8665
    let t = trajectory(.sgd(lr: 0.1, momentum: 0.9, nesterov: false), p0: 1, gradients: [0.5, 0.2, -0.4])
    #expect(isClose(Double(t[0]), 0.95, relative: 1e-6))
    #expect(isClose(Double(t[1]), 0.885, relative: 1e-6))
    #expect(isClose(Double(t[2]), 0.8665, relative: 1e-6))
}

@Test func nesterovSGD() {
    // v1 = 0.5, p1 = 1 − 0.1·(0.5 + 0.9·0.5) = 0.905; v2 = 0.65, p2 = 0.905 − 0.1·(0.2 + 0.585) = 0.8265
    let t = trajectory(.sgd(lr: 0.1, momentum: 0.9, nesterov: true), p0: 1, gradients: [0.5, 0.2])
    #expect(isClose(Double(t[0]), 0.905, relative: 1e-6))
    #expect(isClose(Double(t[1]), 0.8265, relative: 1e-6))
}

@Test func adam() {
    // Step 1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 2.5e-4, m̂ = 0.5, v̂ = 0.25 → p = 1 − 0.01·0.5/(0.5 + 1e-8)
    // Step 2: m = 0.9·0.05 + 0.1·(−0.2) = 0.025, v = 0.999·2.5e-4 + 0.001·0.04 = 2.8975e-4,
    //   m̂ = 0.025/0.19 = 0.131578…, v̂ = 2.8975e-4/0.001999 = 0.144947…, p −= 0.01·m̂/(√v̂ + 1e-8)
    let t = trajectory(.adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8), p0: 1, gradients: [0.5, -0.2])
    let p1 = 1 - 0.01 * 0.5 / (0.5 + 1e-8)
    let mHat = 0.025 / 0.19, vHat = 2.8975e-4 / (1 - 0.999 * 0.999)
    let p2 = p1 - 0.01 * mHat / (vHat.squareRoot() + 1e-8)
    #expect(isClose(Double(t[0]), p1, relative: 1e-6))
    #expect(isClose(Double(t[1]), p2, relative: 1e-6))
}

@Test func clipping() {
    let g = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2)
    defer { g.deallocate() }
    g[0] = 3; g[1] = 4                                 // ‖g‖ = 5
    let total = clipGradients(g, .norm(1))
    #expect(total == 5)
    #expect(isClose(Double(g[0]), 0.6 * 5 / (5 + 1e-6), relative: 1e-6) && isClose(Double(g[1]), 0.8 * 5 / (5 + 1e-6), relative: 1e-6))
    g[0] = 3; g[1] = -0.5
    clipGradients(g, .value(1))
    #expect(g[0] == 1 && g[1] == -0.5)
    g[0] = 0.3; g[1] = 0.4                             // under the limit: unchanged up to the 1e-6 guard
    clipGradients(g, .norm(1))
    #expect(g[0] == 0.3 && g[1] == 0.4)
}
