// Batch-norm, dropout, the new optimizers, schedules, activations and inits against PyTorch's numbers
// (bench/make_torch_layers_reference.py, which records the torch version in Reference/torch_layers.json).

import Foundation
import Testing
import Vocabulary
@testable import Engine

struct TorchLayers: Decodable {
    struct BatchNormStep: Decodable { var x, y, dx, dgamma, dbeta: [Double]; var running_mean, running_var: [Double]? }
    struct BatchNormCase: Decodable {
        var shape: [Int]; var momentum, eps: Float; var gamma, beta, w: [Float]
        var train: [BatchNormStep]; var eval: BatchNormStep
    }
    struct DropoutCase: Decodable { var p: Float; var train_values: [Float]; var zero_fraction: Double; var grad_equals_output, eval_is_identity: Bool }
    struct Optimizers: Decodable {
        struct Case: Decodable { var name: String; var params: [[Double]] }
        var initial: [Float]; var gradients: [[Float]]; var cases: [Case]
    }
    struct Schedules: Decodable {
        struct Case: Decodable { var name: String; var lr: [Double] }
        var epochs: Int; var lr: Float; var plateau_losses: [Double]; var cases: [Case]
    }
    struct Activations: Decodable {
        struct Case: Decodable { var name: String; var y, dy: [Double] }
        var x: [Double]; var cases: [Case]
    }
    struct Inits: Decodable {
        struct Case: Decodable { var name: String; var mean, std, max_abs, rows_orthonormal_error: Double }
        var fan_out, fan_in: Int; var cases: [Case]
    }
    var torch: String
    var batch_norm: [BatchNormCase]
    var dropout: [DropoutCase]
    var optimizers: Optimizers
    var schedules: Schedules
    var activations: Activations
    var `init`: Inits

    static let shared: TorchLayers? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/torch_layers.json")
        return (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(TorchLayers.self, from: $0) }
    }()
}

