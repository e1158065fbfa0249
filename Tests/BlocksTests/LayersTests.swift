// `model.layers`: every spelling of the contract, and located errors for each bad entry.
import LabbookCore
import Testing
@testable import Blocks

@Suite struct LayersTests {
    let head = "id: l\ndata: {source: gaussian, samples: 100, features: 4}\nmodel:\n  output: softmax\n  layers:\n"

    @Test func everySpelling() throws {
        let (spec, d) = read(head + """
            - dense: 16
            - batch-norm
            - relu
            - {dropout: 0.2}
            - {dense: {units: 8, init: he}}
            - {batch-norm: {momentum: 0.2, eps: 1.0e-3}}
            - {leaky-relu: {slope: 0.1}}
            - dropout
            - silu
            - dense: 2
        """)
        #expect(d.isEmpty, "\(d)")
        let model = try #require(spec?.job?.model)
        #expect(model.layers == [.dense(units: 16, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5), .activation(.relu),
                                 .dropout(rate: 0.2), .dense(units: 8, initScheme: .he), .batchNorm(momentum: 0.2, eps: 1e-3),
                                 .activation(.leakyRelu(slope: 0.1)), .dropout(rate: 0.5), .activation(.swish), .dense(units: 2, initScheme: nil)])
        #expect(model.denseWidths == [16, 8])
    }

    @Test func badEntriesPointAtTheirLines() {
        let m = messages(head + """
            - dense: 0
            - relux
            - dropout: 1.0
            - {batch-norm: {momentum: 2}}
            - dense: 2
        """)
        #expect(m == [
            "chapters/01-intro.md:16:14: error: 'model.layers[0].dense' must be a positive integer, got '0'",
            "chapters/01-intro.md:17:7: error: unknown layer 'relux'; did you mean 'relu'?",
            "chapters/01-intro.md:18:16: error: 'model.layers[2].dropout' must be a rate in [0, 1) (the probability of zeroing a value), got '1.0'",
            "chapters/01-intro.md:19:31: error: 'model.layers[3].batch-norm.momentum' must be a number in [0, 1], got '2'",
        ])
    }

    @Test func shapesAreCheckedAgainstTheData() {
        #expect(messages(head + "    - dense: 8\n    - relu\n") ==
                ["chapters/01-intro.md:17:7: error: the last entry of 'model.layers' must be the output layer, a 'dense' layer; add e.g. '- dense: 10' (one unit per class; 1 for a sigmoid output)"])
        #expect(messages(head + "    - dense: 8\n    - dense: 3\n") ==
                ["chapters/01-intro.md:17:7: error: the last dense layer has 3 units, but output softmax with 2 classes needs 2"])
        #expect(messages(head.replacingOccurrences(of: "model:\n", with: "model:\n  input: [2, 3]\n") + "    - dense: 2\n") ==
                ["chapters/01-intro.md:14:3: error: 'model.input' [2, 3] has 6 values per example, but the data has 4"])
        #expect(messages(head + "    - dense: 2\n  hidden: [3]\n") ==
                ["chapters/01-intro.md:17:3: error: 'model.hidden' is the shorthand; with 'model.layers' write the layers there; e.g. '- dense: 50' per hidden layer"])
    }

    @Test func inheritedShorthandGivesWayToTheBlocksLayers() throws {
        let (spec, d) = read(head + "    - dense: 2\n", chapter: "defaults:\n  model: {hidden: [3, 3], activation: tanh}\n")
        #expect(d.isEmpty, "\(d)")
        #expect(spec?.job?.model.layers == [.dense(units: 2, initScheme: nil)])
    }

    @Test func reportsNumberTheEntries() {
        #expect(messages(head + "    - dense: 2\nshow: [dead-neurons]\n") ==
                ["chapters/01-intro.md:17:8: error: report 'dead-neurons' counts the units of activation layers, but 'model.layers' has none"])
        #expect(messages(head + "    - dense: 8\n    - relu\n    - dense: 2\nshow: [{histogram: {layers: [3]}}]\n") ==
                ["chapters/01-intro.md:19:30: error: histogram layer 3 is out of range: the network has 3 layers (0–2); layers count the entries of 'model.layers' from 0"])
        #expect(read(head + "    - dense: 8\n    - relu\n    - dense: 2\nshow: [{histogram: {layers: [1, 2]}}, dead-neurons, gradient-check]\n").1.isEmpty)
    }

    @Test func batchNormWithBatchOneIsRefused() {
        #expect(messages(head + "    - dense: 8\n    - batch-norm\n    - dense: 2\ntrain: {batch: 1}\n") ==
                ["chapters/01-intro.md:17:7: error: batch-norm needs at least 2 values per channel in training, but 'train.batch' is 1; use a batch of 2 or more, or drop the batch-norm layer"])
    }
}
