// The fast path against PyTorch: three training steps of a 3-4-3 net, per activation, optimiser and loss.
// Numbers from Reference/make_torch_reference.py (torch 2.15 CPU), stored in Reference/torch_reference.json.

import Foundation
import Testing
import Vocabulary
@testable import Engine

struct TorchReference: Decodable {
    struct Case: Decodable {
        var activation: String
        var optimizer: String
        var loss: String
        var losses: [Double]
        var firstGradient: [Double]
        var parameters: [Double]
    }
    var x: [[Float]], y: [Int32], w1: [[Float]], b1: [Float], w2: [[Float]], b2: [Float]
    var cases: [Case]

    static func load() throws -> TorchReference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/torch_reference.json")
        return try JSONDecoder().decode(TorchReference.self, from: Data(contentsOf: url))
    }
}

/// Both sides compute in Float32 but in different orders (BLAS blocking, torch's fused kernels), so values agree
/// to a few ulps per operation: 1e-5 relative (of the largest value in the vector) is far below any real mistake.
@Test func matchesPyTorch() throws {
    let ref = try TorchReference.load()
    #expect(ref.cases.count == 64)
    let x = ref.x.flatMap { $0 }
    let initial = ref.w1.flatMap { $0 } + ref.b1 + ref.w2.flatMap { $0 } + ref.b2
    for c in ref.cases {
        let activation = try #require(Activation(name: c.activation))
        let loss: LossKind = c.loss == "huber" ? .huber(delta: 1) : .crossEntropy
        let optimizer: OptimizerConfig = switch c.optimizer {
        case "sgd": .sgd(lr: 0.1, momentum: 0, nesterov: false)
        case "momentum": .sgd(lr: 0.1, momentum: 0.9, nesterov: false)
        case "nesterov": .sgd(lr: 0.1, momentum: 0.9, nesterov: true)
        default: .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8)
        }
        let shape = NetworkShape(widths: [3, 4, 3], activation: activation, output: .softmax, loss: loss, classes: 3)
        let ws = Workspace(shape: shape, parameters: initial, capacity: 6)
        var opt = Optimizer(optimizer, parameterCount: shape.parameterCount)
        let label = "\(c.activation) \(c.optimizer) \(c.loss)"
        for step in 0..<3 {
            let (sum, _) = x.withUnsafeBufferPointer { xp in
                ref.y.withUnsafeBufferPointer { yp in
                    ws.forward(xp.baseAddress!, rows: 6)
                    let r = ws.loss(labels: yp.baseAddress!, rows: 6, gradient: true)
                    ws.backward(xp.baseAddress!, rows: 6)
                    return r
                }
            }
            #expect(isClose(sum / 6, c.losses[step], relative: 1e-5), "\(label) loss at step \(step)")
            if step == 0 { expectClose(Array(ws.grads).map(Double.init), c.firstGradient, "\(label) gradient") }
            opt.update(ws.params, ws.grads)
        }
        expectClose(Array(ws.params).map(Double.init), c.parameters, "\(label) parameters after 3 steps")
    }
}

func expectClose(_ a: [Double], _ b: [Double], _ what: String) {
    #expect(a.count == b.count, "\(what): count")
    let scale = b.map(abs).max() ?? 0
    for (k, (u, v)) in zip(a, b).enumerated() {
        #expect(abs(u - v) <= 1e-5 * scale + 1e-8, "\(what) [\(k)]: \(u) vs \(v)")
    }
}
