// Whole-network backward passes: the Float64 reference against central differences, the Float32 fast path against the reference.

import Testing
import Vocabulary
@testable import Engine

/// Every activation through a 3-5-4-(output) net: the Float64 reference's analytic gradient agrees with central
/// differences to < 1e-6 relative (parameter by parameter, via the engine's own gradient check).
@Test(arguments: allActivations)
func referenceGradientMatchesCentralDifferences(_ a: Activation) throws {
    for (output, loss) in [(OutputKind.softmax, LossKind.crossEntropy), (.identity, .huber(delta: 0.5)), (.softmax, .mse)] {
        let data = gaussianData(count: 12, width: 3, classes: 3, seed: 7)
        let model = ModelConfig(hidden: [5, 4], activation: a, initScheme: .normal(std: 0.7), output: output)
        let shape = try NetworkShape(model: model, loss: loss, inputWidth: 3, classes: 3)
        var rng = SeededRandom(seed: 3)
        let p = initialParameters(shape, model: model, rng: &rng)
        let rows = gradientCheck(shape: shape, parameters: p, data: data)
        #expect(rows.count == 3)
        for r in rows { #expect(r.maxRelativeDifference < 1e-6, "\(a.name) \(output) layer \(r.layer): \(r.maxRelativeDifference)") }
    }
}

@Test func binaryGradientCheck() throws {
    let data = xorData(copies: 3)
    let model = ModelConfig(hidden: [8], activation: .tanh, initScheme: .xavier, output: .sigmoid)
    let shape = try NetworkShape(model: model, loss: .bce, inputWidth: 2, classes: 2)
    var rng = SeededRandom(seed: 5)
    let rows = gradientCheck(shape: shape, parameters: initialParameters(shape, model: model, rng: &rng), data: data)
    for r in rows { #expect(r.maxRelativeDifference < 1e-7) }
}

/// The fast path (sgemm, fused kernels, Float32) against the naive Float64 reference on the same parameters.
/// Float32 keeps ~7 significant digits and each gradient sums a few dozen products, so we allow 1e-4 of the
/// layer's largest gradient; an indexing or transpose mistake gives errors of order 1.
@Test(arguments: allActivations)
func fastPathMatchesReference(_ a: Activation) throws {
    for (output, loss, classes) in [(OutputKind.softmax, LossKind.crossEntropy, 4), (.sigmoid, .bce, 2), (.sigmoid, .mse, 2),
                                     (.identity, .clippedMSE(threshold: 0.7), 4)] {
        let data = gaussianData(count: 9, width: 6, classes: classes, seed: 11)
        let model = ModelConfig(hidden: [7, 5], activation: a, initScheme: .normal(std: 0.6), output: output)
        let shape = try NetworkShape(model: model, loss: loss, inputWidth: 6, classes: classes)
        var rng = SeededRandom(seed: 2)
        let p = initialParameters(shape, model: model, rng: &rng)
        let ref = ReferenceNetwork<Double>(shape: shape, parameters: p)
        let (refLoss, refGrad) = ref.gradient(data.features.map(Double.init), labels: data.labels.map { Int($0) }, rows: data.count)

        let ws = Workspace(shape: shape, parameters: p, capacity: 16)
        let (sum, _) = data.features.withUnsafeBufferPointer { x in
            data.labels.withUnsafeBufferPointer { l in
                ws.forward(x.baseAddress!, rows: data.count)
                let r = ws.loss(labels: l.baseAddress!, rows: data.count, gradient: true)
                ws.backward(x.baseAddress!, rows: data.count)
                return r
            }
        }
        #expect(isClose(sum / Double(data.count), refLoss, relative: 1e-5), "\(a.name) \(loss.name) loss")
        for i in 0..<shape.layerCount {
            let range = shape.parameters(ofLayer: i)
            let scale = range.map { abs(refGrad[$0]) }.max() ?? 0
            for k in range {
                #expect(abs(Double(ws.grads[k]) - refGrad[k]) <= 1e-4 * scale + 1e-7,
                        "\(a.name) \(output) \(loss.name) layer \(i) parameter \(k): \(ws.grads[k]) vs \(refGrad[k])")
            }
        }
    }
}

/// A 784-100-100-10 relu net at init: Float64 analytic vs central differences (sampled in the 78,500-parameter layer).
@Test func largeNetworkGradientCheck() throws {
    let data = gaussianData(count: 16, width: 784, classes: 10, seed: 4)
    let model = ModelConfig(hidden: [100, 100], activation: .relu, initScheme: .torchDefault, biasInit: .torchDefault, output: .softmax)
    let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: 784, classes: 10)
    var rng = SeededRandom(seed: 1)
    let rows = gradientCheck(shape: shape, parameters: initialParameters(shape, model: model, rng: &rng), data: data)
    #expect(rows.map(\.parameters) == [78_500, 10_100, 1_010])
    for r in rows { #expect(r.maxRelativeDifference < 1e-7, "layer \(r.layer): \(r.maxRelativeDifference)") }
}
