// Pages only draw (issue 14 item 2): function plots and a decision surface's training points are numbers of the
// block's outcome, computed by Execute; Render draws whatever the outcome holds.
import Blocks
import Execute
import Foundation
import LabbookCore
import Outcomes
import Testing
@testable import Render

@Suite struct PageNumbersTests {
    static let noBook = RunContext(bookDirectory: "/", environment: [:])

    static func spec(_ yaml: String) throws -> ExperimentSpec {
        let (spec, ds) = BlockReader.read(yaml: yaml, at: SourceLocation(file: "chapters/01.md", line: 1), bookDefaults: nil,
                                          chapterDefaults: nil, feasibility: EngineFeasibility())
        return try #require(spec, "\(ds)")
    }

    static let functions = """
    id: f
    show:
      - function: {of: activations, range: [-2, 2], names: [relu, tanh]}
      - function: {of: losses, range: [-2, 2], names: [mse]}
    """

    @Test func executeSamplesTheFunctionPlots() throws {
        let spec = try Self.spec(Self.functions)
        let run = Runner.run(spec, context: RunContext(bookDirectory: "/"))
        let plots = run.outcome.functionPlots
        try #require(plots.map(\.report) == [0, 1])
        let relu = try #require(plots[0].curves.first), tanh = plots[0].curves[1], mse = try #require(plots[1].curves.first)
        #expect(plots[0].curves.map(\.name) == ["relu", "tanh"] && mse.name == "mse")
        // 201 points from −2 to 2 (both ends exact): x_i = −2 + 4·i/200.
        #expect(relu.xs.count == 201 && relu.xs.first == -2 && relu.xs.last == 2 && relu.xs[150] == 1)
        for (i, x) in relu.xs.enumerated() {
            #expect(relu.values[i] == max(0, x))
            #expect(abs(tanh.values[i] - Foundation.tanh(x)) <= 1e-12)
            #expect(abs(tanh.derivatives[i] - (1 - Foundation.tanh(x) * Foundation.tanh(x))) <= 1e-12)
            // mse against the residual: r², gradient 2r.
            #expect(abs(mse.values[i] - x * x) <= 1e-12 && abs(mse.derivatives[i] - 2 * x) <= 1e-12)
        }
        #expect(relu.derivatives[150] == 1 && relu.derivatives[50] == 0)
        // The key names what the numbers depend on: another range is another key.
        let wider = try Self.spec(Self.functions.replacingOccurrences(of: "range: [-2, 2], names: [relu", with: "range: [-3, 3], names: [relu"))
        let other = Runner.run(wider, context: RunContext(bookDirectory: "/")).outcome.functionPlots
        #expect(plots[0].key.count == 64 && other[0].key != plots[0].key && other[1].key == plots[1].key)
    }

    @Test func renderDrawsTheOutcomesCurvesAndComputesNone() throws {
        let spec = try Self.spec(Self.functions)
        let computed = Runner.run(spec, context: RunContext(bookDirectory: "/")).outcome
        var flat = computed
        for p in flat.functionPlots.indices {
            for c in flat.functionPlots[p].curves.indices {
                flat.functionPlots[p].curves[c].values = flat.functionPlots[p].curves[c].xs.map { _ in 0.5 }
            }
        }
        let report = try #require(spec.show.first)
        let drawn = ReportContext(spec: spec, outcome: computed, idPrefix: "f").render(report, index: 0).html.string
        let tampered = ReportContext(spec: spec, outcome: flat, idPrefix: "f").render(report, index: 0).html.string
        var none = computed
        none.functionPlots = []
        let empty = ReportContext(spec: spec, outcome: none, idPrefix: "f").render(report, index: 0).html.string
        #expect(drawn.contains("<svg") && drawn != tampered)
        // Without the outcome's curves there is nothing to draw: the page does not sample the functions itself.
        #expect(!empty.contains("relu") && drawn.contains("relu"))
    }

