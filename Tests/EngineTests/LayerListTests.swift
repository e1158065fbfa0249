// The layer-list form: the shorthand spelled as layers gives the same numbers, shapes are checked, and the fast
// path with dropout and batch-norm (training and evaluation) matches the Float64 reference, which matches
// central differences.

import Testing
import Vocabulary
@testable import Engine

/// [dense, relu, dense, relu, dense] is the shorthand hidden [64, 48] relu: the same training numbers, bit for bit.
@Test func layerListSpellingOfTheShorthandTrainsIdentically() throws {
    let data = DataSplits(train: gaussianData(count: 200, width: 20, classes: 4, seed: 11),
                          validation: gaussianData(count: 50, width: 20, classes: 4, seed: 12))
    let short = job(hidden: [64, 48], activation: .relu, optimizer: .sgd(lr: 0.05, momentum: 0.9, nesterov: false), epochs: 3, batch: 32, seed: 3)
    var long = short
    long.model = ModelConfig(layers: [.dense(units: 64, initScheme: nil), .activation(.relu), .dense(units: 48, initScheme: nil),
                                      .activation(.relu), .dense(units: 4, initScheme: nil)], biasInit: .zeros, output: .softmax)
    let a = try Trainer.run(short, data: data), b = try Trainer.run(long, data: data)
    #expect(a.final == b.final && a.epochs == b.epochs)
    #expect(a.iterations.map(\.loss) == b.iterations.map(\.loss))
    #expect(b.layerKinds == ["dense", "relu", "dense", "relu", "dense"] && b.layerWidths == [64, 64, 48, 48, 4])
    #expect(b.gradientLayers == [0, 2, 4] && a.gradientLayers == nil)
    // Weights under the dense entries' numbers, the activations of the relu entries are the shorthand's.
    let trained = try #require(b.snapshots.last), old = try #require(a.snapshots.last)
    #expect(trained.layers.first { $0.layer == 2 }?.weights == old.layers[1].weights)
    #expect(trained.layers.first { $0.layer == 3 }?.activations == old.layers[1].activations)
    #expect(b.deadNeurons.map(\.layer) == [1, 3, 1, 3])
}

@Test func shapesAreInferredAndChecked() throws {
    func shape(_ layers: [LayerSpec], input: [Int]? = nil) throws -> NetworkShape {
        try NetworkShape(model: ModelConfig(layers: layers, input: input), loss: .crossEntropy, inputWidth: 12, classes: 3)
    }
    let s = try shape([.dense(units: 8, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5), .activation(.relu),
                       .dropout(rate: 0.5), .dense(units: 3, initScheme: nil)])
    #expect(s.layers.map(\.number) == [0, 1, 2, 3, 4])
    #expect(s.layers.map(\.output.count) == [8, 8, 8, 8, 3])
    #expect(s.parameterCount == 12 * 8 + 8 + 2 * 8 + 8 * 3 + 3 && s.stateCount == 16)
    let fused = try shape([.dense(units: 8, initScheme: .he), .activation(.tanh), .dense(units: 3, initScheme: nil)])
    #expect(fused.layers.count == 2 && fused.layers[0].fusedNumber == 1 && fused.layers[1].number == 2)
    #expect(fused.layers[0].initScheme == .he && fused.layers[1].initScheme == .torchDefault)
    #expect(throws: EngineError.self) { try shape([.dense(units: 8, initScheme: nil), .activation(.relu)]) }
    #expect(throws: EngineError.self) { try shape([.dense(units: 4, initScheme: nil)]) }
    #expect(throws: EngineError.self) { try shape([.dropout(rate: 1), .dense(units: 3, initScheme: nil)]) }
    #expect(throws: EngineError.self) { try shape([.dense(units: 3, initScheme: nil)], input: [2, 2, 2]) }
    // A [C, H, W] input reaching a dense layer must be flattened first.
    #expect(throws: EngineError.self) { try shape([.dense(units: 3, initScheme: nil)], input: [3, 2, 2]) }
    #expect(try shape([.batchNorm(momentum: 0.1, eps: 1e-5), .dropout(rate: 0.1)] + [.dense(units: 3, initScheme: nil)],
                      input: [12]).layers[0].state.count == 24)
}

