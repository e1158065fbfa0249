// A CSV label read as a regression target: when it is, its defaults, and the errors for what does not fit it.
import Execute
import Foundation
import LabbookCore
import Testing
import Vocabulary
@testable import Blocks

@Suite struct RegressionValidationTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "labbook-regression-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let rows = (0..<150).map { "\($0 % 7),\($0 % 5),\(Double($0) * 0.25)" }.joined(separator: "\n")
        try ("a,b,y\n" + rows + "\n").write(toFile: dir + "/data/r.csv", atomically: true, encoding: .utf8)
        try "a,b,y\n1,2,0.5\n3,4,n/a\n".write(toFile: dir + "/data/bad.csv", atomically: true, encoding: .utf8)
    }

    /// Reads the block at fence line 10 with the table's directory known (YAML line n = chapter line 10 + n).
    func check(_ yaml: String) -> (ExperimentSpec?, [String]) {
        let (spec, d) = BlockReader.read(yaml: yaml, at: fence, bookDefaults: nil, chapterDefaults: nil,
                                         dataRoot: DataRoot(bookDirectory: dir, environment: [:]), feasibility: EngineFeasibility())
        return (spec, d.map(\.description))
    }

    let data = "data: {source: csv, path: data/r.csv, label: y}\n"

    @Test func aRegressionLossReadsTheLabelAsAStandardisedTarget() throws {
        let (spec, errors) = check("id: r\n" + data + "model: {hidden: [8]}\nloss: mse\nshow: [summary, predictions]\n")
        #expect(errors.isEmpty, "\(errors)")
        let s = try #require(spec)
        #expect(s.data?.csv?.target == .standard)
        #expect(s.job?.model.output == .identity, "a regression target defaults to output identity")
        #expect(s.job?.diagnostics.predictionGrid != nil, "predictions on a 2-feature regression is predicted against actual")
        let huber = try #require(check("id: r\n" + "data: {source: csv, path: data/r.csv, label: y, normalize-target: none}\n"
                                       + "model: {hidden: [8]}\nloss: {name: huber, delta: 0.5}\n").0)
        #expect(huber.data?.csv?.target == TargetScaling.none && huber.job?.loss == .huber(delta: 0.5))
        // The same table under cross-entropy: 150 distinct values are too many classes, and the fix says how to regress.
        let classes = check("id: r\n" + data + "model: {hidden: [8]}\n").1
        #expect(classes == ["chapters/01-intro.md:12:46: error: data/r.csv: the label column 'y' holds 150 distinct values, more than 100 classes; "
                            + "for a regression target use 'loss: mse' or 'loss: huber' (with 'output: identity')"])
    }

    @Test func aSquashingOutputOnARegressionIsAnErrorAtTheOutput() {
        #expect(check("id: r\n" + data + "model: {hidden: [8], output: softmax}\nloss: mse\n").1
            == ["chapters/01-intro.md:13:30: error: a regression target needs 'output: identity', not 'softmax'; "
                + "a softmax makes the outputs sum to 1; torch regresses with a plain nn.Linear last layer"])
        #expect(check("id: r\n" + data + "model: {hidden: [8], output: sigmoid}\nloss: huber\n").1.first?
            .hasPrefix("chapters/01-intro.md:13:30: error: a regression target needs 'output: identity', not 'sigmoid'") == true)
    }

    @Test func accuracyOfARegressionIsAnError() {
        #expect(check("id: r\n" + data + "model: {hidden: [8]}\nloss: mse\nshow: [{curve: {of: accuracy}}]\n").1
            == ["chapters/01-intro.md:15:21: error: a regression has no accuracy: the loss reads the label column as a number; "
                + "plot 'curve: {of: loss}'; the summary table gives MSE, RMSE, MAE and R²"])
    }

    @Test func aNonNumericTargetNamesTheTablesCell() {
        #expect(check("id: r\ndata: {source: csv, path: data/bad.csv, label: y}\nmodel: {hidden: [8]}\nloss: mse\n").1
            == ["chapters/01-intro.md:12:48: error: data/bad.csv:3:3: 'n/a' in the target column 'y' is not a number; "
                + "a regression loss (mse, huber) reads the label column as a number; use cross-entropy for classes"])
    }

    @Test func normalizeTargetNeedsARegression() {
        #expect(check("id: r\ndata: {source: csv, path: data/bad.csv, label: y, normalize-target: none}\nmodel: {hidden: [8]}\n").1
            .first?.hasPrefix("chapters/01-intro.md:12:69: error: 'data.normalize-target' scales a regression target") == true)
    }

    /// A surface over more than two classes records each cell's class, which an entry cached before did not: its key
    /// says so. Sigmoid surfaces (the shipped book's) and regressions keep their keys.
    @Test func classRegionsMarkTheCacheKeyOnlyWhereTheyAreRecorded() throws {
        func config(_ yaml: String) throws -> String { try #require(check(yaml).0?.variants.first?.canonicalConfig) }
        #expect(try config("id: b\ndata: {source: blobs, classes: 3}\nmodel: {hidden: [8]}\nshow: [predictions]\n").contains("\"records\":\"class-regions\""))
        #expect(try !config("id: b\ndata: {source: blobs, classes: 3}\nmodel: {hidden: [8]}\n").contains("records"))
        #expect(try !config("id: m\ndata: {source: moons}\nmodel: {hidden: [8]}\nshow: [predictions]\n").contains("records"))
        #expect(try !config("id: r\n" + data + "model: {hidden: [8]}\nloss: mse\nshow: [predictions]\n").contains("records"))
    }

    /// On classes a squared error through softmax is refused (use cross-entropy); through identity it is the
    /// default output when there are more than two classes.
    @Test func residualLossesOnClasses() throws {
        let blobs = "id: b\ndata: {source: blobs, classes: 3}\nmodel: {hidden: [8], output: softmax}\nloss: mse\n"
        #expect(check(blobs).1 == ["chapters/01-intro.md:14:7: error: loss 'mse' does not fit output 'softmax'; for classes use "
                                   + "'loss: cross-entropy' (torch's CrossEntropyLoss); to regress one-hot targets write 'output: identity'"])
        let spec = try #require(check("id: b\ndata: {source: blobs, classes: 3}\nmodel: {hidden: [8]}\nloss: huber\n").0)
        #expect(spec.job?.model.output == .identity && spec.data?.csv == nil)
        // Two classes keep the v1 default, a sigmoid unit under the squared error.
        #expect(check("id: g\ndata: {source: moons}\nmodel: {hidden: [8]}\nloss: mse\n").0?.job?.model.output == .sigmoid)
    }
}