    @Test func executeGivesTheTrainingPointsOfADecisionSurface() throws {
        let yaml = "id: x\ndata: {source: xor}\nmodel: {hidden: [4], output: sigmoid}\nloss: bce\ntrain: {epochs: 2}\n"
        let spec = try Self.spec(yaml + "show: [predictions]\n")
        let withGrid = Runner.run(spec, context: Self.noBook).outcome
        #expect(withGrid.variants[0].trainingPoints == [PlanePoint(x: 0, y: 0, label: 0), PlanePoint(x: 0, y: 1, label: 1),
                                                         PlanePoint(x: 1, y: 0, label: 1), PlanePoint(x: 1, y: 1, label: 0)])
        // Only a variant with a prediction grid carries them.
        #expect(Runner.run(try Self.spec(yaml), context: Self.noBook).outcome.variants[0].trainingPoints == nil)
        let html = ReportContext(spec: spec, outcome: withGrid, idPrefix: "x").predictions(chartID: "x-0").html.string
        var without = withGrid
        without.variants[0].trainingPoints = []
        let bare = ReportContext(spec: spec, outcome: without, idPrefix: "x").predictions(chartID: "x-0").html.string
        #expect(html.components(separatedBy: "<circle").count - bare.components(separatedBy: "<circle").count == 4)
    }

    /// A 2-feature CSV's decision surface gets its training points, read from the book as the run read it and
    /// normalised as the model saw them (the grid's coordinates).
    @Test func aCSVDecisionSurfaceGetsItsTrainingPoints() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-points-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 10 rows: a = 0…9, b = 10·a, class = a ≥ 5. All rows train (split train 1).
        var csv = "a,b,c,class\n"
        for k in 0..<10 { csv += "\(k),\(10 * k),\(k % 3),\(k >= 5 ? "big" : "small")\n" }
        try csv.write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let context = RunContext(bookDirectory: dir.path, environment: [:])
        let cache = RunCache(directory: dir.appendingPathComponent("cache"))
        func points(_ data: String) throws -> [PlanePoint]? {
            let spec = try Self.spec("id: c\ndata: {source: csv, path: t.csv, label: class, \(data)split: {train: 1}}\nmodel: {hidden: [4]}\n"
                                     + "train: {epochs: 1}\nshow: [predictions]\n")
            let trained = Runner.run(spec, context: context, cache: cache), cached = Runner.run(spec, context: context, cache: cache)
            // From the cache (whose entries do not keep the points) the data is read again: the same points.
            #expect(trained.fromCache == false && cached.fromCache == true)
            #expect(cached.outcome.variants[0].trainingPoints == trained.outcome.variants[0].trainingPoints)
            return trained.outcome.variants[0].trainingPoints
        }
        let raw = try #require(try points("features: [a, b], "))
        #expect(raw.count == 10)
        #expect(Set(raw.map { "\($0.x),\($0.y),\($0.label)" }) == Set((0..<10).map { "\(Double($0)),\(Double(10 * $0)),\($0 >= 5 ? 0 : 1)" })
                || Set(raw.map { "\($0.x),\($0.y),\($0.label)" }) == Set((0..<10).map { "\(Double($0)),\(Double(10 * $0)),\($0 >= 5 ? 1 : 0)" }))
        // Normalised per feature: mean 0 over the training rows, as the grid's axes are.
        let scaled = try #require(try points("features: [a, b], normalize: per-feature, "))
        #expect(scaled.count == 10 && abs(scaled.map(\.x).reduce(0, +)) < 1e-5 && abs(scaled.map(\.y).reduce(0, +)) < 1e-4)
        #expect(scaled.map(\.x).max() ?? 0 < 2)
        // Without the feature columns listed, the width is unknown before reading the table: refused, with the fix.
        let (unlisted, ds) = BlockReader.read(yaml: "id: c\ndata: {source: csv, path: t.csv, label: class}\nmodel: {hidden: [4]}\nshow: [predictions]\n",
                                              at: SourceLocation(file: "chapters/01.md", line: 1), bookDefaults: nil,
                                              chapterDefaults: nil, feasibility: EngineFeasibility())
        #expect(unlisted == nil && ds.contains { $0.hint?.contains("data.features: [x1, x2]") == true })
    }
}
