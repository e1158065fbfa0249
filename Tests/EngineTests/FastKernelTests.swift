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

/// `steps` batch-1 steps of a relu net on gaussian data, each update fused into the step or applied afterwards
/// over the whole parameter buffer; the final parameters and each step's gradient buffer.
func batchOneRun(width: Int, hidden: [Int], classes: Int, steps: Int, seed: UInt64, optimizer config: OptimizerConfig,
                 weightDecay: Float, fused: Bool, keepsGradient: Bool = true) throws -> (initial: [Float], params: [Float], grads: [[Float]]) {
    let data = gaussianData(count: steps, width: width, classes: classes, seed: seed)
    let model = ModelConfig(hidden: hidden, activation: .relu, initScheme: .torchDefault, biasInit: .torchDefault, output: .softmax)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: width, classes: classes)
    var rng = SeededRandom(seed: seed)
    let p = initialParameters(shape, model: model, rng: &rng)
    let ws = Workspace(shape: shape, parameters: p, capacity: 1)
    var optimizer = Optimizer(config, parameterCount: shape.parameterCount, weightDecay: weightDecay)
    var x = [Float](repeating: 0, count: width), y: [Int32] = [0], grads: [[Float]] = []
    for r in 0..<steps {
        var step = optimizer.beginStep()
        step.keepsGradient = keepsGradient
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
    return (p, ws.parameterArray, grads)
}

/// Batch 1 with the update fused (applied 16 units at a time right after each chunk's outer product) against the
/// same steps with the update applied afterwards over the whole parameter buffer: the same bits, every step.
@Test(arguments: [OptimizerConfig.sgd(lr: 0.05, momentum: 0.9, nesterov: false),
                  .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8),
                  .rmsprop(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0.5, centered: true)])
func batchOneFusedUpdateGivesTheSameBits(_ config: OptimizerConfig) throws {
    func run(fused: Bool) throws -> (initial: [Float], params: [Float], grads: [[Float]]) {
        try batchOneRun(width: 30, hidden: [40, 24], classes: 4, steps: 5, seed: 7, optimizer: config, weightDecay: 0.01, fused: fused)
    }
    let fused = try run(fused: true), separate = try run(fused: false)
    #expect(fused.params.map(\.bitPattern) == separate.params.map(\.bitPattern))
    #expect(fused.params != fused.initial)
}

/// Batch 1 under plain SGD applies each ∂W row as it is formed, without storing it (`outerProductSGD`), on steps
/// no iteration record reads; kept steps take the chunked path. Against the same steps with the update applied
/// afterwards over the whole buffer: the same parameter bits every step, and on kept steps the same gradient
/// bits. 37 inputs leave a tail after the 8-lane loop.
@Test(arguments: [true, false])
func batchOnePlainSGDFusedGivesTheSameBits(_ keep: Bool) throws {
    func run(fused: Bool) throws -> (initial: [Float], params: [Float], grads: [[Float]]) {
        try batchOneRun(width: 37, hidden: [20, 12], classes: 3, steps: 6, seed: 11, optimizer: .sgd(lr: 0.1, momentum: 0, nesterov: false),
                        weightDecay: 0, fused: fused, keepsGradient: keep)
    }
    let fused = try run(fused: true), separate = try run(fused: false)
    #expect(fused.params.map(\.bitPattern) == separate.params.map(\.bitPattern))
    #expect(fused.params != fused.initial)
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
