// Central differences in Float64 through conv2d → tanh → pool → flatten → dense → softmax cross-entropy.

import Testing
@testable import Engine

/// A small conv-pool-dense network on 2 images of 2×6×6, its parameters in one flat array:
/// conv weights (3 filters of 2×3×3), conv bias, dense weights (4 classes × flattened width), dense bias.
struct ConvStack {
    enum PoolKind: String, CaseIterable, Sendable { case max, avg, global }
    let pool: PoolKind
    let conv = ConvGeometry(channels: 2, height: 6, width: 6, filters: 3, kernel: 3, stride: 1, padding: 1)
    var pooling: PoolGeometry { PoolGeometry(channels: 3, height: 6, width: 6, kernel: 2) }
    let images = 2, classes = 4
    let labels = [2, 1]
    var flat: Int { pool == .global ? conv.filters : pooling.outputSize }
    var parameterCount: Int { conv.weightCount + conv.filters + classes * flat + classes }

    func split(_ p: [Double]) -> (cw: [Double], cb: [Double], dw: [Double], db: [Double]) {
        var o = 0
        func take(_ n: Int) -> [Double] { defer { o += n }; return Array(p[o..<(o + n)]) }
        return (take(conv.weightCount), take(conv.filters), take(classes * flat), take(classes))
    }

    func poolForward(_ a: [Double]) -> (y: [Double], argmax: [Int32]) {
        var y = [Double](repeating: 0, count: images * flat), argmax = [Int32](repeating: 0, count: images * flat)
        switch pool {
        case .max: maxPoolForward(pooling, a, into: &y, argmax: &argmax, images: 0..<images)
        case .avg: avgPoolForward(pooling, a, into: &y, images: 0..<images)
        case .global: globalAvgPoolForward(channels: conv.filters, plane: conv.pixels, a, into: &y, images: 0..<images)
        }
        return (y, argmax)
    }

    func poolBackward(_ dy: [Double], argmax: [Int32]) -> [Double] {
        var dx = [Double](repeating: 0, count: images * conv.outputSize)
        switch pool {
        case .max: maxPoolBackward(pooling, dy, argmax: argmax, into: &dx, images: 0..<images)
        case .avg: avgPoolBackward(pooling, dy, into: &dx, images: 0..<images)
        case .global: globalAvgPoolBackward(channels: conv.filters, plane: conv.pixels, dy, into: &dx, images: 0..<images)
        }
        return dx
    }

    /// Mean cross-entropy, and (when asked) ∂L/∂parameters and ∂L/∂x by the engine's backward kernels.
    func loss(_ p: [Double], _ x: [Double]) -> (loss: Double, parameters: [Double], input: [Double]) {
        let (cw, cb, dw, db) = split(p)
        let y1 = conv2dReference(conv, x: x, weights: cw, bias: cb, images: images)
        let a1 = y1.map { Double.tanh($0) }
        let (h, argmax) = poolForward(a1)
        var loss = 0.0
        var dz = [Double](repeating: 0, count: images * classes)
        for n in 0..<images {
            var z = (0..<classes).map { k in db[k] + (0..<flat).reduce(0.0) { $0 + dw[k * flat + $1] * h[n * flat + $1] } }
            let m = z.max() ?? 0
            z = z.map { Double.exp($0 - m) }
            let s = z.reduce(0, +)
            loss -= Double.log(z[labels[n]] / s) / Double(images)
            for k in 0..<classes { dz[n * classes + k] = (z[k] / s - (k == labels[n] ? 1 : 0)) / Double(images) }
        }
        // dense: ∂W = ∂zᵀ·h, ∂b = Σ ∂z, ∂h = ∂z·W
        var gdw = [Double](repeating: 0, count: classes * flat), gdb = [Double](repeating: 0, count: classes)
        var dh = [Double](repeating: 0, count: images * flat)
        for n in 0..<images {
            for k in 0..<classes {
                let d = dz[n * classes + k]
                gdb[k] += d
                for j in 0..<flat {
                    gdw[k * flat + j] += d * h[n * flat + j]
                    dh[n * flat + j] += d * dw[k * flat + j]
                }
            }
        }
        let da1 = poolBackward(dh, argmax: argmax)
        let dy1 = zip(da1, a1).map { $0 * (1 - $1 * $1) }
        let back = conv2dReferenceBackward(conv, x: x, weights: cw, outputGradient: dy1, images: images)
        return (loss, back.weights + back.bias + gdw + gdb, back.input)
    }
}

@Test(arguments: ConvStack.PoolKind.allCases)
func convPoolDenseGradientsMatchCentralDifferences(_ kind: ConvStack.PoolKind) {
    let net = ConvStack(pool: kind)
    var rng = SeededRandom(seed: 3)
    let p = (0..<net.parameterCount).map { _ in rng.nextNormal() * 0.5 }
    let x = (0..<(net.images * net.conv.inputSize)).map { _ in rng.nextNormal() }
    let analytic = net.loss(p, x)
    var worst = 0.0
    for k in 0..<p.count {
        let numeric = centralDifference({ v in var q = p; q[k] = v; return net.loss(q, x).loss }, at: p[k])
        worst = max(worst, abs(numeric - analytic.parameters[k]))
        #expect(isClose(numeric, analytic.parameters[k], relative: 1e-5, absolute: 1e-8), "\(kind) parameter \(k)")
    }
    for k in stride(from: 0, to: x.count, by: 5) {
        let numeric = centralDifference({ v in var q = x; q[k] = v; return net.loss(p, q).loss }, at: x[k])
        #expect(isClose(numeric, analytic.input[k], relative: 1e-5, absolute: 1e-8), "\(kind) input \(k)")
    }
    #expect(worst > 0, "the check compared something")
}
