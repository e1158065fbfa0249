// Conv layers in the layer list: shapes inferred and checked, fast path against the Float64 reference (which
// matches central differences), a whole run deterministic whatever the threads, and per-layer reports by entry.

import Testing
import Vocabulary
@testable import Engine

/// A small LeNet on 1×10×10 images: conv 4@3×3 pad 1 – relu – max-pool 2 – conv 6@3×3 – relu – avg-pool 1 –
/// flatten – dense 12 – tanh – dense 3.
let smallLeNet: [LayerSpec] = [
    .conv2d(channels: 4, kernel: 3, stride: 1, padding: 1, initScheme: nil), .activation(.relu),
    .maxPool2d(kernel: 2, stride: 2, drop: false),
    .conv2d(channels: 6, kernel: 3, stride: 1, padding: 0, initScheme: nil), .activation(.relu),
    .avgPool2d(kernel: 1, stride: 1, drop: false), .flatten,
    .dense(units: 12, initScheme: nil), .activation(.tanh), .dense(units: 3, initScheme: nil),
]

/// Images whose class is where the bright blob sits (left, middle, right), with noise: learnable by a conv net.
func blobImages(count: Int, seed: UInt64) -> Dataset {
    var rng = SeededRandom(seed: seed)
    var f: [Float] = [], l: [Int32] = []
    for n in 0..<count {
        let c = n % 3, cx = 2 + 3 * c
        for y in 0..<10 {
            for x in 0..<10 {
                let d = Float((x - cx) * (x - cx) + (y - 5) * (y - 5))
                f.append(Float.exp(-d / 4) + 0.3 * Float(rng.nextNormal()))
            }
        }
        l.append(Int32(c))
    }
    return Dataset(features: f, count: count, width: 100, labels: l, classes: 3)
}

func shape(_ layers: [LayerSpec], input: [Int]?, width: Int, classes: Int = 3) throws -> NetworkShape {
    try NetworkShape(model: ModelConfig(layers: layers, input: input), loss: .crossEntropy, inputWidth: width, classes: classes)
}

@Test func convShapesAreInferred() throws {
    let s = try shape(smallLeNet, input: [1, 10, 10], width: 100)
    #expect(s.layers.map(\.output.dims) == [[4, 10, 10], [4, 10, 10], [4, 5, 5], [6, 3, 3], [6, 3, 3], [6, 3, 3], [54], [12], [3]])
    #expect(s.layers.map(\.number) == [0, 1, 2, 3, 4, 5, 6, 7, 9])
    // conv 4·(1·9) + 4, conv 6·(4·9) + 6, dense 54·12 + 12, dense 12·3 + 3
    #expect(s.parameterCount == 40 + 222 + 660 + 39)
    #expect(s.weighted.map { s.layers[$0].number } == [0, 3, 7, 9])
    // LeNet-5 as in the bench: 61,706 parameters, as torch counts them
    let lenet = try shape(Workloads.lenetLayers, input: [1, 28, 28], width: 784, classes: 10)
    #expect(lenet.parameterCount == 61_706)
    #expect(lenet.layers.last?.input.dims == [84])
    let gap = try shape([.conv2d(channels: 5, kernel: 3, stride: 2, padding: 1, initScheme: nil), .globalAvgPool, .dense(units: 3, initScheme: nil)],
                        input: [2, 7, 8], width: 112)
    #expect(gap.layers.map(\.output.dims) == [[5, 4, 4], [5], [3]])
}

/// Each bad shape is an error naming the layer, with the sizes and the shapes so far.
@Test func convShapeProblemsNameTheLayer() throws {
    func problem(_ layers: [LayerSpec], input: [Int]?, width: Int) -> (Int?, String)? {
        LayerCheck.problem(model: ModelConfig(layers: layers, input: input), inputWidth: width, classes: 3).map { ($0.layer, $0.message) }
    }
    let dense: LayerSpec = .dense(units: 3, initScheme: nil)
    let big = problem([.conv2d(channels: 2, kernel: 3, stride: 1, padding: 0, initScheme: nil), .activation(.relu),
                       .maxPool2d(kernel: 2, stride: 2, drop: false), .flatten, .dense(units: 5, initScheme: nil), dense],
                      input: [1, 6, 6], width: 36)
    #expect(big == nil)
    let tooLarge = try #require(problem([.conv2d(channels: 2, kernel: 3, stride: 1, padding: 0, initScheme: nil),
                                         .maxPool2d(kernel: 1, stride: 1, drop: false),
                                         .conv2d(channels: 2, kernel: 7, stride: 1, padding: 0, initScheme: nil), .flatten, dense],
                                        input: [1, 6, 6], width: 36))
    #expect(tooLarge.0 == 2)
    #expect(tooLarge.1.hasPrefix("conv2d: kernel 7 is larger than the 4×4 input of layer 2"))
    #expect(tooLarge.1.contains("input [1, 6, 6] → 0 conv2d [2, 4, 4] → 1 max-pool2d [2, 4, 4]"))
    let padded = try #require(problem([.conv2d(channels: 2, kernel: 9, stride: 1, padding: 1, initScheme: nil), .flatten, dense], input: [1, 6, 6], width: 36))
    #expect(padded.1.hasPrefix("conv2d: kernel 9 is larger than the 6×6 input (8×8 with padding 1) of layer 0"))
    let flat = try #require(problem([.conv2d(channels: 2, kernel: 3, stride: 1, padding: 0, initScheme: nil), .flatten, dense], input: nil, width: 2))
    #expect(flat.0 == 0 && flat.1.contains("needs an image input [channels, height, width], but layer 0 gets [2]"))
    let untiled = try #require(problem([.maxPool2d(kernel: 2, stride: 2, drop: false), .flatten, dense], input: [1, 5, 6], width: 30))
    #expect(untiled.1.contains("kernel 2, stride 2 do not tile the 5×6 input of layer 0") && untiled.1.contains("drop: true"))
    #expect(problem([.maxPool2d(kernel: 2, stride: 2, drop: true), .flatten, dense], input: [1, 5, 6], width: 30) == nil)
    let pool = try #require(problem([.avgPool2d(kernel: 3, stride: 1, drop: false), .flatten, dense], input: [1, 2, 2], width: 4))
    #expect(pool.1.hasPrefix("avg-pool2d: kernel 3 is larger than the 2×2 input of layer 0"))
    let zero = try #require(problem([.conv2d(channels: 2, kernel: 0, stride: 1, padding: 0, initScheme: nil), .flatten, dense], input: [1, 4, 4], width: 16))
    #expect(zero.1.hasPrefix("conv2d: kernel must be at least 1"))
    let unflattened = try #require(problem([.conv2d(channels: 2, kernel: 3, stride: 1, padding: 0, initScheme: nil), dense], input: [1, 4, 4], width: 16))
    #expect(unflattened.0 == 1 && unflattened.1.contains("add 'flatten'"))
}

