// Reports on sweeps: one labelled surface / table per variant, titles that name the split, expected failures, Float32 scales.
import Blocks
import Engine
import Execute
import Foundation
import LabbookCore
import Outcomes
import Testing
import Vocabulary
@testable import Render

@Suite struct VariantReportTests {
    static func result(_ loss: Double, validation: Bool = true, grid: Bool = false, check: Double? = nil) -> TrainingResult {
        TrainingResult(
            layerWidths: [4, 1], parameters: 17, epochsRun: 2, bestEpoch: 2,
            final: FinalMetrics(trainLoss: loss, trainAccuracy: 0.9, validationLoss: validation ? loss * 2 : nil,
                                validationAccuracy: validation ? 0.8 : nil),
            epochs: [EpochRecord(epoch: 1, trainLoss: loss * 3, trainAccuracy: 0.6, validationLoss: validation ? loss * 4 : nil,
                                 validationAccuracy: validation ? 0.5 : nil),
                     EpochRecord(epoch: 2, trainLoss: loss, trainAccuracy: 0.9, validationLoss: validation ? loss * 2 : nil,
                                 validationAccuracy: validation ? 0.8 : nil)],
            iterations: [IterationRecord(iteration: 0, loss: loss * 3, meanAbsGradient: [1, 1], gradientNorm: [1, 1]),
                         IterationRecord(iteration: 5, loss: loss, meanAbsGradient: [1, 1], gradientNorm: [1, 1])],
            snapshots: [], deadNeurons: [],
            gradientCheck: check.map { [GradientCheckRow(layer: 0, parameters: 12, maxRelativeDifference: $0)] },
            predictionGrid: grid ? PredictionGrid(resolution: 2, xRange: 0...1, yRange: 0...1, probabilities: [0, 0.2, 0.8, 1]) : nil)
    }

    /// A block as the reader wrote it (so variants and labels are real), with hand-made outcomes.
    static func context(_ yaml: String, _ results: [TrainingResult]) throws -> ReportContext {
        let (parsed, ds) = BlockReader.read(yaml: yaml, at: SourceLocation(file: "chapters/01.md", line: 1), bookDefaults: nil, chapterDefaults: nil,
                                            feasibility: EngineFeasibility())
        let spec = try #require(parsed, "\(ds)")
        let outcome = Runner.outcome(spec, zip(spec.variants, results).map { VariantOutcome(label: $0.label, training: $1) })
        return ReportContext(spec: spec, outcome: outcome, idPrefix: spec.id)
    }

    static let sweep = """
    id: s
    data: {source: moons, samples: 40}
    model: {hidden: [4], output: sigmoid}
    sweep:
      model.activation: [relu, tanh]
      labels: [ReLU net, tanh net]
    show: [predictions, gradient-check]
    """

    @Test func predictionsDrawOneLabelledSurfacePerVariant() throws {
        let ctx = try Self.context(Self.sweep, [Self.result(0.1, grid: true), Self.result(0.2, grid: true)])
        let html = ctx.predictions(chartID: "s-0").html.string
        #expect(html.contains("Predicted probability of class 1 — ReLU net") && html.contains("Predicted probability of class 1 — tanh net"))
        #expect(html.components(separatedBy: "<svg").count == 3)
        // The moons training points are drawn on top (Execute regenerates them from the variant's seed): 40 per surface.
        #expect(html.components(separatedBy: "<circle").count + html.components(separatedBy: "<rect").count > 80)
    }

    @Test func gradientCheckGivesATablePerVariant() throws {
        let ctx = try Self.context(Self.sweep, [Self.result(0.1, check: 1e-9), Self.result(0.2, check: 3e-6)])
        let html = ctx.gradientCheck().html.string
        #expect(html.components(separatedBy: "<table>").count == 3)
        #expect(html.contains("variant-name\">ReLU net<") && html.contains("variant-name\">tanh net<"))
        #expect(html.contains("3.00e-06") && html.contains("<td>no</td>") && html.contains("<td>yes</td>"))
        #expect(ctx.variantHeader == "variant")
    }

    @Test func curveTitlesNameWhatIsPlotted() throws {
        let sweep = try Self.context(Self.sweep, [Self.result(0.1), Self.result(0.2)])
        func title(_ ctx: ReportContext, _ c: CurveReport) -> String {
            let html = ctx.lossOrAccuracy(c, ctx.trained, chartID: "c").html.string
            return html.components(separatedBy: "<title").dropFirst().first.flatMap { $0.split(separator: ">").dropFirst().first }
                .map { String($0.prefix { $0 != "<" }) } ?? html
        }
        #expect(title(sweep, CurveReport(of: .loss, per: .iteration)) == "Training loss per iteration (minibatch)")
        #expect(title(sweep, CurveReport(of: .loss)) == "Validation loss per epoch")
        let both = sweep.lossOrAccuracy(CurveReport(of: .accuracy, splits: [.train, .validation]), sweep.trained, chartID: "c").html.string
        #expect(both.contains("Training and validation accuracy per epoch"))
        // A panel per split on a sweep.
        #expect(both.components(separatedBy: "<svg").count == 3)
        let single = try Self.context("id: one\ndata: {source: moons, samples: 40}\nmodel: {hidden: [4]}\n", [Self.result(0.1, validation: false)])
        #expect(title(single, CurveReport(of: .loss)) == "Training loss per epoch")
        let asked = single.lossOrAccuracy(CurveReport(of: .loss, splits: [.train, .validation], logScale: true), single.trained, chartID: "c").html.string
        #expect(asked.contains("No validation loss was recorded"))
    }

