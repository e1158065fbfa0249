// Defaults, merging with book and chapter defaults, parameters, reports and the book/front-matter readers.
import LabbookCore
import Testing
import Vocabulary
@testable import Blocks

@Suite struct ConfigTests {
    @Test func defaultsOfAMinimalBlock() throws {
        let (spec, d) = read(gaussianBlock)
        #expect(d.isEmpty)
        let s = try #require(spec)
        #expect(s.id == "demo" && s.title == nil && s.seed == 0 && !s.echo && s.location == fence)
        #expect(s.data == DataSpec(source: .gaussian, samples: 100, features: 2))
        let job = try #require(s.job)
        #expect(job.model == ModelConfig(hidden: [8, 8], activation: .relu, initScheme: .torchDefault, biasInit: .zeros, output: .sigmoid))
        #expect(job.loss == .bce)
        #expect(job.optimizer == .sgd(lr: 0.01, momentum: 0, nesterov: false))
        #expect(job.train == TrainConfig(epochs: 5, batch: 32, shuffle: true, dropLast: false, patience: nil, recordEvery: 100, clip: .none))
        #expect(job.diagnostics == Diagnostics())
        #expect(s.show == [.summaryTable] && s.sweep.isEmpty && s.needsTraining)
        #expect(s.variants.map(\.label) == [""] && s.variants.first?.job == job)
        #expect(s.yaml == gaussianBlock)
    }

    @Test func tenClassesDefaultToSoftmaxAndCrossEntropy() throws {
        let s = try #require(read("id: f\ndata: {source: fashion-mnist, normalize: {mean: 0.2861, std: 0.3530}}\nmodel: {hidden: {width: 50, depth: 3}}\n").0)
        #expect(s.job?.model.output == .softmax && s.job?.loss == .crossEntropy && s.job?.model.hidden == [50, 50, 50])
        #expect(s.data?.normalize == .fixed(mean: 0.2861, std: 0.3530))
        #expect(s.data?.train == nil && s.data?.validation == nil)
    }