let regularisedLayers: [LayerSpec] = [.dense(units: 7, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5), .activation(.relu),
                                      .dropout(rate: 0.3), .dense(units: 6, initScheme: nil), .activation(.tanh),
                                      .batchNorm(momentum: 0.2, eps: 1e-3), .activation(.prelu(initialSlope: 0.25)),
                                      .dense(units: 4, initScheme: nil)]

/// Float64 reference against central differences, in training mode (batch statistics, a dropout mask) and in
/// evaluation mode (running statistics moved off their initial values, dropout off).
@Test(arguments: [true, false])
func regularisedReferenceMatchesCentralDifferences(_ training: Bool) throws {
    let data = gaussianData(count: 12, width: 5, classes: 4, seed: 3)
    let model = ModelConfig(layers: regularisedLayers, initScheme: .normal(std: 0.6), biasInit: .torchDefault)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: 5, classes: 4)
    var rng = SeededRandom(seed: 9)
    let p = initialParameters(shape, model: model, rng: &rng)
    var state = initialState(shape)
    for k in state.indices { state[k] += 0.3 * Float(k % 5) }
    let rows = gradientCheck(shape: shape, parameters: p, data: data, dropoutSeed: 77, training: training, state: state)
    #expect(rows.map(\.layer) == [0, 1, 4, 6, 7, 8])
    for r in rows { #expect(r.maxRelativeDifference < 1e-6, "training \(training) layer \(r.layer): \(r.maxRelativeDifference)") }
}

/// The fast path with dropout and batch-norm against the reference (same masks, same mode), on 200 rows
/// (2 row parts) and 9 rows, in training and in evaluation; and the running statistics move as torch's do.
@Test(arguments: [200, 9])
func regularisedFastPathMatchesReference(_ rows: Int) throws {
    let data = gaussianData(count: rows, width: 200, classes: 4, seed: 5)
    var specs = regularisedLayers
    specs[0] = .dense(units: 64, initScheme: nil)
    let model = ModelConfig(layers: specs, initScheme: .he, biasInit: .torchDefault)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: 200, classes: 4)
    var rng = SeededRandom(seed: 4)
    let p = initialParameters(shape, model: model, rng: &rng)
    for training in [true, false] {
        let ws = Workspace(shape: shape, parameters: p, capacity: rows, dropoutSeed: 123)
        if rows == 200 { #expect(ws.rowParts(rows) == 2) }
        let before = ws.stateArray
        let (sum, _) = data.features.withUnsafeBufferPointer { x in
            data.labels.withUnsafeBufferPointer { l in
                ws.forward(x.baseAddress!, rows: rows, training: training)
                let r = ws.loss(labels: l.baseAddress!, rows: rows, gradient: true)
                ws.backward(x.baseAddress!, rows: rows)
                return r
            }
        }
        let ref = ReferenceNetwork<Double>(shape: shape, parameters: p, state: before, training: training,
                                           dropoutSeed: 123, dropoutStep: ws.trainingSteps)
        let (refLoss, refGrad) = ref.gradient(data.features.map(Double.init), labels: data.labels.map { Int($0) }, rows: rows)
        #expect(isClose(sum / Double(rows), refLoss, relative: 1e-5), "rows \(rows) training \(training) loss")
        for layer in shape.layers where !layer.parameters.isEmpty {
            let scale = layer.parameters.map { abs(refGrad[$0]) }.max() ?? 0
            let worst = layer.parameters.map { abs(Double(ws.grads[$0]) - refGrad[$0]) }.max() ?? 0
            #expect(worst <= 1e-4 * scale + 1e-7, "rows \(rows) training \(training) layer \(layer.number): \(worst) of \(scale)")
        }
        // Running statistics: (1 − m)·old + m·batch (unbiased variance) in training, untouched in evaluation.
        let bn = shape.layers[1], c = 64
        let (_, a) = ref.forward(data.features.map(Double.init), rows: rows)
        let z = a[0]
        for ch in [0, 17, 63] {
            let values = (0..<rows).map { z[$0 * c + ch] }
            let mean = values.reduce(0, +) / Double(rows)
            let unbiased = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows - 1)
            let m = ws.stateArray[bn.state.lowerBound + ch], v = ws.stateArray[bn.state.lowerBound + c + ch]
            if training {
                #expect(isClose(Double(m), 0.1 * mean, relative: 1e-4, absolute: 1e-6))
                #expect(isClose(Double(v), 0.9 + 0.1 * unbiased, relative: 1e-4))
            } else {
                #expect(m == before[bn.state.lowerBound + ch] && v == before[bn.state.lowerBound + c + ch])
            }
        }
    }
}

