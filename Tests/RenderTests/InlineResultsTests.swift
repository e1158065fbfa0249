// Inline results: parsing references, formatting numbers, and reading each quantity from a hand-made outcome.
import Engine
import Execute
import Outcomes
import Testing
@testable import Render

@Suite struct InlineResultsTests {
    @Test func parsesReferences() {
        let r = ResultReference.parse("02-activation-functions/activation-sweep[leaky-relu].dead-trained:3")
        #expect(r == ResultReference(chapter: "02-activation-functions", block: "activation-sweep", variant: "leaky-relu",
                                     quantity: "dead-trained", arguments: ["3"]))
        #expect(ResultReference.parse("xor.test-accuracy") == ResultReference(chapter: nil, block: "xor", variant: nil,
                                                                                quantity: "test-accuracy", arguments: []))
        #expect(ResultReference.parse("dying-relu[0.8].dead-trained:3") == ResultReference(
            chapter: nil, block: "dying-relu", variant: "0.8", quantity: "dead-trained", arguments: ["3"]))
        #expect(ResultReference.parse("no-dot-here") == nil)
        #expect(ResultReference.parse("block.") == nil)
    }

    @Test func scientificFormatting() {
        #expect(InlineResults.scientific(0.000314) == "3.1 × 10⁻⁴")
        #expect(InlineResults.scientific(27.4) == "27")
        #expect(InlineResults.scientific(0.0314) == "0.031")
        #expect(InlineResults.scientific(1.5e12) == "1.5 × 10¹²")
        #expect(InlineResults.scientific(9.97e-8) == "1.0 × 10⁻⁷")
        #expect(InlineResults.scientific(-2.5) == "−2.5")
    }

    static let outcome: BlockOutcome = {
        let result = TrainingResult(
            layerWidths: [4, 2], parameters: 22, epochsRun: 3, bestEpoch: 2,
            final: FinalMetrics(trainLoss: 0.25, trainAccuracy: 0.9, validationLoss: 0.5, validationAccuracy: 0.875,
                                testLoss: nil, testAccuracy: 0.8869),
            epochs: [EpochRecord(epoch: 1, trainLoss: 1, trainAccuracy: 0.5, validationLoss: 1, validationAccuracy: 0.104)],
            iterations: [IterationRecord(iteration: 0, loss: 1, meanAbsGradient: [1e-4, 2e-2], gradientNorm: [1, 1]),
                         IterationRecord(iteration: 10, loss: 0.5, meanAbsGradient: [3e-3, 6e-3], gradientNorm: [1, 1])],
            snapshots: [Snapshot(moment: .initial, layers: [LayerSample(layer: 0, weights: [], activations: [],
                                                                        gradients: [1e-3, -1e-2, 1e-1, 0])])],
            deadNeurons: [DeadNeuronRecord(moment: .initial, layer: 0, dead: 1, units: 4)],
            gradientCheck: [GradientCheckRow(layer: 0, parameters: 12, maxRelativeDifference: 2.5e-10)])
        return BlockOutcome(variants: [VariantOutcome(label: "relu", training: result)])
    }()

    func value(_ text: String) -> String? {
        guard let ref = ResultReference.parse(text) else { return nil }
        switch InlineResults.evaluate(ref, in: Self.outcome) {
        case .success(let v): return v
        case .failure(let e): return "error: \(e.message)"
        }
    }

    @Test func readsEachQuantity() {
        #expect(value("b.test-accuracy") == "88.69 %")
        #expect(value("b[relu].validation-loss") == "0.5000")
        #expect(value("b.test-loss") == "error: 'test-loss' was not computed (no such split?)")
        #expect(value("b.epochs") == "3")
        #expect(value("b.validation-accuracy-at:1") == "10.40 %")
        #expect(value("b.validation-accuracy-at:2") == "error: epoch '2' out of range 1…1")
        #expect(value("b.best-epoch") == "2")
        #expect(value("b.dead-init:0") == "25.0 %")
        #expect(value("b.median-log10-gradient-init:0") == "−2.0")     // median of log10 of {1e-3, 1e-2, 1e-1}; zeros skipped
        #expect(value("b.gradient-ratio-first:1:0") == "200")
        #expect(value("b.gradient-ratio-last:1:0") == "2.0")
        #expect(value("b.mean-abs-gradient-first:0") == "1.0 × 10⁻⁴")
        #expect(value("b.gradient-check:0") == "2.5 × 10⁻¹⁰")
        #expect(value("b.max-gradient-check") == "2.5 × 10⁻¹⁰")
    }

    @Test func explainsMistakes() {
        #expect(value("b[rleu].epochs") == "error: block 'b' has no variant 'rleu'")
        #expect(value("b.accuracy") == "error: unknown quantity 'accuracy'")
        #expect(value("b.dead-init") == "error: 'dead-init' takes 1 argument after ':', got 0")
        #expect(value("b.rnn-gradient-ratio:1") == "error: block 'b' is not a recurrent probe")
    }
}