    @Test func histogramsOnASweepAreAFigurePerVariant() throws {
        func withSamples(_ r: TrainingResult, _ scale: Float) -> TrainingResult {
            var r = r
            r.snapshots = [Moment.initial, .trained].map { m in
                Snapshot(moment: m, layers: (0..<2).map { LayerSample(layer: $0, weights: [], activations: (0..<50).map { Float($0) * scale }, gradients: []) })
            }
            return r
        }
        let ctx = try Self.context(Self.sweep, [withSamples(Self.result(0.1), 0.01), withSamples(Self.result(0.2), 0.02)])
        let html = ctx.histogram(HistogramReport(of: .activations, when: .both), chartID: "s-1").html.string
        #expect(html.components(separatedBy: "<div class=\"chart\"").count == 3)
        #expect(html.contains("Activations per layer — ReLU net") && html.contains("Activations per layer — tanh net"))
        #expect(html.contains("Layer 1 (output) · After training"))
    }

    /// A `model.layers` sweep whose variants have different entries: each variant's figure has its own panels,
    /// named by its own entries (not the first variant's), and its CSV rows carry its own layer numbers.
    @Test func histogramsOfALayerListSweepUseEachVariantsLayers() throws {
        func layered(_ kinds: [String]) -> TrainingResult {
            var r = Self.result(0.1)
            r.layerWidths = kinds.map { _ in 4 }
            r.layerKinds = kinds
            r.snapshots = [Snapshot(moment: .trained, layers: kinds.indices.map {
                LayerSample(layer: $0, weights: [], activations: (0..<20).map { Float($0) }, gradients: [])
            })]
            return r
        }
        let ctx = try Self.context(Self.sweep, [layered(["dense", "relu", "dense"]),
                                                layered(["dense", "batch-norm", "relu", "dropout", "dense"])])
        let report = ctx.histogram(HistogramReport(of: .activations, when: .trained), chartID: "s-1")
        let figures = report.html.string.components(separatedBy: "<div class=\"chart\"").dropFirst()
        try #require(figures.count == 2)
        #expect(figures.first?.contains("Layer 2 (dense, output)") == true && figures.first?.contains("Layer 3") == false)
        #expect(figures.last.map { f in ["Layer 1 (batch-norm)", "Layer 2 (relu)", "Layer 3 (dropout)", "Layer 4 (dense, output)"].allSatisfy(f.contains) } == true)
        #expect(report.data.map(\.layer) == [0, 1, 2, 0, 1, 2, 3, 4])
    }

    @Test func rnnScalesAreFoundAsWrittenInTheYAML() {
        let probe = RecurrentProbeResult(series: [RecurrentProbeResult.Series(weightScale: Double(Float(1.3)), gradientNorms: [4, 2])])
        let outcome = BlockOutcome(variants: [VariantOutcome(label: "", recurrent: probe)])
        let ref = ResultReference.parse("rnn.rnn-gradient-ratio:1.3")
        #expect(ref.map { InlineResults.evaluate($0, in: outcome) } == .success("2.0"))
    }

    @Test func expectDivergenceFailsWhenNothingDivergesAndPassesWhenOneDoes() throws {
        func run(_ lrs: String) throws -> BlockRun {
            let yaml = "id: d\nexpect: divergence\nseed: 9\ndata: {source: gaussian, samples: 200, features: 10, labels: sign-of-sum}\n"
                + "model: {hidden: [16], output: identity}\nloss: mse\ntrain: {epochs: 5, batch: 20, record-every: 1}\nsweep: {optimizer.lr: [\(lrs)]}\n"
            let (spec, ds) = BlockReader.read(yaml: yaml, at: SourceLocation(file: "chapters/01.md", line: 1), bookDefaults: nil, chapterDefaults: nil,
                                            feasibility: EngineFeasibility())
            return Runner.run(try #require(spec, "\(ds)"), context: RunContext(bookDirectory: "/", environment: [:]))
        }
        let calm = try run("0.01, 0.02")
        #expect(calm.failure?.message.hasPrefix("the block expects a divergence") == true)
        let wild = try run("0.01, 3.0")
        #expect(wild.failure == nil)
        #expect(wild.outcome.variants.map { $0.training?.divergence != nil } == [false, true])
    }

    @Test func labelsMayHoldSlashesDotsAndSpaces() {
        #expect(ResultReference.parse("04/optimizers[SGD/momentum 0.9].validation-loss") == ResultReference(
            chapter: "04", block: "optimizers", variant: "SGD/momentum 0.9", quantity: "validation-loss", arguments: []))
        #expect(ResultReference.parse("b[a/b].epochs")?.chapter == nil)
    }

    @Test func expectedErrorIsANoteNotAnAlert() throws {
        let (spec, ds) = BlockReader.read(yaml: "id: t\nexpect: error\ndata: {source: moons}\nmodel: {hidden: [8], activation: sigmoidd}\n",
                                          at: SourceLocation(file: "chapters/01.md", line: 1), bookDefaults: nil, chapterDefaults: nil,
                                            feasibility: EngineFeasibility())
        #expect(ds.isEmpty)
        let s = try #require(spec)
        let run = Runner.assemble(s, [])
        #expect(run.failure == nil)
        let html = BlockRenderer.render(BlockInput(chapterSlug: "01", location: s.location, id: "t", spec: s, diagnostics: ds, run: run,
                                                   engineVersion: EngineInfo.version)).html
        #expect(html.contains("experiment-expected-error") && !html.contains("class=\"experiment-error\""))
        #expect(html.contains("unknown activation &#39;sigmoidd&#39;"))
    }
}
