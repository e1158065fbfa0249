// One test per kind of problem an author can make, asserting the exact message and LINE:COL.
import Testing
import LabbookCore
@testable import Blocks

@Suite struct ValidationTests {
    @Test func yamlSyntaxErrorPointsIntoTheChapter() {
        let m = messages("id: a\ndata: [1, 2\nmodel: {}\n")
        #expect(m.count == 1)
        #expect(m.first?.hasPrefix("chapters/01-intro.md:13:") == true)
        #expect(m.first?.contains("error: invalid YAML:") == true)
    }

    @Test func unknownKeyWithDidYouMean() {
        let (spec, d) = read(gaussianBlock + "train:\n  epoch: 3\n")
        #expect(spec == nil)
        #expect(d.map(\.description) == ["chapters/01-intro.md:16:3: error: unknown key 'epoch' in 'train'; did you mean 'epochs'?"])
        #expect(d.first?.message == "unknown key 'epoch' in 'train'" && d.first?.hint == "did you mean 'epochs'?")
    }

    @Test func unknownTopLevelKey() {
        #expect(messages(gaussianBlock + "sed: 3\n") == ["chapters/01-intro.md:15:1: error: unknown key 'sed'; did you mean 'seed'?"])
    }

    @Test func duplicateKey() {
        #expect(messages(gaussianBlock + "seed: 1\nseed: 2\n") == ["chapters/01-intro.md:16:1: error: duplicate key 'seed'; it is already set at line 15"])
    }

    @Test func wrongType() {
        #expect(messages(gaussianBlock + "train: {batch: abc}\n") == ["chapters/01-intro.md:15:16: error: 'train.batch' must be a positive integer, got 'abc'"])
        #expect(messages(gaussianBlock + "train: 5\n") == ["chapters/01-intro.md:15:8: error: 'train' must be a map of keys (one of: epochs, batch, shuffle, drop-last, patience, record-every, clip), got '5'"])
        #expect(messages(gaussianBlock + "echo: perhaps\n") == ["chapters/01-intro.md:15:7: error: 'echo' must be true or false, got 'perhaps'"])
    }

    @Test(arguments: [
        ("optimizer: {lr: -0.1}", "15:17: error: 'optimizer.lr' must be a positive number, got '-0.1'"),
        ("optimizer: {lr: 0}", "15:17: error: 'optimizer.lr' must be a positive number, got '0'"),
        ("train: {batch: 0}", "15:16: error: 'train.batch' must be a positive integer, got '0'"),
        ("train: {epochs: -1}", "15:17: error: 'train.epochs' must be a non-negative integer, got '-1'"),
        ("train: {patience: 0}", "15:19: error: 'train.patience' must be a positive integer, got '0'"),
        ("train: {clip: {norm: 0}}", "15:22: error: 'train.clip.norm' must be a positive number, got '0'"),
        ("optimizer: {momentum: 1}", "15:23: error: 'optimizer.momentum' must be a number in [0, 1), got '1'"),
        ("optimizer: {name: adam, beta1: 1.5}", "15:32: error: 'optimizer.beta1' must be a number in [0, 1), got '1.5'"),
        ("optimizer: {name: adam, eps: 0}", "15:30: error: 'optimizer.eps' must be a positive number, got '0'"),
        ("seed: -4", "15:7: error: 'seed' must be a non-negative integer, got '-4'"),
    ])
    func outOfRange(line: String, expected: String) {
        #expect(messages(gaussianBlock + line + "\n") == ["chapters/01-intro.md:" + expected])
    }

