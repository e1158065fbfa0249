// The site's data files: every Double and Float comes back with the same bits, so `labbook check` can draw a
// page again from them byte for byte; samples no report uses are left out, the ones used are kept whole.
import Outcomes
import Vocabulary
import Foundation
import LabbookCore
import Testing
@testable import Render

@Suite struct BlockDataTests {
    /// Values whose shortest decimal form is long, denormal, signed zero, the extremes and the non-finite.
    static let doubles: [Double] = [0.1, 1.0 / 3.0, -0.0, 0, .leastNonzeroMagnitude, .leastNormalMagnitude,
                                    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e23, 0.1 + 0.2, .pi,
                                    123_456_789.123_456_79, 2.5e-300, .nan, .infinity, -.infinity, 1 - .ulpOfOne]
    static let floats: [Float] = [0.1, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                                  1.0 / 3.0, .pi, .nan, .infinity, -.infinity, 16_777_216, Float(bitPattern: 0x0025_0000)]

    static func outcome() -> BlockOutcome {
        let epochs = doubles.enumerated().map { i, x in EpochRecord(epoch: i + 1, trainLoss: x, trainAccuracy: doubles[doubles.count - 1 - i]) }
        let iterations = [IterationRecord(iteration: 0, loss: Double(bitPattern: 0x7E8), meanAbsGradient: doubles, gradientNorm: doubles.reversed())]
        let samples = [Snapshot(moment: .initial, layers: [LayerSample(layer: 0, weights: floats, activations: floats.reversed(), gradients: floats)])]
        var result = TrainingResult(layerWidths: [3, 1], parameters: 7, epochsRun: doubles.count, bestEpoch: 2,
                                    final: FinalMetrics(trainLoss: .leastNonzeroMagnitude, trainAccuracy: 0.1 + 0.2, validationLoss: -0.0),
                                    epochs: epochs, iterations: iterations, snapshots: samples, deadNeurons: [],
                                    predictionGrid: PredictionGrid(resolution: 2, xRange: -0.1...(1.0 / 3.0), yRange: 0...1, probabilities: Array(doubles.prefix(4))))
        result.divergence = Divergence(epoch: 3, iteration: 9, loss: .infinity)
        return BlockOutcome(engineVersion: "engine-test", variants: [VariantOutcome(label: "a", training: result)])
    }

    static func data(_ outcome: BlockOutcome) -> BlockData {
        BlockData(engine: "engine-test", chapter: "01-a", id: "b", location: "chapters/01-a.md:3",
                  configs: [JSONValue.parse("{\"seed\":1,\"job\":{\"lr\":0.05,\"hidden\":[8]}}")], outcome: outcome,
                  failure: .error(at: SourceLocation(file: "chapters/01-a.md", line: 3), "training diverged", hint: "lower lr"),
                  expectedFailure: nil, reports: [])
    }

    @Test func everyNumberComesBackWithTheSameBits() throws {
        let written = Self.data(Self.outcome())
        let bytes = try #require(written.encoded())
        let read = try BlockData.decode(bytes)
        let t = try #require(read.outcome.variants.first?.training)
        #expect(t.epochs.map(\.trainLoss.bitPattern) == Self.doubles.map(\.bitPattern))
        #expect(t.iterations[0].meanAbsGradient.map(\.bitPattern) == Self.doubles.map(\.bitPattern))
        #expect(t.iterations[0].loss.bitPattern == 0x7E8, "a denormal")
        #expect(t.final.trainLoss.bitPattern == Double.leastNonzeroMagnitude.bitPattern)
        #expect(t.final.validationLoss?.bitPattern == (-0.0 as Double).bitPattern)
        #expect(t.predictionGrid?.xRange.upperBound.bitPattern == (1.0 / 3.0).bitPattern)
        #expect(t.divergence?.loss == .infinity)
        #expect(t.snapshots[0].layers[0].weights.map(\.bitPattern) == Self.floats.map(\.bitPattern))
        #expect(t.snapshots[0].layers[0].activations.map(\.bitPattern) == Self.floats.reversed().map(\.bitPattern))
        #expect(read.failure == written.failure)
        // Written again, the file is the same bytes: what check compares.
        #expect(read.encoded() == bytes)
    }

    @Test func theConfigIsAnObjectAndSamplesAreBase64Bits() throws {
        let bytes = try #require(Self.data(Self.outcome()).encoded())
        let json = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let config = try #require((json["configs"] as? [Any])?.first as? [String: Any])
        #expect(config["seed"] as? Int == 1)
        #expect((config["job"] as? [String: Any])?["hidden"] as? [Int] == [8])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"weights\" : \"\(LayerSample.bytes(Self.floats).base64EncodedString())\""))
        #expect(text.contains("\"probabilities\""))
    }

    @Test func onlyTheSamplesTheBookUsesAreKept() throws {
        let layers = (0..<3).map { LayerSample(layer: $0, weights: [1, 2], activations: [3, 4], gradients: [5, 6]) }
        let result = TrainingResult(layerWidths: [2, 2, 1], parameters: 9, epochsRun: 1, bestEpoch: 1,
                                    final: FinalMetrics(trainLoss: 1, trainAccuracy: 0.5), epochs: [], iterations: [],
                                    snapshots: [Snapshot(moment: .initial, layers: layers), Snapshot(moment: .trained, layers: layers)],
                                    deadNeurons: [])
        let outcome = BlockOutcome(engineVersion: "engine-test", variants: [VariantOutcome(label: "", training: result)])
        let uses = [SampleUse(kind: .gradients, layers: [0, 2]), SampleUse(kind: .activations, layers: [1], moment: .trained)]
        let kept = SampleUse.keep(uses, of: outcome)
        let snaps = try #require(kept.variants[0].training?.snapshots)
        #expect(snaps.count == 2 && snaps.allSatisfy { $0.layers.count == 3 })
        #expect(snaps.map { $0.layers.map(\.gradients.count) } == [[2, 0, 2], [2, 0, 2]])
        #expect(snaps.map { $0.layers.map(\.activations.count) } == [[0, 0, 0], [0, 2, 0]])
        #expect(snaps.allSatisfy { $0.layers.allSatisfy(\.weights.isEmpty) })
        #expect(SampleUse.keep(uses, of: kept) == kept, "keeping twice changes nothing")
        #expect(SampleUse.keep([SampleUse(kind: .weights)], of: outcome).variants[0].training?.snapshots[1].layers[2].weights == [1, 2])
    }
}
