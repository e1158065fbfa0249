// The speed work's fast paths against the loops they replace, bit for bit: 2×2 max-pooling, batch-norm's
// contiguous BatchNorm1d loops, and batch 1's update fused into the outer product chunk by chunk.

import Testing
import Vocabulary
@testable import Engine

/// ReLU-like values (a third exactly 0, so ties are common), plus NaN, −∞ and repeated maxima.
func poolingInput(_ count: Int, seed: UInt64) -> [Float] {
    var v = randomFloats(count, seed: seed).map { max($0, -0.3) < 0 ? 0 : $0 }
    for k in stride(from: 5, to: count, by: 97) { v[k] = .nan }
    for k in stride(from: 11, to: count, by: 61) { v[k] = -.infinity }
    for k in stride(from: 23, to: count - 1, by: 53) { v[k + 1] = v[k] }
    return v
}

@Test(arguments: [
    PoolGeometry(channels: 6, height: 28, width: 28, kernel: 2),
    PoolGeometry(channels: 16, height: 10, width: 10, kernel: 2),
    PoolGeometry(channels: 3, height: 7, width: 9, kernel: 2),     // odd sizes: the last row and column are dropped
    PoolGeometry(channels: 1, height: 2, width: 2, kernel: 2),
])
func maxPool2x2MatchesTheGeneralLoop(_ g: PoolGeometry) {
    let n = 3
    let x = poolingInput(n * g.inputSize, seed: UInt64(g.inputSize))
    var y = [Float](repeating: 7, count: n * g.outputSize), argmax = [Int32](repeating: -1, count: n * g.outputSize)
    var yFast = y, argmaxFast = argmax
    maxPoolForward(g, x, into: &y, argmax: &argmax, images: 0..<n)
    maxPool2x2Forward(g, x, into: &yFast, argmax: &argmaxFast, images: 0..<n)
    #expect(argmaxFast == argmax)
    #expect(yFast.map(\.bitPattern) == y.map(\.bitPattern))
    if y.count > 100 { #expect(y.contains { $0.isNaN } && y.contains(0)) }   // the special values reach the outputs
}

/// The whole network's outputs and gradients through the workspace, for one training step and one evaluation
/// pass, with batch-norm's contiguous loops on or off.
func batchNormRun(contiguous: Bool, rows: Int) throws -> (grads: [Float], train: [Float], eval: [Float], state: [Float]) {
    let width = 20, data = gaussianData(count: rows, width: width, classes: 5, seed: 31)
    let model = ModelConfig(layers: [.dense(units: 48, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5), .activation(.relu),
                                     .dropout(rate: 0.25), .dense(units: 40, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5),
                                     .activation(.tanh), .dense(units: 5, initScheme: nil)],
                            initScheme: .torchDefault, biasInit: .torchDefault, output: .softmax)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: width, classes: 5)
    var rng = SeededRandom(seed: 9)
    let ws = Workspace(shape: shape, parameters: initialParameters(shape, model: model, rng: &rng), capacity: rows, dropoutSeed: 4)
    for case let b as BatchNormLayer in ws.layers { b.contiguousLoops = contiguous }
    let last = shape.layers.count - 1
    return data.features.withUnsafeBufferPointer { f in
        data.labels.withUnsafeBufferPointer { l in
            ws.forward(f.baseAddress!, rows: rows, training: true)
            let train = Array(UnsafeBufferPointer(start: ws.output(last), count: rows * 5))
            _ = ws.loss(labels: l.baseAddress!, rows: rows, gradient: true)
            ws.backward(f.baseAddress!, rows: rows)
            ws.forward(f.baseAddress!, rows: rows, training: false)
            return (Array(ws.grads), train, Array(UnsafeBufferPointer(start: ws.output(last), count: rows * 5)), ws.stateArray)
        }
    }
}

/// 700 rows × 48 channels splits batch-norm into 2 channel parts; 30 rows runs it as one.
@Test(arguments: [700, 30])
func batchNormContiguousLoopsGiveTheSameBits(_ rows: Int) throws {
    let fast = try batchNormRun(contiguous: true, rows: rows), general = try batchNormRun(contiguous: false, rows: rows)
    #expect(fast.grads.map(\.bitPattern) == general.grads.map(\.bitPattern))
    #expect(fast.train.map(\.bitPattern) == general.train.map(\.bitPattern))
    #expect(fast.eval.map(\.bitPattern) == general.eval.map(\.bitPattern))
    #expect(fast.state.map(\.bitPattern) == general.state.map(\.bitPattern))
    #expect(fast.grads.contains { $0 != 0 })
}

/// Batch 1 with the update fused (applied 16 units at a time right after each chunk's outer product) against the
/// same steps with the update applied afterwards over the whole parameter buffer: the same bits, every step.
@Test(arguments: [OptimizerConfig.sgd(lr: 0.05, momentum: 0.9, nesterov: false),
                  .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8),
                  .rmsprop(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0.5, centered: true)])