    @Test func zeroWidth() {
        #expect(messages("id: a\ndata: {source: xor}\nmodel: {hidden: [4, 0]}\n")
            == ["chapters/01-intro.md:13:21: error: 'model.hidden[1]' must be a positive integer, got '0'"])
    }

    @Test func fashionMNISTSizes() {
        let block = "id: f\ndata: {source: fashion-mnist, train: 55000, validation: 10000}\nmodel: {hidden: [10]}\n"
        let d = read(block).1
        #expect(d.map(\.description) == ["chapters/01-intro.md:12:57: error: 'data.train' + 'data.validation' must be at most 60000 for fashion-mnist, got 55000 + 10000; the training file holds 60000 examples; lower data.train or data.validation"])
    }

    @Test func unknownNameWithDidYouMean() {
        let d = read(gaussianBlock.replacingOccurrences(of: "  hidden: [8, 8]\n", with: "  hidden: [8, 8]\n  activation: sigmoidd\n")).1
        #expect(d.map(\.description) == ["chapters/01-intro.md:15:15: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?"])
        #expect(d.first?.message == "unknown activation 'sigmoidd'")
        #expect(d.first?.hint == "did you mean 'sigmoid'?")
        #expect(messages(gaussianBlock + "optimizer: adma\n") == ["chapters/01-intro.md:15:12: error: unknown optimizer 'adma'; did you mean 'adam'?"])
        #expect(messages(gaussianBlock + "loss: hubr\n") == ["chapters/01-intro.md:15:7: error: unknown loss 'hubr'; did you mean 'huber'?"])
        #expect(messages("id: a\ndata: {source: fashion-mnst}\nmodel: {hidden: []}\n") == ["chapters/01-intro.md:12:16: error: unknown data source 'fashion-mnst'; did you mean 'fashion-mnist'?"])
        #expect(messages(gaussianBlock + "show: [histogramm]\n") == ["chapters/01-intro.md:15:8: error: unknown report 'histogramm'; did you mean 'histogram'?"])
    }

    @Test func unknownParameter() {
        let block = gaussianBlock + "optimizer: {name: sgd, lr: 0.1, momentun: 0.9}\n"
        #expect(messages(block) == ["chapters/01-intro.md:15:33: error: unknown key 'momentun' in 'optimizer'; did you mean 'momentum'?"])
        let relu = gaussianBlock.replacingOccurrences(of: "[8, 8]\n", with: "[8, 8]\n  activation: {name: relu, slope: 0.1}\n")
        #expect(messages(relu) == ["chapters/01-intro.md:15:28: error: unknown key 'slope' in 'model.activation'; activation 'relu' takes no parameters"])
    }

    @Test func missingAndBadId() {
        #expect(messages("data: {source: xor}\nmodel: {hidden: [2]}\n")
            == ["chapters/01-intro.md:10:1: error: missing 'id'; every experiment block needs a line like 'id: my-experiment' ([a-z0-9-]+, unique in the chapter)"])
        #expect(messages("id: ../x\ndata: {source: xor}\nmodel: {hidden: [2]}\n")
            == ["chapters/01-intro.md:11:5: error: invalid id '../x'; ids use lowercase letters, digits and '-' only, e.g. 'sigmoid-normal'"])
        #expect(messages("id: Big\ndata: {source: xor}\nmodel: {hidden: [2]}\n").count == 1)
    }

    @Test func duplicateIdsInAChapter() throws {
        let a = try #require(read(gaussianBlock).0)
        var b = a
        b.location = SourceLocation(file: chapterFile, line: 40)
        let c = ExperimentSpec(id: "other", location: SourceLocation(file: chapterFile, line: 50))
        #expect(BlockReader.checkUnique([a, b, c]).map(\.description)
            == ["chapters/01-intro.md:40:1: error: duplicate id 'demo'; it is already used by the block at line 10"])
    }

    @Test func missingSections() {
        #expect(messages("id: a\n") == [
            "chapters/01-intro.md:10:1: error: missing 'data'; add e.g. 'data: {source: gaussian, samples: 1000, features: 50}'",
            "chapters/01-intro.md:10:1: error: missing 'model'; add e.g. 'model: {hidden: [50, 50], activation: relu}'",
        ])
        #expect(messages("id: a\ndata: {samples: 3}\nmodel: {activation: relu}\n") == [
            "chapters/01-intro.md:12:7: error: 'data.source' is missing; expected one of: gaussian, xor, fashion-mnist, mnist, idx, csv, moons, circles, spirals, blobs",
            "chapters/01-intro.md:13:8: error: 'model.hidden' is missing; give the hidden layer widths, e.g. 'hidden: [50, 50]' ([] for none)",
        ])
    }

    @Test func keyNotApplyingToSource() {
        #expect(messages("id: a\ndata: {source: xor, train: 10}\nmodel: {hidden: [2]}\n")
            == ["chapters/01-intro.md:12:21: error: 'data.train' does not apply to data source 'xor'; xor data takes: samples, normalize"])
        #expect(messages("id: a\ndata: {source: xor, samples: 6}\nmodel: {hidden: [2]}\n")
            == ["chapters/01-intro.md:12:30: error: 'data.samples' must be a multiple of 4 for xor data (the 4 corners repeated), got '6'"])
    }

    /// A recurrent probe over the work limit, in the engine's exponent style: 421 scales × 2 × 7000 steps × 13000²
    /// = 9.96e14 multiply-adds rounds to "1.0e15" (a hand-written formatter once wrote "10.0e14").
    @Test func recurrentProbeOverTheWorkLimit() {
        let scales = Array(repeating: "1.0", count: 421).joined(separator: ", ")
        #expect(messages("id: r\nrecurrent: {hidden: 13000, steps: 7000, weight-scale: [\(scales)]}\n") == [
            "chapters/01-intro.md:12:35: error: the recurrent probe needs ~1.0e15 multiply-adds, over the work limit of 2.0e14; use fewer steps or a smaller hidden state",
        ])
    }

    @Test func inconsistentCombinations() {
        let softmaxBCE = read("id: a\ndata: {source: fashion-mnist}\nmodel: {hidden: [10]}\nloss: bce\n").1
        #expect(softmaxBCE.map(\.description) == ["chapters/01-intro.md:14:7: error: loss 'bce' does not fit output 'softmax'; use 'loss: cross-entropy' with a softmax output, or 'output: sigmoid' for two classes"])
        #expect(softmaxBCE.first?.hint != nil)
        #expect(messages("id: a\ndata: {source: fashion-mnist}\nmodel: {hidden: [10], output: sigmoid}\nloss: mse\n")
            == ["chapters/01-intro.md:13:31: error: output 'sigmoid' needs 2 classes, but fashion-mnist data has 10; use 'output: softmax' with 'loss: cross-entropy'"])
        #expect(messages(gaussianBlock + "recurrent: {hidden: 8}\n") == [
            "chapters/01-intro.md:12:1: error: 'data' cannot be combined with 'recurrent'; a recurrent probe builds its own network and inputs; put the training experiment in its own block",
            "chapters/01-intro.md:13:1: error: 'model' cannot be combined with 'recurrent'; a recurrent probe builds its own network and inputs; put the training experiment in its own block",
        ])
        #expect(messages(gaussianBlock + "optimizer: {nesterov: true}\n")
            == ["chapters/01-intro.md:15:23: error: 'optimizer.nesterov' needs a momentum above 0; set 'momentum: 0.9', say"])
        #expect(messages(gaussianBlock + "train: {patience: 3}\n")
            == ["chapters/01-intro.md:15:19: error: 'train.patience' needs validation data to watch; add 'validation: N' to 'data' (examples held out from training)"])
    }

    @Test func reportChecks() {
        #expect(messages(gaussianBlock + "show:\n  - histogram: {layers: [0, 3]}\n")
            == ["chapters/01-intro.md:16:29: error: histogram layer 3 is out of range: the network has 3 layers (0–2); layers count the hidden layers from 0, then the output layer"])
        #expect(messages("id: a\ndata: {source: fashion-mnist}\nmodel: {hidden: [10]}\nshow: [predictions]\n")
            == ["chapters/01-intro.md:14:8: error: report 'predictions' needs 2-D input, but the data has 784 features; use a 2-D source (moons, circles, spirals, blobs, xor), or gaussian data with 'features: 2'"])
        #expect(messages(gaussianBlock + "show: [{curve: {per: time-step}}]\n")
            == ["chapters/01-intro.md:15:22: error: 'curve.per: time-step' is only for recurrent probes; use 'per: epoch' or 'per: iteration'"])
        #expect(messages("id: r\nrecurrent: {steps: 10}\nshow: [gradient-check]\n")
            == ["chapters/01-intro.md:13:8: error: report 'gradient-check' needs a network trained on data, not a recurrent probe; a recurrent probe shows 'curve: {of: gradient-norm, per: time-step}'"])
        #expect(messages(gaussianBlock + "train: {epochs: 0}\nshow: [{histogram: {when: trained}}]\n")
            == ["chapters/01-intro.md:16:27: error: 'histogram.when: trained' needs training, but 'train.epochs' is 0; use 'when: init' or train for some epochs"])
        #expect(messages(gaussianBlock + "show: [{histogram: {of: weight}}]\n")
            == ["chapters/01-intro.md:15:25: error: unknown histogram quantity 'weight'; did you mean 'weights'?"])
    }

    @Test func everyProblemInOnePass() {
        let block = """
        id: three
        data: {source: gaussian, samples: 100, features: 2}
        model:
          hidden: [8]
          activation: sigmoidd
        optimizer: {lr: 0}
        train: {epoch: 3}

        """
        #expect(messages(block) == [
            "chapters/01-intro.md:15:15: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?",
            "chapters/01-intro.md:16:17: error: 'optimizer.lr' must be a positive number, got '0'",
            "chapters/01-intro.md:17:9: error: unknown key 'epoch' in 'train'; did you mean 'epochs'?",
        ])
    }

    @Test func notAMap() {
        #expect(messages("just text\n") == ["chapters/01-intro.md:11:1: error: an experiment block must be a map of keys such as 'id:', 'data:' and 'model:'; start with a line like 'id: my-experiment'"])
    }
}