/// The fast batch-norm layer driven by hand, training (two steps, running statistics after each) and evaluation,
/// for BatchNorm1d and BatchNorm2d shapes: output, ∂x, ∂γ, ∂β.
@Test func batchNormMatchesPyTorch() throws {
    let ref = try #require(TorchLayers.shared)
    #expect(ref.torch.hasPrefix("2."))
    for c in ref.batch_norm {
        let n = c.shape[0], perExample = c.shape.dropFirst().reduce(1, *)
        // A flat [batch-norm, dense] workspace lends its buffers; the layer under test has the case's shape
        // ([C] or [C, H, W]: per-channel statistics over rows and the plane), its parameters and state first.
        let model = ModelConfig(layers: [.batchNorm(momentum: c.momentum, eps: c.eps), .dense(units: 2, initScheme: nil)])
        let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: perExample, classes: 2)
        var p = initialParameters(shape, model: model, rng: &Box.rng)
        let channels = c.gamma.count
        for k in 0..<channels { p[k] = c.gamma[k]; p[channels + k] = c.beta[k] }
        let ws = Workspace(shape: shape, parameters: p, capacity: n)
        var plan = shape.layers[0]
        plan.input = TensorShape(Array(c.shape.dropFirst()))
        plan.output = plan.input
        plan.parameters = 0..<(2 * channels)
        plan.state = 0..<(2 * channels)
        ws.setState([Float](repeating: 0, count: channels) + [Float](repeating: 1, count: channels) + [Float](repeating: 0, count: shape.stateCount - 2 * channels))
        var buffers: [UnsafeMutablePointer<Float>] = []
        defer { for b in buffers { b.deallocate() } }
        let layer = BatchNormLayer(plan, momentum: c.momentum, eps: c.eps, capacity: n) { count in
            let b = UnsafeMutablePointer<Float>.allocate(capacity: count)
            b.initialize(repeating: 0, count: count)
            buffers.append(b)
            return b
        }
        func run(_ x: [Double], training: Bool) -> (y: [Float], dx: [Float], dgamma: [Float], dbeta: [Float]) {
            let xf = x.map(Float.init)
            var dy = c.w, dx = [Float](repeating: 0, count: n * perExample)
            xf.withUnsafeBufferPointer { xp in
                let span = Span(lo: 0, hi: n, part: 0, parts: 1, rows: n, rowParts: 1)
                layer.forward(ws, xp.baseAddress!, span, training: training)
                dy.withUnsafeMutableBufferPointer { d in
                    dx.withUnsafeMutableBufferPointer { e in
                        layer.backward(ws, xp.baseAddress!, dOut: GradientRows(base: d.baseAddress!, stride: perExample, width: perExample),
                                       dIn: GradientRows(base: e.baseAddress!, stride: perExample, width: perExample), span, training: training)
                    }
                }
            }
            let g = Array(ws.grads)
            return (Array(UnsafeBufferPointer(start: layer.out, count: n * perExample)), dx, Array(g[0..<channels]), Array(g[channels..<(2 * channels)]))
        }
        for (i, step) in c.train.enumerated() {
            let r = run(step.x, training: true)
            expectClose(r.y.map(Double.init), step.y, "batch-norm \(c.shape) train step \(i) y")
            expectClose(r.dx.map(Double.init), step.dx, "batch-norm \(c.shape) train step \(i) dx")
            expectClose(r.dgamma.map(Double.init), step.dgamma, "batch-norm \(c.shape) dgamma")
            expectClose(r.dbeta.map(Double.init), step.dbeta, "batch-norm \(c.shape) dbeta")
            let state = ws.stateArray
            expectClose(state[0..<channels].map(Double.init), step.running_mean ?? [], "batch-norm \(c.shape) running mean \(i)")
            expectClose(state[channels..<(2 * channels)].map(Double.init), step.running_var ?? [], "batch-norm \(c.shape) running var \(i)")
        }
        let r = run(c.eval.x, training: false)
        expectClose(r.y.map(Double.init), c.eval.y, "batch-norm \(c.shape) eval y")
        expectClose(r.dx.map(Double.init), c.eval.dx, "batch-norm \(c.shape) eval dx")
        expectClose(r.dgamma.map(Double.init), c.eval.dgamma, "batch-norm \(c.shape) eval dgamma")
    }
}

enum Box { nonisolated(unsafe) static var rng = SeededRandom(seed: 1) }

/// torch's inverted dropout: values 0 or 1/(1 − p) in training at rate p, the same mask in the gradient,
/// identity in evaluation. (torch's mask stream is its own; the rate is compared statistically.)
@Test func dropoutMatchesPyTorchSemantics() throws {
    let ref = try #require(TorchLayers.shared)
    for c in ref.dropout {
        #expect(c.grad_equals_output && c.eval_is_identity)
        let width = 1_000, rows = 200
        let model = ModelConfig(layers: [.dropout(rate: c.p), .dense(units: 2, initScheme: nil)])
        let shape = try NetworkShape(model: model, loss: .crossEntropy, inputWidth: width, classes: 2)
        let ws = Workspace(shape: shape, parameters: [Float](repeating: 0, count: shape.parameterCount), capacity: rows, dropoutSeed: 3)
        let layer = try #require(ws.layers[0] as? DropoutLayer)
        let x = [Float](repeating: 1, count: rows * width)
        var dy = [Float](repeating: 1, count: rows * width), dx = dy
        x.withUnsafeBufferPointer { xp in
            ws.forward(xp.baseAddress!, rows: rows, training: true)
            let span = Span(lo: 0, hi: rows, part: 0, parts: 1, rows: rows, rowParts: 1)
            dy.withUnsafeMutableBufferPointer { d in
                dx.withUnsafeMutableBufferPointer { e in
                    layer.backward(ws, xp.baseAddress!, dOut: GradientRows(base: d.baseAddress!, stride: width, width: width),
                                   dIn: GradientRows(base: e.baseAddress!, stride: width, width: width), span, training: true)
                }
            }
        }
        let y = Array(UnsafeBufferPointer(start: ws.output(0), count: rows * width))
        #expect(Array(Set(y)).sorted() == c.train_values, "p \(c.p)")
        let zeros = Double(y.filter { $0 == 0 }.count) / Double(y.count)
        #expect(abs(zeros - c.zero_fraction) < 0.01, "p \(c.p): \(zeros) vs torch \(c.zero_fraction)")
        #expect(dx == y)
    }
}

