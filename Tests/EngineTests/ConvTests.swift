// conv2d and the poolings: the fast path against PyTorch's numbers, against the direct convolution, and thread counts.
// Numbers from bench/make_torch_conv_reference.py, stored (with the torch version) in Reference/torch_conv_reference.json.

import Foundation
import Testing
@testable import Engine

struct TorchConvReference: Decodable {
    struct Conv: Decodable {
        var images: Int, channels: Int, height: Int, width: Int, filters: Int, kernel: Int, stride: Int, padding: Int
        var x: [Float], weights: [Float], bias: [Float], outputGradient: [Float]
        var output: [Double], inputGradient: [Double], weightGradient: [Double], biasGradient: [Double]
        var geometry: ConvGeometry {
            ConvGeometry(channels: channels, height: height, width: width, filters: filters, kernel: kernel, stride: stride, padding: padding)
        }
    }
    struct Pool: Decodable {
        var kind: String, images: Int, channels: Int, height: Int, width: Int, kernel: Int, stride: Int
        var x: [Float], outputGradient: [Float], output: [Double], inputGradient: [Double]
    }
    var torch: String
    var conv: [Conv]
    var pool: [Pool]

    static func load() throws -> TorchConvReference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/torch_conv_reference.json")
        return try JSONDecoder().decode(TorchConvReference.self, from: Data(contentsOf: url))
    }
}

/// The fast path on arrays: forward of `images` images, then the gradients of ∂y.
/// `kept`: images whose patches the forward keeps (the rest are lowered again in backward).
func fastConv(_ g: ConvGeometry, x: [Float], weights: [Float], bias: [Float], outputGradient dy: [Float], images: Int, kept: Int? = nil)
    -> (output: [Float], input: [Float], weights: [Float], bias: [Float]) {
    let buffers = ConvBuffers(geometry: g, keptImages: kept ?? images)
    var y = [Float](repeating: .nan, count: images * g.outputSize), dx = [Float](repeating: .nan, count: images * g.inputSize)
    var dw = [Float](repeating: .nan, count: g.weightCount), db = [Float](repeating: .nan, count: g.filters)
    buffers.forward(x, weights: weights, bias: bias, into: &y, rows: images)
    buffers.backward(x, dy, weights: weights, inputGradient: &dx, weightGradient: &dw, biasGradient: &db, rows: images)
    return (y, dx, dw, db)
}

func doubles(_ a: [Float]) -> [Double] { a.map(Double.init) }

@Test func convMatchesPyTorch() throws {
    let ref = try TorchConvReference.load()
    #expect(ref.torch.hasPrefix("2."))
    #expect(ref.conv.count == 8)
    for c in ref.conv {
        let g = c.geometry, label = "conv \(c.channels)×\(c.height)×\(c.width) → \(c.filters)@\(c.kernel) s\(c.stride) p\(c.padding)"
        #expect(g.outputSize * c.images == c.output.count, "\(label): output shape")
        let fast = fastConv(g, x: c.x, weights: c.weights, bias: c.bias, outputGradient: c.outputGradient, images: c.images)
        expectClose(doubles(fast.output), c.output, "\(label) output")
        expectClose(doubles(fast.input), c.inputGradient, "\(label) input gradient")
        expectClose(doubles(fast.weights), c.weightGradient, "\(label) weight gradient")
        expectClose(doubles(fast.bias), c.biasGradient, "\(label) bias gradient")
        // the direct convolution agrees with torch too
        let naive = conv2dReference(g, x: c.x, weights: c.weights, bias: c.bias, images: c.images)
        expectClose(doubles(naive), c.output, "\(label) direct output")
    }
}

/// Runs one torch pooling case through the engine's kernel of that kind.
func pool(_ c: TorchConvReference.Pool) -> (output: [Float], input: [Float]) {
    let g = PoolGeometry(channels: c.channels, height: c.height, width: c.width, kernel: max(c.kernel, 1), stride: max(c.stride, 1))
    let n = c.images, outSize = c.kind == "global" ? c.channels : g.outputSize
    var y = [Float](repeating: .nan, count: n * outSize), dx = [Float](repeating: .nan, count: n * g.inputSize)
    switch c.kind {
    case "max":
        var argmax = [Int32](repeating: -1, count: n * outSize)
        maxPoolForward(g, c.x, into: &y, argmax: &argmax, images: 0..<n)
        maxPoolBackward(g, c.outputGradient, argmax: argmax, into: &dx, images: 0..<n)
    case "avg":
        avgPoolForward(g, c.x, into: &y, images: 0..<n)
        avgPoolBackward(g, c.outputGradient, into: &dx, images: 0..<n)
    default:
        globalAvgPoolForward(channels: c.channels, plane: c.height * c.width, c.x, into: &y, images: 0..<n)
        globalAvgPoolBackward(channels: c.channels, plane: c.height * c.width, c.outputGradient, into: &dx, images: 0..<n)
    }
    return (y, dx)
}