@Suite struct MoreValidationTests {
    @Test func functionOnlyBlockWarnsAboutUnusedTraining() throws {
        let (spec, d) = read("id: z\nmodel: {hidden: [3]}\nshow: {function: {of: derivatives}}\n")
        #expect(spec != nil && spec?.job == nil)
        #expect(d.map(\.description) == ["chapters/01-intro.md:12:1: warning: 'model' is ignored: this block only plots functions"])
    }

    @Test func malformedReportsAndClip() {
        #expect(messages(gaussianBlock + "show: [{histogram: {}, curve: {}}]\n")
            == ["chapters/01-intro.md:15:8: error: each entry of 'show' must be a report name or a map with one report name; e.g. '- histogram: {of: weights}'"])
        #expect(messages(gaussianBlock + "train: {clip: {norm: 1, value: 1}}\n")
            == ["chapters/01-intro.md:15:15: error: 'train.clip' takes either 'norm' or 'value', not both"])
        #expect(messages(gaussianBlock + "show: [{table: totals}]\n")
            == ["chapters/01-intro.md:15:16: error: unknown table 'totals'; expected one of: summary"])
    }

    @Test func tabIndentationIsASyntaxError() {
        let d = read("id: a\ndata:\n\tsource: xor\n").1
        #expect(d.count == 1 && d.first?.location.line == 13 && d.first?.message.hasPrefix("invalid YAML: ") == true)
    }
}
