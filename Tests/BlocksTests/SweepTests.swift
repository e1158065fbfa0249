// Sweep expansion (labels, order, per-variant config, per-variant validation) and canonical configs.
import LabbookCore
import Testing
@testable import Blocks

@Suite struct SweepTests {
    @Test func oneAxis() throws {
        let s = try #require(read(gaussianBlock + "sweep:\n  model.activation: [sigmoid, tanh, relu]\n").0)
        #expect(s.sweep == [SweepAxis(key: "model.activation", values: ["sigmoid", "tanh", "relu"])])
        #expect(s.variants.map(\.label) == ["sigmoid", "tanh", "relu"])
        #expect(s.variants.map { $0.job?.model.activation } == [.sigmoid, .tanh, .relu])
        #expect(s.job?.model.activation == .sigmoid)
    }

    @Test func twoAxesInWrittenOrder() throws {
        let s = try #require(read(gaussianBlock + "sweep:\n  model.activation: [sigmoid, relu]\n  optimizer.lr: [0.1, 0.01]\n").0)
        #expect(s.variants.map(\.label) == ["activation=sigmoid, lr=0.1", "activation=sigmoid, lr=0.01",
                                            "activation=relu, lr=0.1", "activation=relu, lr=0.01"])
        #expect(s.variants.map { $0.job?.optimizer.learningRate } == [0.1, 0.01, 0.1, 0.01])
        #expect(Set(s.variants.map(\.canonicalConfig)).count == 4)
    }

    @Test func mapValuesSeedsAndWidths() throws {
        let block = gaussianBlock + "sweep:\n  model.init: [{name: normal, std: 1}, xavier]\n  seed: [1, 2]\n  model.hidden: [[4], [4, 4]]\n"
        let s = try #require(read(block).0)
        #expect(s.sweep.map(\.values) == [["normal(std: 1)", "xavier"], ["1", "2"], ["[4]", "[4, 4]"]])
        #expect(s.variants.count == 8)
        #expect(s.variants[0].label == "init=normal(std: 1), seed=1, hidden=[4]")
        #expect(s.variants[0].job?.model.initScheme == .normal(std: 1) && s.variants[7].job?.model.initScheme == .xavier)
        #expect(s.variants.map(\.seed) == [1, 1, 2, 2, 1, 1, 2, 2] && s.variants[1].job?.seed == 1)
        #expect(s.variants[1].job?.model.hidden == [4, 4])
    }

    @Test func sweptNameReplacesParameters() throws {
        let s = try #require(read(gaussianBlock + "optimizer: {name: sgd, momentum: 0.9}\nsweep: {optimizer.name: [sgd, adam]}\n").0)
        #expect(s.variants.map { $0.job?.optimizer } == [.sgd(lr: 0.01, momentum: 0.9, nesterov: false),
                                                        .adam(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8)])
    }

    @Test func sweepProblems() {
        #expect(messages(gaussianBlock + "sweep:\n  model.activaton: [relu]\n")
            == ["chapters/01-intro.md:16:3: error: unknown sweep key 'model.activaton'; did you mean 'model.activation'?"])
        #expect(messages(gaussianBlock + "sweep:\n  optimizer.lr: 0.1\n")
            == ["chapters/01-intro.md:16:17: error: 'sweep.optimizer.lr' must be a non-empty list of values, got '0.1'; e.g. 'optimizer.lr: [a, b]'"])
        // Each variant is validated; the error points at the offending value.
        #expect(messages(gaussianBlock + "sweep:\n  optimizer.lr: [0.1, -1, 0]\n") == [
            "chapters/01-intro.md:16:23: error: 'optimizer.lr' must be a positive number, got '-1'",
            "chapters/01-intro.md:16:27: error: 'optimizer.lr' must be a positive number, got '0'",
        ])
        #expect(messages(gaussianBlock + "sweep:\n  model.activation: [relu, sigmoidd]\n")
            == ["chapters/01-intro.md:16:28: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?"])
    }

    @Test func canonicalConfigIgnoresLayoutAndTitle() throws {
        let a = """
        id: a
        title: First
        seed: 1
        data: {source: gaussian, samples: 100, features: 2}
        model: {hidden: [8], activation: tanh}
        optimizer: {name: sgd, lr: 0.1}

        """
        let b = """
        optimizer:
          lr: 0.1
          name: sgd
        model:
          activation: tanh
          hidden: [8]
        data: {features: 2, samples: 100, source: gaussian}
        seed: 1
        id: b
        title: Another title

        """
        let va = try #require(read(a).0?.variants.first), vb = try #require(read(b).0?.variants.first)
        #expect(va.canonicalConfig == vb.canonicalConfig)
        #expect(va.canonicalConfig.contains("\"seed\":1"))
        let c = try #require(read(a.replacingOccurrences(of: "lr: 0.1", with: "lr: 0.2")).0?.variants.first)
        #expect(c.canonicalConfig != va.canonicalConfig)
        let d = try #require(read(a.replacingOccurrences(of: "seed: 1", with: "seed: 2")).0?.variants.first)
        #expect(d.canonicalConfig != va.canonicalConfig)
    }
}