/// The fast path (im2col + sgemm, pools, flatten) against the Float64 reference on 340 rows (2 row parts; patches
/// kept for the first 100, lowered again beyond)
/// and of 5, and the reference against central differences.
@Test(arguments: [340, 5])
func convFastPathMatchesReference(_ rows: Int) throws {
    let data = blobImages(count: rows, seed: 2)
    let model = ModelConfig(layers: smallLeNet, input: [1, 10, 10], initScheme: .he, biasInit: .torchDefault)
    let s = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: 100, classes: 3)
    var rng = SeededRandom(seed: 6)
    let p = initialParameters(s, model: model, rng: &rng)
    let ws = Workspace(shape: s, parameters: p, capacity: rows, minibatch: rows > 5 ? 100 : nil)
    if rows > 5 { #expect(ws.rowParts(rows) == 2) }
    let (sum, _) = data.features.withUnsafeBufferPointer { x in
        data.labels.withUnsafeBufferPointer { l in
            ws.forward(x.baseAddress!, rows: rows, training: true)
            let r = ws.loss(labels: l.baseAddress!, rows: rows, gradient: true)
            ws.backward(x.baseAddress!, rows: rows)
            return r
        }
    }
    let ref = ReferenceNetwork<Double>(shape: s, parameters: p)
    let (refLoss, refGrad) = ref.gradient(data.features.map(Double.init), labels: data.labels.map { Int($0) }, rows: rows)
    #expect(isClose(sum / Double(rows), refLoss, relative: 1e-5))
    for layer in s.layers where !layer.parameters.isEmpty {
        let scale = layer.parameters.map { abs(refGrad[$0]) }.max() ?? 0
        let worst = layer.parameters.map { abs(Double(ws.grads[$0]) - refGrad[$0]) }.max() ?? 0
        #expect(scale > 0 && worst <= 1e-4 * scale + 1e-7, "rows \(rows) layer \(layer.number): \(worst) of \(scale)")
    }
    if rows == 5 {
        let check = gradientCheck(shape: s, parameters: p, data: data)
        #expect(check.map(\.layer) == [0, 3, 7, 9])
        for r in check { #expect(r.maxRelativeDifference < 1e-6, "layer \(r.layer): \(r.maxRelativeDifference)") }
    }
}

/// A whole run: it learns, is the same with and without the helper thread, and every per-layer report speaks
/// in entry numbers (conv layers included).
@Test func convRunIsDeterministicAndReportsByEntry() throws {
    let data = DataSplits(train: blobImages(count: 240, seed: 3), validation: blobImages(count: 60, seed: 4))
    var j = job(hidden: [], optimizer: .sgd(lr: 0.05, momentum: 0.9, nesterov: false), epochs: 4, batch: 48, recordEvery: 2)
    j.model = ModelConfig(layers: smallLeNet, input: [1, 10, 10])
    let a = try Trainer.run(j, data: data)
    WorkerPool.shared.helpersEnabled.store(false, ordering: .relaxed)
    let b = try Trainer.run(j, data: data)
    WorkerPool.shared.helpersEnabled.store(true, ordering: .relaxed)
    #expect(a == b)
    #expect(a.final.validationAccuracy ?? 0 > 0.9)
    #expect(a.parameters == 961)
    #expect(a.gradientLayers == [0, 3, 7, 9] && a.iterations[0].meanAbsGradient.count == 4)
    #expect(a.iterations.allSatisfy { $0.meanAbsGradient.allSatisfy { $0 > 0 } })
    // conv weights in the snapshots; dead units of the relu after a conv counted per channel
    let w = try #require(a.snapshots[0].layers.first { $0.layer == 0 })
    #expect(w.weights.count == 36 && !w.gradients.isEmpty)
    #expect(a.deadNeurons.filter { $0.layer == 1 }.allSatisfy { $0.units == 4 })
    #expect(a.deadNeurons.filter { $0.layer == 4 }.allSatisfy { $0.units == 6 })
}