/// Dropout: about `rate` of the values are zeroed in training, the rest scaled by 1/(1 − rate); off in evaluation;
/// a new mask each step; the same mask whatever the row partition.
@Test func dropoutMasks() throws {
    let rows = 256, width = 300
    let model = ModelConfig(layers: [.dropout(rate: 0.2), .dense(units: 3, initScheme: nil)])
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: width, classes: 3)
    let x = [Float](repeating: 1, count: rows * width)
    func masks(helpers: Bool, training: Bool, steps: Int) -> [Float] {
        WorkerPool.shared.helpersEnabled.store(helpers, ordering: .relaxed)
        defer { WorkerPool.shared.helpersEnabled.store(true, ordering: .relaxed) }
        let ws = Workspace(shape: shape, parameters: [Float](repeating: 0, count: shape.parameterCount), capacity: rows, dropoutSeed: 5)
        x.withUnsafeBufferPointer { for _ in 0..<steps { ws.forward($0.baseAddress!, rows: rows, training: training) } }
        return Array(UnsafeBufferPointer(start: ws.output(0), count: rows * width))
    }
    let m = masks(helpers: true, training: true, steps: 1)
    let zeros = Double(m.filter { $0 == 0 }.count) / Double(m.count)
    #expect(abs(zeros - 0.2) < 0.005)
    #expect(m.allSatisfy { $0 == 0 || $0 == 1 / Float(0.8) })
    #expect(masks(helpers: false, training: true, steps: 1) == m)
    #expect(masks(helpers: true, training: true, steps: 2) != m)
    #expect(masks(helpers: true, training: false, steps: 1).allSatisfy { $0 == 1 })
}

/// A whole run with batch-norm and dropout: deterministic, the same with and without the helper thread, the
/// running statistics used for evaluation, and every per-layer report in layer-list numbers.
@Test func regularisedRunIsDeterministicAndReportsByEntry() throws {
    let data = DataSplits(train: gaussianData(count: 300, width: 30, classes: 3, seed: 8),
                          validation: gaussianData(count: 100, width: 30, classes: 3, seed: 9))
    var j = job(hidden: [], optimizer: .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8), epochs: 3, batch: 64, patience: 2,
                diagnostics: Diagnostics(gradientCheck: true))
    j.model = ModelConfig(layers: [.dense(units: 64, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5), .activation(.relu),
                                   .dropout(rate: 0.25), .dense(units: 3, initScheme: nil)])
    let a = try Trainer.run(j, data: data)
    WorkerPool.shared.helpersEnabled.store(false, ordering: .relaxed)
    let b = try Trainer.run(j, data: data)
    WorkerPool.shared.helpersEnabled.store(true, ordering: .relaxed)
    #expect(a == b)
    #expect(a.final.trainAccuracy > 0.6)
    #expect(a.gradientCheck?.map(\.layer) == [0, 1, 4])
    for r in a.gradientCheck ?? [] { #expect(r.maxRelativeDifference < 1e-6) }
    #expect(a.deadNeurons.map(\.layer) == [2, 2])
    #expect(a.snapshots[0].layers.map(\.layer) == [0, 1, 2, 3, 4])
    #expect(a.snapshots[0].layers.map { $0.weights.isEmpty } == [false, true, true, true, false])
    #expect(a.iterations[0].meanAbsGradient.count == 2 && a.gradientLayers == [0, 4])
}

@Test func batchNormRefusesSingleValueBatches() throws {
    var j = job(hidden: [], epochs: 1, batch: 1)
    j.model = ModelConfig(layers: [.dense(units: 4, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5), .dense(units: 2, initScheme: nil)])
    let data = DataSplits(train: gaussianData(count: 9, width: 3, classes: 2, seed: 1))
    #expect(throws: EngineError.self) { try Trainer.run(j, data: data) }
    j.train.batch = 4                       // 9 = 4 + 4 + 1: the last minibatch has one example
    #expect(throws: EngineError.self) { try Trainer.run(j, data: data) }
    j.train.dropLast = true
    _ = try Trainer.run(j, data: data)
}