@Test func poolsMatchPyTorch() throws {
    let ref = try TorchConvReference.load()
    #expect(ref.pool.count == 8)
    for c in ref.pool {
        let label = "\(c.kind)-pool \(c.channels)×\(c.height)×\(c.width) k\(c.kernel) s\(c.stride)"
        let (y, dx) = pool(c)
        expectClose(doubles(y), c.output, "\(label) output")
        expectClose(doubles(dx), c.inputGradient, "\(label) input gradient")
    }
}

/// Ties: every window of a constant image ties everywhere; torch's rule puts all of ∂y on the window's first pixel.
@Test func maxPoolTiesGoToTheFirstMaximum() {
    let g = PoolGeometry(channels: 1, height: 4, width: 4, kernel: 2)
    let x = [Float](repeating: 1, count: 16), dy: [Float] = [1, 2, 3, 4]
    var y = [Float](repeating: 0, count: 4), argmax = [Int32](repeating: 0, count: 4), dx = [Float](repeating: 9, count: 16)
    maxPoolForward(g, x, into: &y, argmax: &argmax, images: 0..<1)
    maxPoolBackward(g, dy, argmax: argmax, into: &dx, images: 0..<1)
    #expect(argmax == [0, 2, 8, 10])
    #expect(dx == [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0])
}

/// Uniform in [−1, 1), seeded.
func randomFloats(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in rng.uniform(-1, 1) }
}

@Test(arguments: [
    ConvGeometry(channels: 1, height: 28, width: 28, filters: 6, kernel: 5, stride: 1, padding: 2),
    ConvGeometry(channels: 6, height: 14, width: 14, filters: 16, kernel: 5),
    ConvGeometry(channels: 3, height: 9, width: 8, filters: 4, kernel: 3, stride: 2, padding: 1),
    ConvGeometry(channels: 2, height: 11, width: 7, filters: 3, kernel: 4, stride: 3, padding: 2),
    ConvGeometry(channels: 5, height: 3, width: 3, filters: 2, kernel: 1),
    ConvGeometry(channels: 2, height: 4, width: 4, filters: 3, kernel: 6, stride: 1, padding: 1),
])
func fastConvMatchesDirectConvolution(_ g: ConvGeometry) {
    let n = 3
    let x = randomFloats(n * g.inputSize, seed: 1), w = randomFloats(g.weightCount, seed: 2)
    let b = randomFloats(g.filters, seed: 3), dy = randomFloats(n * g.outputSize, seed: 4)
    let fast = fastConv(g, x: x, weights: w, bias: b, outputGradient: dy, images: n)
    let xd = doubles(x), wd = doubles(w)
    let y = conv2dReference(g, x: xd, weights: wd, bias: doubles(b), images: n)
    let back = conv2dReferenceBackward(g, x: xd, weights: wd, outputGradient: doubles(dy), images: n)
    expectClose(doubles(fast.output), y, "output")
    expectClose(doubles(fast.input), back.input, "input gradient")
    expectClose(doubles(fast.weights), back.weights, "weight gradient")
    expectClose(doubles(fast.bias), back.bias, "bias gradient")
}

/// A LeNet-sized batch runs as two row parts; with the caller-only budget every part runs on the caller.
/// The bits must not move.
@Test func convBitsDoNotDependOnThreads() {
    let g = ConvGeometry(channels: 1, height: 28, width: 28, filters: 6, kernel: 5, stride: 1, padding: 2)
    let n = 40
    #expect(ConvBuffers(geometry: g, keptImages: n).rowParts(n) == 2)
    let x = randomFloats(n * g.inputSize, seed: 5), w = randomFloats(g.weightCount, seed: 6)
    let b = randomFloats(g.filters, seed: 7), dy = randomFloats(n * g.outputSize, seed: 8)
    // Budgets scoped to this test's thread: suites training beside it keep theirs.
    let two = ThreadBudget.all.apply { fastConv(g, x: x, weights: w, bias: b, outputGradient: dy, images: n) }
    let one = ThreadBudget.callerOnly.apply { fastConv(g, x: x, weights: w, bias: b, outputGradient: dy, images: n) }
    #expect(two.output == one.output && two.input == one.input && two.weights == one.weights && two.bias == one.bias)
    // Patches lowered again in backward (an evaluation chunk beyond the kept images) are the same patches.
    let relowered = fastConv(g, x: x, weights: w, bias: b, outputGradient: dy, images: n, kept: 7)
    #expect(relowered.output == one.output && relowered.input == one.input && relowered.weights == one.weights)
}