@Test func optimizersMatchPyTorch() throws {
    let ref = try #require(TorchLayers.shared).optimizers
    let configs: [String: (OptimizerConfig, Float)] = [
        "sgd-wd": (.sgd(lr: 0.1, momentum: 0, nesterov: false), 0.05),
        "momentum-wd": (.sgd(lr: 0.1, momentum: 0.9, nesterov: false), 0.05),
        "nesterov-wd": (.sgd(lr: 0.1, momentum: 0.9, nesterov: true), 0.05),
        "adam-wd": (.adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8), 0.1),
        "adamw": (.adamw(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01), 0),
        "adamw-wd": (.adamw(lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.3), 0),
        "rmsprop": (.rmsprop(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false), 0),
        "rmsprop-momentum-wd": (.rmsprop(lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: false), 0.1),
        "rmsprop-centered": (.rmsprop(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, centered: true), 0),
        "rmsprop-centered-momentum": (.rmsprop(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0.9, centered: true), 0),
        "adagrad": (.adagrad(lr: 0.1, lrDecay: 0, eps: 1e-10), 0),
        "adagrad-decay-wd": (.adagrad(lr: 0.1, lrDecay: 0.01, eps: 1e-8), 0.05),
    ]
    #expect(ref.cases.count == configs.count)
    for c in ref.cases {
        let (config, decay) = try #require(configs[c.name], "\(c.name)")
        var opt = Optimizer(config, parameterCount: ref.initial.count, weightDecay: decay)
        let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: ref.initial.count)
        let g = UnsafeMutableBufferPointer<Float>.allocate(capacity: ref.initial.count)
        defer { p.deallocate(); g.deallocate() }
        _ = p.initialize(from: ref.initial)
        for (step, gradient) in ref.gradients.enumerated() {
            _ = g.initialize(from: gradient)
            opt.update(p, g)
            expectClose(Array(p).map(Double.init), c.params[step], "\(c.name) step \(step + 1)")
            #expect(Array(g) == gradient, "\(c.name): the gradient buffer keeps the loss's gradient")
        }
    }
}