func batchOneFusedUpdateGivesTheSameBits(_ config: OptimizerConfig) throws {
    let width = 30, steps = 5, data = gaussianData(count: steps, width: width, classes: 4, seed: 7)
    let model = ModelConfig(hidden: [40, 24], activation: .relu, initScheme: .torchDefault, biasInit: .torchDefault, output: .softmax)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: width, classes: 4)
    var rng = SeededRandom(seed: 2)
    let p = initialParameters(shape, model: model, rng: &rng)
    func run(fused: Bool) -> [Float] {
        let ws = Workspace(shape: shape, parameters: p, capacity: 1)
        var optimizer = Optimizer(config, parameterCount: shape.parameterCount, weightDecay: 0.01)
        var x = [Float](repeating: 0, count: width), y: [Int32] = [0]
        for r in 0..<steps {
            let step = optimizer.beginStep()
            x.withUnsafeMutableBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    _ = ws.trainStep(xb.baseAddress!, labels: yb.baseAddress!, rows: 1, gather: { _, _ in
                        for j in 0..<width { xb[j] = data.features[r * width + j] }
                        yb[0] = data.labels[r]
                    }, update: { _ in fused ? step : nil })
                }
            }
            if !fused { step.apply(ws.p, ws.g, 0..<shape.parameterCount) }
        }
        return ws.parameterArray
    }
    let fused = run(fused: true), separate = run(fused: false)
    #expect(fused.map(\.bitPattern) == separate.map(\.bitPattern))
    #expect(fused != p)
}

/// Batch 1 under plain SGD forms each ∂W row and applies it in one pass (`outerProductSGD`), storing ∂W only on
/// steps an iteration record reads. Against the same steps with the update applied afterwards over the whole
/// buffer: the same parameter bits every step, and on a kept step the same gradient bits. 37 inputs leave a
/// tail after the 8-lane loop.
@Test(arguments: [true, false])
func batchOnePlainSGDFusedGivesTheSameBits(_ keep: Bool) throws {
    let width = 37, steps = 6, data = gaussianData(count: steps, width: width, classes: 3, seed: 11)
    let model = ModelConfig(hidden: [20, 12], activation: .relu, initScheme: .torchDefault, biasInit: .torchDefault, output: .softmax)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: width, classes: 3)
    var rng = SeededRandom(seed: 5)
    let p = initialParameters(shape, model: model, rng: &rng)
    func run(fused: Bool) -> (params: [Float], grads: [[Float]]) {
        let ws = Workspace(shape: shape, parameters: p, capacity: 1)
        var optimizer = Optimizer(.sgd(lr: 0.1, momentum: 0, nesterov: false), parameterCount: shape.parameterCount, weightDecay: 0)
        var x = [Float](repeating: 0, count: width), y: [Int32] = [0], grads: [[Float]] = []
        for r in 0..<steps {
            var step = optimizer.beginStep()
            #expect(step.plainSGDRate == 0.1)
            step.keepsGradient = keep
            x.withUnsafeMutableBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    _ = ws.trainStep(xb.baseAddress!, labels: yb.baseAddress!, rows: 1, gather: { _, _ in
                        for j in 0..<width { xb[j] = data.features[r * width + j] }
                        yb[0] = data.labels[r]
                    }, update: { _ in fused ? step : nil })
                }
            }
            grads.append(Array(UnsafeBufferPointer(start: ws.g, count: shape.parameterCount)))
            if !fused { step.apply(ws.p, ws.g, 0..<shape.parameterCount) }
        }
        return (ws.parameterArray, grads)
    }
    let fused = run(fused: true), separate = run(fused: false)
    #expect(fused.params.map(\.bitPattern) == separate.params.map(\.bitPattern))
    #expect(fused.params != p)
    if keep { #expect(fused.grads.map { $0.map(\.bitPattern) } == separate.grads.map { $0.map(\.bitPattern) }) }
}

/// Only plain SGD without weight decay takes the fused kernel: momentum, decay and other optimisers do not.
@Test func plainSGDRateOnlyForPlainSGD() {
    func rate(_ c: OptimizerConfig, decay: Float = 0) -> Float? {
        var o = Optimizer(c, parameterCount: 4, weightDecay: decay)
        return o.beginStep().plainSGDRate
    }
    #expect(rate(.sgd(lr: 0.2, momentum: 0, nesterov: false)) == 0.2)
    #expect(rate(.sgd(lr: 0.2, momentum: 0, nesterov: false), decay: 0.01) == nil)
    #expect(rate(.sgd(lr: 0.2, momentum: 0.9, nesterov: false)) == nil)
    #expect(rate(.adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8)) == nil)
}
