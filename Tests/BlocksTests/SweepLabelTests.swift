// Paired sweeps (`zip:`), variant labels, `expect:`, duplicate ids as written, and the v2 data keys.
import Execute
import Foundation
import LabbookCore
import Testing
import Vocabulary
@testable import Blocks

@Suite struct SweepLabelTests {
    @Test func zipPairsListsAndOtherKeysStayCartesian() throws {
        let block = gaussianBlock + """
        sweep:
          seed: [1, 2]
          zip: {optimizer.name: [sgd, adam], optimizer.lr: [0.1, 0.001]}
        """
        let s = try #require(read(block).0)
        #expect(s.variants.count == 4)
        #expect(s.variants.map(\.label) == ["seed=1, name=sgd, lr=0.1", "seed=1, name=adam, lr=0.001",
                                            "seed=2, name=sgd, lr=0.1", "seed=2, name=adam, lr=0.001"])
        #expect(s.variants.map { $0.job?.optimizer.learningRate } == [0.1, 0.001, 0.1, 0.001])
        #expect(s.variants.map(\.seed) == [1, 1, 2, 2])
        #expect(s.sweep.map(\.key) == ["seed", "optimizer.name", "optimizer.lr"])
    }

    @Test func labelsNameTheVariantsInOrder() throws {
        let block = gaussianBlock + "sweep:\n  zip: {optimizer.name: [sgd, adam], optimizer.lr: [0.1, 0.001]}\n  labels: [SGD, Adam]\n"
        let s = try #require(read(block).0)
        #expect(s.variants.map(\.label) == ["SGD", "Adam"])
        #expect(s.sweepLabelled)
        // Labels are presentation: the runs' configs (and cache keys) do not change.
        let plain = try #require(read(gaussianBlock + "sweep:\n  zip: {optimizer.name: [sgd, adam], optimizer.lr: [0.1, 0.001]}\n").0)
        #expect(s.variants.map(\.canonicalConfig) == plain.variants.map(\.canonicalConfig))
    }

    @Test func zipAndLabelProblems() {
        #expect(messages(gaussianBlock + "sweep:\n  zip: {optimizer.name: [sgd, adam], optimizer.lr: [0.1]}\n") == [
            "chapters/01-intro.md:16:52: error: the lists of 'sweep.zip' go together, so they need the same length: 'optimizer.name' has 2 values, 'optimizer.lr' 1; for every combination instead, put the keys directly under 'sweep:'",
        ])
        #expect(messages(gaussianBlock + "sweep:\n  model.activation: [relu, tanh]\n  labels: [A]\n")
            == ["chapters/01-intro.md:17:11: error: 'sweep.labels' has 1 label for 2 variants; give one label per variant, in the order of the sweep (the first key varies slowest)"])
        #expect(messages(gaussianBlock + "sweep:\n  model.activation: [relu, tanh]\n  labels: [A, A]\n")
            == ["chapters/01-intro.md:17:15: error: the label 'A' is used twice; each variant needs its own label"])
        #expect(messages(gaussianBlock + "sweep:\n  zip: {model.activaton: [relu]}\n")
            == ["chapters/01-intro.md:16:9: error: unknown sweep key 'model.activaton'; did you mean 'model.activation'?"])
        #expect(messages(gaussianBlock + "sweep:\n  labels: [A]\n").contains {
            $0.contains("'sweep.labels' names the variants of a sweep, but nothing is swept")
        })
    }

    @Test func expectations() throws {
        let s = try #require(read(gaussianBlock + "expect: divergence\n").0)
        #expect(s.expect == .divergence)
        #expect(messages(gaussianBlock + "expect: divergense\n")
            == ["chapters/01-intro.md:15:9: error: unknown expectation 'divergense'; did you mean 'divergence'?"])
        // A block expected to fail at validation is kept, with its errors, and reports nothing as an error.
        let (spec, ds) = read("id: demo\ndata: {source: gaussian, samples: 100, features: 2}\nexpect: error\nmodel: {hidden: [4], activation: sigmoidd}\n")
        let failing = try #require(spec)
        #expect(ds.isEmpty)
        #expect(failing.expect == .error && failing.job == nil)
        #expect(failing.expectedErrors.map(\.description)
            == ["chapters/01-intro.md:14:34: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?"])
        // Without a valid id there is nothing to show it under: the errors stay errors.
        #expect(read("id: Bad\nexpect: error\n").0 == nil)
    }

    @Test func duplicateIdsAmongBlocksAsWritten() {
        let a = SourceLocation(file: chapterFile, line: 3), b = SourceLocation(file: chapterFile, line: 9)
        #expect(BlockReader.checkUnique(ids: [("negative", a), ("other", a), ("negative", b)]).map(\.description)
            == ["chapters/01-intro.md:9:1: error: duplicate id 'negative'; it is already used by the block at line 3"])
    }

    @Test func planeSetKeys() throws {
        let s = try #require(read("id: m\ndata: {source: moons, samples: 200, noise: 0.3, validation: 40}\nmodel: {hidden: [8]}\nshow: [predictions]\n").0)
        #expect(s.data?.noise == 0.3 && s.data?.samples == 200 && s.job?.model.output == .sigmoid)
        let blobs = try #require(read("id: b\ndata: {source: blobs, classes: 4, std: 0.5}\nmodel: {hidden: [8]}\n").0)
        #expect(blobs.job?.model.output == .softmax && blobs.job?.loss == .crossEntropy)
        #expect(messages("id: c\ndata: {source: circles, factor: 1.5}\nmodel: {hidden: [8]}\n")
            == ["chapters/01-intro.md:12:33: error: 'data.factor' must be a number between 0 and 1 (the inner radius over the outer), got '1.5'"])
        #expect(messages("id: c\ndata: {source: moons, classes: 3}\nmodel: {hidden: [8]}\n")
            == ["chapters/01-intro.md:12:23: error: 'data.classes' does not apply to data source 'moons'; moons data takes: samples, noise, validation, test, normalize"])
        #expect(messages("id: c\ndata: {source: spirals, samples: 20, validation: 10, test: 10}\nmodel: {hidden: [8]}\n").first?
            .contains("'data.validation' + 'data.test' must leave training examples") == true)
    }

    @Test func csvKeysAndSplit() throws {
        let s = try #require(read("id: w\ndata: {source: csv, path: t.csv, label: y, features: [a, b], split: {train: 0.7, validation: 0.15, test: 0.15}}\nmodel: {hidden: [8]}\n").0)
        #expect(s.data?.csv == CSVSettings(label: "y", features: ["a", "b"], train: 0.7, validation: 0.15, test: 0.15))
        #expect(s.job?.model.output == .softmax)
        #expect(messages("id: w\ndata: {source: csv, path: t.csv, label: y, split: {train: 0.7, validation: 0.2}}\nmodel: {hidden: [8]}\n")
            == ["chapters/01-intro.md:12:51: error: the fractions of 'data.split' must sum to 1, got 0.9; e.g. {train: 0.7, validation: 0.15, test: 0.15}"])
        #expect(messages("id: w\ndata: {source: csv, label: y}\nmodel: {hidden: [8]}\n").first?.contains("'data.path' is missing") == true)
        #expect(messages("id: w\ndata: {source: csv, path: t.csv, test-path: u.csv, label: y, split: {train: 0.5, validation: 0.25, test: 0.25}}\nmodel: {hidden: [8]}\n")
            .first?.contains("'data.split.test' cannot be used with 'data.test-path'") == true)
    }

    @Test func csvTableIsCheckedAtValidationWithTheBlocksLine() throws {
        let dir = NSTemporaryDirectory() + "labbook-blocks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "a,b,quality\n1,2,0\n3,x,1\n4,5,1\n".write(toFile: dir + "/data/w.csv", atomically: true, encoding: .utf8)
        let root = DataRoot(bookDirectory: dir, environment: [:])
        func check(_ data: String) -> [String] {
            BlockReader.read(yaml: "id: w\ndata: \(data)\nmodel: {hidden: [8]}\nshow: [predictions]\n", at: fence, bookDefaults: nil,
                             chapterDefaults: nil, dataRoot: root, feasibility: EngineFeasibility()).1.map(\.description)
        }
        #expect(check("{source: csv, path: data/w.csv, label: quality}")
            == ["chapters/01-intro.md:12:27: error: data/w.csv:3:2: 'x' in column 'b' is not a number; feature columns must be numeric; leave text columns out with data.features"])
        #expect(check("{source: csv, path: data/w.csv, label: qualty}")
            == ["chapters/01-intro.md:12:46: error: data/w.csv: no column 'qualty' in the header; did you mean 'quality'?"])
        // A misspelt label and a misspelt feature are both reported, each at its own key.
        #expect(check("{source: csv, path: data/w.csv, label: qualty, features: [a, bb]}") == [
            "chapters/01-intro.md:12:46: error: data/w.csv: no column 'qualty' in the header; did you mean 'quality'?",
            "chapters/01-intro.md:12:68: error: data/w.csv: no column 'bb' in the header; did you mean 'b'?",
        ])
        // With one good feature the table's width (1) is known, and the 2-D report is refused.
        #expect(check("{source: csv, path: data/w.csv, label: quality, features: [a]}")
            == ["chapters/01-intro.md:14:8: error: report 'predictions' needs 2-D input, but the data has 1 features; use a 2-D source (moons, circles, spirals, blobs, xor), or gaussian data with 'features: 2'"])
    }
}