    @Test func parametersOfNamedValues() throws {
        let block = """
        id: p
        seed: 42
        title: All the knobs
        echo: true
        data: {source: gaussian, samples: 200, features: 3, labels: sign-of-sum, validation: 50, normalize: per-feature}
        model:
          hidden: [4]
          activation: {name: leaky-relu, slope: 0.1}
          init: {name: uniform, limit: 0.01}
          bias-init: torch-default
          output: identity
        loss: {name: huber, delta: 2}
        optimizer: {name: sgd, lr: 0.1, momentum: 0.9, nesterov: true}
        train: {epochs: 0, batch: 1, shuffle: false, drop-last: true, patience: 2, record-every: 10, clip: {value: 0.5}}

        """
        let (spec, d) = read(block)
        #expect(d.isEmpty)
        let s = try #require(spec)
        #expect(s.seed == 42 && s.title == "All the knobs" && s.echo)
        #expect(s.data == DataSpec(source: .gaussian, samples: 200, features: 3, labels: .signOfSum, validation: 50, normalize: .perFeature))
        #expect(s.job?.model == ModelConfig(hidden: [4], activation: .leakyRelu(slope: 0.1), initScheme: .uniform(limit: 0.01),
                                           biasInit: .torchDefault, output: .identity))
        #expect(s.job?.loss == .huber(delta: 2))
        #expect(s.job?.optimizer == .sgd(lr: 0.1, momentum: 0.9, nesterov: true))
        #expect(s.job?.train == TrainConfig(epochs: 0, batch: 1, shuffle: false, dropLast: true, patience: 2, recordEvery: 10, clip: .value(0.5)))
        #expect(s.job?.seed == 42)
        let adam = try #require(read("id: a\ndata: {source: xor}\noptimizer: adam\nmodel: {hidden: [], init: {name: normal, std: 1}}\ntrain: {clip: {norm: 1.0}}\n").0)
        #expect(adam.job?.optimizer == .adam(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8))
        #expect(adam.job?.model.initScheme == .normal(std: 1) && adam.job?.model.hidden == [] && adam.job?.train.clip == .norm(1))
    }

    @Test func defaultsMergeBookThenChapterThenBlock() throws {
        let book = """
        title: Deep Nets
        defaults:
          seed: 3
          optimizer: {name: adam, lr: 0.002}
          train: {epochs: 2, batch: 64}
          model: {activation: tanh}

        """
        let chapter = """
        title: Intro
        defaults:
          train: {epochs: 4}
          model:
            activation: {name: leaky-relu, slope: 0.2}

        """
        let (spec, d) = read(gaussianBlock + "train: {batch: 16}\n", book: book, chapter: chapter)
        #expect(d.isEmpty)
        let job = try #require(spec?.job)
        #expect(spec?.seed == 3 && job.seed == 3)
        #expect(job.optimizer == .adam(lr: 0.002, beta1: 0.9, beta2: 0.999, eps: 1e-8))
        #expect(job.train.epochs == 4 && job.train.batch == 16)
        #expect(job.model.activation == .leakyRelu(slope: 0.2))
        // A block refines a default's parameters; a different name replaces the default whole.
        let refined = try #require(read(gaussianBlock + "optimizer: {lr: 0.01}\n", book: book).0)
        #expect(refined.job?.optimizer == .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8))
        let replaced = try #require(read(gaussianBlock + "optimizer: {name: sgd, momentum: 0.5}\n",
                                         book: "defaults: {optimizer: {name: adam, beta1: 0.8}}\n").0)
        #expect(replaced.job?.optimizer == .sgd(lr: 0.01, momentum: 0.5, nesterov: false))
        // null removes an inherited key.
        let patient = "defaults: {train: {patience: 3}}\n"
        #expect(read(gaussianBlock, book: patient).0 == nil)
        #expect(read(gaussianBlock + "train: {patience: null}\n", book: patient).0?.job?.train.patience == nil)
    }

    @Test func errorsInDefaultsPointIntoTheirFiles() {
        let book = "title: B\ndefaults:\n  train: {epoch: 2}\n"
        let chapter = "defaults:\n  optimizer: {lr: -1}\n"
        #expect(messages(gaussianBlock, book: book, chapter: chapter) == [
            "chapters/01-intro.md:3:19: error: 'optimizer.lr' must be a positive number, got '-1'",
            "book.yml:3:11: error: unknown key 'epoch' in 'train'; did you mean 'epochs'?",
        ])
        #expect(messages(gaussianBlock, book: "defaults: {id: x}\n") == ["book.yml:1:12: error: 'id' cannot be set in defaults; each block names itself"])
    }

    @Test func reportsAndTheDiagnosticsTheyRequest() throws {
        let block = """
        id: x
        data: {source: xor, samples: 8}
        model: {hidden: [4, 4]}
        show:
          - table: summary
          - summary
          - histogram: {of: log10-abs-gradients, layers: [0, 2], when: both, bins: 20, shared-axes: false}
          - curve: {of: gradient-norm, per: iteration, layers: all}
          - dead-neurons
          - gradient-check
          - predictions: {grid: true}

        """
        let (spec, d) = read(block)
        #expect(d.isEmpty)
        let s = try #require(spec)
        #expect(s.show == [
            .summaryTable, .summaryTable,
            .histogram(HistogramReport(of: .log10AbsGradients, layers: [0, 2], when: .both, bins: 20, sharedAxes: false)),
            .curve(CurveReport(of: .gradientNorm, per: .iteration, layers: nil)),
            .deadNeurons(when: .both), .gradientCheck, .predictions(grid: true),
        ])
        #expect(s.job?.diagnostics == Diagnostics(gradientCheck: true, predictionGrid: 60))
        let initOnly = try #require(read(gaussianBlock + "train: {epochs: 0}\nshow: [histogram]\n").0)
        #expect(initOnly.show == [.histogram(HistogramReport(of: .weights, layers: nil, when: .initial, bins: 50, sharedAxes: true))])
    }

    @Test func functionOnlyBlock() throws {
        let block = """
        id: zoo
        show:
          - function: {of: activations, names: [sigmoid, tanh, {name: leaky-relu, slope: 0.1}]}
          - function: {of: losses, range: [-3, 3], names: [mse, {name: huber, delta: 1}]}

        """
        let (spec, d) = read(block, book: "defaults: {data: {source: xor}, model: {hidden: [2]}}\n")
        #expect(d.isEmpty)
        let s = try #require(spec)
        #expect(s.job == nil && s.data == nil && !s.needsTraining)
        #expect(s.show == [
            .function(FunctionReport(of: .activations, lower: -5, upper: 5, names: ["sigmoid", "tanh", "leaky-relu(slope: 0.1)"],
                                     activations: [.sigmoid, .tanh, .leakyRelu(slope: 0.1)])),
            .function(FunctionReport(of: .losses, lower: -3, upper: 3, names: ["mse", "huber(delta: 1)"], losses: [.mse, .huber(delta: 1)])),
        ])
        let zoo = try #require(read("id: all\nshow: [function]\n").0)
        guard case .function(let f) = zoo.show.first else { Issue.record("expected a function report"); return }
        #expect(f.names == Activation.names && f.of == .activations && f.range == [-5, 5])
        #expect(messages("id: z\nshow: [{function: {names: [sigmod]}}]\n")
            == ["chapters/01-intro.md:12:28: error: unknown activation 'sigmod'; did you mean 'sigmoid'?"])
    }

    @Test func recurrentProbeBlock() throws {
        let block = "id: rnn\nrecurrent: {hidden: 32, steps: 50, weight-scale: [0.5, 1.0, 1.5], activation: tanh}\n"
        let (spec, d) = read(block, book: "defaults: {data: {source: xor}, model: {hidden: [2]}}\n")
        #expect(d.isEmpty)
        let s = try #require(spec)
        #expect(s.recurrent == RecurrentProbeConfig(hidden: 32, steps: 50, weightScales: [0.5, 1, 1.5], activation: .tanh))
        #expect(s.job == nil && s.data == nil && !s.needsTraining)
        #expect(s.show == [.curve(CurveReport(of: .gradientNorm, per: .timeStep))])
        #expect(s.variants.first?.recurrent == s.recurrent)
    }

    @Test func bookConfigAndFrontMatter() {
        let (book, d) = BookReader.readBookConfig(yaml: "title: Nets\nauthor: Ada\ndescription: A lab book\n", file: "book.yml")
        #expect(d.isEmpty && book.title == "Nets" && book.author == "Ada" && book.language == "en" && book.description == "A lab book")
        #expect(BookReader.readBookConfig(yaml: "language: pt-BR\n", file: "book.yml").0.language == "pt-BR")
        #expect(BookReader.readBookConfig(yaml: "language: english please\ntitel: x\n", file: "book.yml").1.map(\.description) == [
            "book.yml:2:1: error: unknown key 'titel' in 'book.yml'; did you mean 'title'?",
            "book.yml:1:11: error: 'language' must be a BCP 47 tag such as 'en' or 'pt-BR', got 'english please'",
        ])
        let (meta, md) = BookReader.readFrontMatter(yaml: "title: Intro\ndefaults:\n  seed: 1\n", at: SourceLocation(file: chapterFile, line: 2))
        #expect(md.isEmpty && meta.title == "Intro")
        #expect(meta.defaults?["seed"]?.location == SourceLocation(file: chapterFile, line: 4, column: 9))
        #expect(BookReader.readFrontMatter(yaml: "title: [a\n", at: SourceLocation(file: chapterFile, line: 2)).1.first?.location.line == 3)
    }
}