@Test func schedulesMatchPyTorch() throws {
    let ref = try #require(TorchLayers.shared).schedules
    let configs: [String: ScheduleConfig] = [
        "step": ScheduleConfig(.step(every: 3, gamma: 0.5)),
        "multi-step": ScheduleConfig(.multiStep(at: [2, 7], gamma: 0.1)),
        "exponential": ScheduleConfig(.exponential(gamma: 0.9)),
        "cosine": ScheduleConfig(.cosine(minLR: 0)),
        "cosine-min": ScheduleConfig(.cosine(minLR: 0.01)),
        "warmup-cosine": ScheduleConfig(.cosine(minLR: 0), warmup: 3),
        "warmup-step": ScheduleConfig(.step(every: 4, gamma: 0.5), warmup: 2, warmupStart: 0.1),
        "plateau": ScheduleConfig(.plateau(patience: 2, factor: 0.5, threshold: 1e-4, minLR: 0)),
    ]
    #expect(ref.cases.count == configs.count)
    for c in ref.cases {
        var s = LearningRateSchedule(try #require(configs[c.name]), base: ref.lr, epochs: ref.epochs)
        for e in 0..<ref.epochs {
            // torch keeps the rate in a Python float; ours is computed from the Float base rate.
            #expect(isClose(s.rate(epoch: e), c.lr[e], relative: 1e-6), "\(c.name) epoch \(e): \(s.rate(epoch: e)) vs \(c.lr[e])")
            s.observe(loss: ref.plateau_losses[e], epoch: e)
        }
    }
}

@Test func newActivationsMatchPyTorch() throws {
    let ref = try #require(TorchLayers.shared).activations
    let named: [String: Activation] = ["selu": .selu, "softplus": .softplus, "hard-tanh": .hardTanh, "silu": .swish]
    for c in ref.cases {
        let a = try #require(named[c.name])
        #expect(Activation(name: c.name) == a)
        for (k, x) in ref.x.enumerated() {
            #expect(isClose(activationValue(a, x, slope: 0), c.y[k], relative: 1e-12, absolute: 1e-15), "\(c.name)(\(x))")
            // hard-tanh's kinks at ±1: torch's derivative is 0 there, as ours.
            #expect(isClose(activationDerivative(a, x, slope: 0), c.dy[k], relative: 1e-12, absolute: 1e-15), "\(c.name)′(\(x))")
            let f = activationValue(a, Float(x), slope: 0)
            #expect(isClose(Double(f), c.y[k], relative: 1e-6, absolute: 1e-7), "Float \(c.name)(\(x))")
        }
    }
}

/// Our streams differ from torch's, so each init is compared by its distribution: mean, standard deviation and
/// bound against torch's on a 300 × 200 weight; orthogonal by the orthonormality of its columns.
@Test func initsMatchPyTorchDistributions() throws {
    let ref = try #require(TorchLayers.shared).`init`
    for c in ref.cases {
        let scheme = try #require(InitScheme(name: c.name))
        var rng = SeededRandom(seed: 7)
        var w = [Float](repeating: 0, count: ref.fan_out * ref.fan_in)
        drawWeights(scheme, fanIn: ref.fan_in, fanOut: ref.fan_out, rng: &rng) { w[$0] = $1 }
        let mean = w.reduce(0.0) { $0 + Double($1) } / Double(w.count)
        let std = (w.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(w.count - 1)).squareRoot()
        #expect(abs(mean) < 0.05 * c.std, "\(c.name) mean \(mean)")
        #expect(isClose(std, c.std, relative: 0.02), "\(c.name) std \(std) vs torch \(c.std)")
        let maxAbs = Double(w.map(abs).max() ?? 0)
        if c.name.hasSuffix("uniform") {
            #expect(maxAbs <= c.max_abs * 1.0001 && maxAbs > 0.99 * c.max_abs, "\(c.name) bound \(maxAbs) vs \(c.max_abs)")
        }
        if scheme == .orthogonal {
            // WᵀW = I (300 rows, 200 orthonormal columns), as torch's within Float rounding.
            var worst = 0.0
            for i in stride(from: 0, to: ref.fan_in, by: 7) {
                for j in stride(from: 0, to: ref.fan_in, by: 5) {
                    var dot = 0.0
                    for r in 0..<ref.fan_out { dot += Double(w[r * ref.fan_in + i]) * Double(w[r * ref.fan_in + j]) }
                    worst = max(worst, abs(dot - (i == j ? 1 : 0)))
                }
            }
            #expect(worst < 1e-5 && c.rows_orthonormal_error < 1e-5, "orthogonal: \(worst)")
            let wide = orthogonalMatrix(rows: 5, columns: 9, rng: &rng)
            for i in 0..<5 {
                for j in 0..<5 {
                    let dot = (0..<9).reduce(0.0) { $0 + Double(wide[i * 9 + $1]) * Double(wide[j * 9 + $1]) }
                    #expect(abs(dot - (i == j ? 1 : 0)) < 1e-6, "wide orthogonal rows \(i), \(j)")
                }
            }
        }
    }
    // v1's names keep their v1 meaning.
    #expect(InitScheme(name: "xavier") == .xavier && InitScheme(name: "xavier-uniform") == .xavier)
    #expect(InitScheme(name: "he") == .he && InitScheme(name: "he-normal") == .he)
}
