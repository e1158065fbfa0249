// The parallel fast path: row parts, unit parts and the batch-1 GEMV path against the Float64 reference,
// and the same bits with and without the helper thread.

import Testing
import Vocabulary
@testable import Engine

/// 64-96-80-10 on 200 rows splits into 2 row parts and 2 unit parts; batch 1 takes the GEMV/outer-product path.
@Test(arguments: [Activation.relu, .prelu(initialSlope: 0.25), .tanh])
func partitionedFastPathMatchesReference(_ a: Activation) throws {
    for rows in [200, 1] {
        let data = gaussianData(count: rows, width: 64, classes: 10, seed: 21)
        let model = ModelConfig(hidden: [96, 80], activation: a, initScheme: .he, output: .softmax)
        let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: 64, classes: 10)
        var rng = SeededRandom(seed: 4)
        let p = initialParameters(shape, model: model, rng: &rng)
        let ws = Workspace(shape: shape, parameters: p, capacity: rows)
        if rows == 200 { #expect(ws.rowParts(rows) == 2 && ws.unitParts(0, rows: rows) == 2) }
        let ref = ReferenceNetwork<Double>(shape: shape, parameters: p)
        let (refLoss, refGrad) = ref.gradient(data.features.map(Double.init), labels: data.labels.map { Int($0) }, rows: rows)
        let (sum, _) = data.features.withUnsafeBufferPointer { x in
            data.labels.withUnsafeBufferPointer { l in
                ws.forward(x.baseAddress!, rows: rows)
                let r = ws.loss(labels: l.baseAddress!, rows: rows, gradient: true)
                ws.backward(x.baseAddress!, rows: rows)
                return r
            }
        }
        #expect(isClose(sum / Double(rows), refLoss, relative: 1e-5), "\(a.name) rows \(rows) loss")
        for i in 0..<shape.layerCount {
            let range = shape.parameters(ofLayer: i)
            let scale = range.map { abs(refGrad[$0]) }.max() ?? 0
            let worst = range.map { abs(Double(ws.grads[$0]) - refGrad[$0]) }.max() ?? 0
            #expect(worst <= 1e-4 * scale + 1e-7, "\(a.name) rows \(rows) layer \(i): worst \(worst), scale \(scale)")
        }
    }
}

/// trainStep (gather, forward, loss, backward fused per row part) gives the bits of forward + loss + backward,
/// with the helper thread and without it.
@Test func trainStepMatchesSeparatePassesOnAnyThreadCount() throws {
    let rows = 256
    let data = gaussianData(count: rows, width: 100, classes: 10, seed: 5)
    let model = ModelConfig(hidden: [128, 64], activation: .prelu(initialSlope: 0.25), initScheme: .torchDefault, output: .softmax)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: 100, classes: 10)
    var rng = SeededRandom(seed: 8)
    let p = initialParameters(shape, model: model, rng: &rng)
    func run(fused: Bool, helpers: Bool) -> (Double, Int, [Float]) {
        WorkerPool.shared.helpersEnabled.store(helpers, ordering: .relaxed)
        defer { WorkerPool.shared.helpersEnabled.store(true, ordering: .relaxed) }
        let ws = Workspace(shape: shape, parameters: p, capacity: rows)
        var x = [Float](repeating: 0, count: rows * 100), y = [Int32](repeating: 0, count: rows)
        let r = data.features.withUnsafeBufferPointer { f in
            data.labels.withUnsafeBufferPointer { l in
                x.withUnsafeMutableBufferPointer { xb in
                    y.withUnsafeMutableBufferPointer { yb in
                        if fused {
                            return ws.trainStep(xb.baseAddress!, labels: yb.baseAddress!, rows: rows) { lo, hi in
                                for r in lo..<hi {
                                    for j in 0..<100 { xb[r * 100 + j] = f[r * 100 + j] }
                                    yb[r] = l[r]
                                }
                            }
                        }
                        ws.forward(f.baseAddress!, rows: rows)
                        let r = ws.loss(labels: l.baseAddress!, rows: rows, gradient: true)
                        ws.backward(f.baseAddress!, rows: rows)
                        return r
                    }
                }
            }
        }
        return (r.sum, r.correct, Array(ws.grads))
    }
    let base = run(fused: false, helpers: true)
    for (fused, helpers) in [(true, true), (true, false), (false, false)] {
        let other = run(fused: fused, helpers: helpers)
        #expect(other.0 == base.0 && other.1 == base.1 && other.2 == base.2, "fused \(fused) helpers \(helpers)")
    }
}

/// A whole run (training, snapshots, dead units, evaluation) gives the same result with and without the helper.
@Test func trainingRunIsIdenticalWithoutHelperThread() throws {
    let data = gaussianData(count: 600, width: 64, classes: 5, seed: 2)
    let j = job(hidden: [128, 96], optimizer: .sgd(lr: 0.05, momentum: 0.9, nesterov: false), epochs: 2, batch: 100)
    let two = try Trainer.run(j, data: DataSplits(train: data, validation: data))
    WorkerPool.shared.helpersEnabled.store(false, ordering: .relaxed)
    defer { WorkerPool.shared.helpersEnabled.store(true, ordering: .relaxed) }
    let one = try Trainer.run(j, data: DataSplits(train: data, validation: data))
    #expect(one == two)
}

/// Layers of different widths, so the row parts' ∂A rows would overlap if they shared a per-layer stride
/// (they run their layers without waiting for each other): repeated runs and the inline run agree.
@Test func unequalWidthsRunIdenticallyOnEveryRepeat() throws {
    let data = gaussianData(count: 1_024, width: 200, classes: 10, seed: 12)
    let j = job(hidden: [256, 128, 64], optimizer: .sgd(lr: 0.05, momentum: 0.9, nesterov: false), epochs: 2, batch: 256)
    let first = try Trainer.run(j, data: DataSplits(train: data))
    for _ in 0..<3 { #expect(try Trainer.run(j, data: DataSplits(train: data)) == first) }
    WorkerPool.shared.helpersEnabled.store(false, ordering: .relaxed)
    defer { WorkerPool.shared.helpersEnabled.store(true, ordering: .relaxed) }
    #expect(try Trainer.run(j, data: DataSplits(train: data)) == first)
}
