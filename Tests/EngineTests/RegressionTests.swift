// Regression on real targets: mse and huber against PyTorch, against central differences, and a fit to a known function.
import Foundation
import Outcomes
import Testing
import Vocabulary
@testable import Engine

struct TorchRegression: Decodable {
    struct Case: Decodable {
        var loss: String
        var losses: [Double]
        var firstGradient: [Double]
        var parameters: [Double]
    }
    var torch: String
    var x: [Float], y: [Float], initial: [Float]
    var cases: [Case]

    static func load() throws -> TorchRegression {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/torch_regression.json")
        return try JSONDecoder().decode(TorchRegression.self, from: Data(contentsOf: url))
    }
}

func regressionLoss(_ name: String) -> LossKind {
    switch name {
    case "mse": .mse
    case "huber": .huber(delta: 1)
    default: .huber(delta: 0.5)
    }
}

/// torch.nn.MSELoss / HuberLoss (mean over the batch and both targets) on a 3-4-2 tanh net with an identity
/// output: the loss and every gradient of the first step, and three SGD steps (bench/make_torch_regression_reference.py).
@Test func regressionMatchesPyTorch() throws {
    let ref = try TorchRegression.load()
    #expect(ref.torch.hasPrefix("2."))
    #expect(ref.cases.map(\.loss) == ["mse", "huber", "huber-0.5"])
    let labels = [Int32](repeating: 0, count: 6)
    for c in ref.cases {
        let shape = NetworkShape(widths: [3, 4, 2], activation: .tanh, output: .identity, loss: regressionLoss(c.loss), classes: 0)
        let ws = Workspace(shape: shape, parameters: ref.initial, capacity: 6)
        var opt = Optimizer(.sgd(lr: 0.1, momentum: 0, nesterov: false), parameterCount: shape.parameterCount)
        for step in 0..<3 {
            let (sum, correct) = ref.x.withUnsafeBufferPointer { xp in
                labels.withUnsafeBufferPointer { lp in
                    ref.y.withUnsafeBufferPointer { yp in
                        ws.forward(xp.baseAddress!, rows: 6)
                        let r = ws.loss(labels: lp.baseAddress!, rows: 6, gradient: true, targets: yp.baseAddress!)
                        ws.backward(xp.baseAddress!, rows: 6)
                        return r
                    }
                }
            }
            #expect(correct == 0, "a regression example is never counted as correct")
            #expect(isClose(sum / 6, c.losses[step], relative: 1e-5), "\(c.loss) loss at step \(step): \(sum / 6) vs \(c.losses[step])")
            if step == 0 { expectClose(Array(ws.grads).map(Double.init), c.firstGradient, "\(c.loss) gradient") }
            opt.update(ws.params, ws.grads)
        }
        expectClose(Array(ws.params).map(Double.init), c.parameters, "\(c.loss) parameters after 3 steps")
    }
}

/// Hand-computed: one linear unit w = 2, b = 0 on x = [1, −1], targets [1, 1]: residuals 1 and −3.
/// mse = (1 + 9)/2 = 5, ∂/∂w = (2·1·1 + 2·(−3)·(−1))/2 = 4, ∂/∂b = (2 − 6)/2 = −2;
/// huber δ = 1: (½ + (3 − ½))/2 = 1.5, ∂/∂w = (1·1 + (−1)·(−1))/2 = 1, ∂/∂b = (1 − 1)/2 = 0.
@Test(arguments: [(LossKind.mse, 5.0, [4.0, -2.0]), (.huber(delta: 1), 1.5, [1.0, 0.0])])
func regressionLossByHand(_ loss: LossKind, _ value: Double, _ gradient: [Double]) {
    let shape = NetworkShape(widths: [1, 1], activation: .identity, output: .identity, loss: loss, classes: 0)
    let net = ReferenceNetwork<Double>(shape: shape, parameters: [2, 0])
    let (l, g) = net.gradient([1, -1], labels: [0, 0], rows: 2, targets: [1, 1])
    #expect(isClose(l, value, relative: 1e-12))
    #expect(zip(g, gradient).allSatisfy { isClose($0, $1, relative: 1e-12, absolute: 1e-15) }, "\(g)")
}

/// A regression data set: x ~ N(0, 1)³, targets y = f(x) (two of them when `width` is 2).
func regressionData(count: Int, targets width: Int = 1, seed: UInt64, _ f: ([Float]) -> [Float]) -> Dataset {
    var rng = SeededRandom(seed: seed)
    let x = (0..<(count * 3)).map { _ in Float(rng.nextNormal()) }
    let y = (0..<count).flatMap { f(Array(x[($0 * 3)..<($0 * 3 + 3)])).prefix(width) }
    return Dataset(features: x, count: count, width: 3, targets: y, targetWidth: width)
}

/// Backpropagation of mse and huber (both sides of delta) against central differences, shorthand and layer list.
@Test(arguments: [LossKind.mse, .huber(delta: 1), .huber(delta: 0.3), .clippedMSE(threshold: 1.5)])
func regressionGradientsMatchCentralDifferences(_ loss: LossKind) throws {
    let data = regressionData(count: 16, targets: 2, seed: 5) { x in [3 * x[0] - x[1] + 0.5, x[2] * x[2]] }
    let model = ModelConfig(layers: [.dense(units: 5, initScheme: nil), .activation(.tanh), .batchNorm(momentum: 0.1, eps: 1e-5),
                                     .dense(units: 2, initScheme: nil)], output: .identity)
    for shape in [NetworkShape(widths: [3, 6, 2], activation: .tanh, output: .identity, loss: loss, classes: 0),
                  try NetworkShape(model: model, loss: loss, inputWidth: 3, classes: 0, targets: 2)] {
        var rng = SeededRandom(seed: 8)
        let parameters = initialParameters(shape, model: ModelConfig(hidden: [6], initScheme: .xavier, output: .identity), rng: &rng)
        let rows = gradientCheck(shape: shape, parameters: parameters, data: data)
        #expect(rows.count == shape.layers.filter { !$0.parameters.isEmpty }.count)
        for row in rows { #expect(row.maxRelativeDifference < 1e-6, "\(loss) layer \(row.layer): \(row.maxRelativeDifference)") }
    }
}

/// The engine refuses what a regression cannot be: a classification loss or a squashing output.
@Test func regressionNeedsAResidualLossAndIdentityOutput() {
    let data = DataSplits(train: regressionData(count: 8, seed: 1) { [$0[0]] })
    var bad = job(hidden: [4], output: .identity, loss: .crossEntropy)
    #expect(throws: EngineError.self) { try Trainer.run(bad, data: data) }
    bad = job(hidden: [4], output: .sigmoid, loss: .mse)
    #expect(throws: EngineError.self) { try Trainer.run(bad, data: data) }
}

/// y = 2·x₀ − x₁ + 0.5·sin(3·x₂) learned by a small MLP: the test RMSE (in the target's units, after the
/// standardisation is undone) is below 0.15 (it reaches 0.123) while the target's own spread is about 2.3; R² above 0.99.
@Test func regressionLearnsAKnownFunction() throws {
    func f(_ x: [Float]) -> [Float] { [2 * x[0] - x[1] + 0.5 * sin(3 * x[2])] }
    var train = regressionData(count: 600, seed: 11, f), test = regressionData(count: 200, seed: 12, f)
    // Standardise the target as CSVData does, so the reported errors must undo it.
    let y = train.targets ?? []
    let mean = y.reduce(0.0) { $0 + Double($1) } / Double(y.count)
    let std = (y.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(y.count)).squareRoot()
    train.targets = y.map { Float((Double($0) - mean) / std) }
    test.targets = test.targets?.map { Float((Double($0) - mean) / std) }
    var splits = DataSplits(train: train, test: test)
    splits.targetScale = ColumnScale(mean: [mean], std: [std])
    let j = job(hidden: [32, 32], activation: .tanh, output: .identity, loss: .mse,
                optimizer: .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8), epochs: 200, batch: 32, seed: 3,
                diagnostics: Diagnostics(predictionGrid: 60))
    let result = try Trainer.run(j, data: splits)
    let reg = try #require(result.regression)
    let metrics = try #require(reg.test)
    #expect(std > 2, "the target spreads over several units: \(std)")
    #expect(metrics.rmse < 0.15, "test RMSE \(metrics.rmse)")
    #expect(metrics.r2 > 0.99, "test R² \(metrics.r2)")
    #expect(isClose(metrics.rmse * metrics.rmse, metrics.mse, relative: 1e-12))
    // The loss is on the standardised target: the test MSE in units is the loss times std².
    let loss = try #require(result.final.testLoss)
    #expect(isClose(metrics.mse, loss * std * std, relative: 1e-4), "\(metrics.mse) vs \(loss * std * std)")
    #expect(result.final.testAccuracy == 0 && result.predictionGrid == nil)
    #expect(reg.split == "test" && reg.actual?.count == 200 && reg.predicted?.count == 200 && reg.curve == nil)
}

/// sklearn's r2_score and mean_squared_error on a small case, by hand: y = [1, 2, 3], ŷ = [1, 2, 5].
@Test func regressionMetricsByHand() {
    let m = RegressionMetrics(predicted: [1, 2, 5], actual: [1, 2, 3], width: 1)
    #expect(isClose(m.mse, 4.0 / 3, relative: 1e-15) && isClose(m.mae, 2.0 / 3, relative: 1e-15))
    #expect(isClose(m.r2, 1 - 4.0 / 2, relative: 1e-15))   // SS_res 4, SS_tot 2
    #expect(RegressionMetrics(predicted: [2, 2], actual: [2, 2], width: 1).r2 == 1)
    #expect(RegressionMetrics(predicted: [1, 3], actual: [2, 2], width: 1).r2 == 0)
}
