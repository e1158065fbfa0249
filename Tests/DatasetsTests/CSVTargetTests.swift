// A CSV label read as a regression target: numbers, standardised on the training split, names kept for reports.
import Foundation
import Testing
import Vocabulary
@testable import Datasets

@Suite struct CSVTargetTests {
    func book(_ text: String) throws -> TempDir {
        let dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.file("data"), withIntermediateDirectories: true)
        try text.write(toFile: dir.file("data/t.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    func spec(target: TargetScaling?, split: (Double, Double, Double) = (0.6, 0.2, 0.2)) -> DataSpec {
        var s = DataSpec(source: .csv, path: "data/t.csv")
        var settings = CSVSettings(label: "y", features: ["x"], train: split.0, validation: split.1, test: split.2)
        settings.target = target
        s.csv = settings
        return s
    }

    /// y = 10·x + 3 on x = 0…9: the training split's targets have mean 0 and std 1, the others use its scale,
    /// and the scale maps them back to the table's numbers.
    @Test func aTargetIsStandardisedWithTheTrainingSplitsScale() throws {
        let dir = try book("x,y\n" + (0..<10).map { "\($0),\(10 * $0 + 3)" }.joined(separator: "\n") + "\n")
        defer { dir.remove() }
        let shape = try CSVData.shape(spec(target: .standard), bookDirectory: dir.path, environment: [:])
        #expect(shape.regression && shape.classes.isEmpty && shape.features == ["x"])
        let s = try DataLoader.load(spec(target: .standard), seed: 4, bookDirectory: dir.path, environment: [:])
        #expect(s.train.isRegression && s.train.targetWidth == 1 && s.train.classes == 0)
        #expect(s.featureNames == ["x"] && s.classNames == nil)
        let scale = try #require(s.targetScale)
        let z: [Double] = (s.train.targets ?? []).map(Double.init)
        let n = Double(z.count)
        let mean: Double = z.reduce(0, +) / n
        let rms: Double = (z.reduce(0) { $0 + $1 * $1 } / n).squareRoot()
        #expect(abs(mean) < 1e-6 && abs(rms - 1) < 1e-6, "mean \(mean), std \(rms)")
        for d in [s.train, s.validation, s.test].compactMap({ $0 }) {
            for (k, t) in (d.targets ?? []).enumerated() {
                #expect(abs(scale.original(Double(t), column: 0) - (10 * Double(d.features[k]) + 3)) < 1e-4)
            }
        }
        let raw = try DataLoader.load(spec(target: TargetScaling.none), seed: 4, bookDirectory: dir.path, environment: [:])
        #expect(raw.targetScale == nil)
        let pairs = Array(zip(raw.train.features, raw.train.targets ?? []))
        let exact = pairs.allSatisfy { (x: Float, y: Float) -> Bool in y == 10 * x + 3 }
        #expect(!pairs.isEmpty && exact, "the target as written")
    }

    @Test func aTargetCellThatIsNotANumberNamesItsPlace() throws {
        let dir = try book("x,y\n1,2\n2,abc\n")
        defer { dir.remove() }
        #expect(throws: CSVProblem.self) { try CSVData.shape(spec(target: .standard), bookDirectory: dir.path, environment: [:]) }
        do {
            _ = try CSVData.shape(spec(target: .standard), bookDirectory: dir.path, environment: [:])
        } catch {
            #expect(error.key == .label && error.error.description.hasPrefix("data/t.csv:3:2: 'abc' in the target column 'y' is not a number"))
        }
    }

    /// Classes keep their names for the legend of a >2-class surface.
    @Test func classesKeepTheirNames() throws {
        let dir = try book("x,y\n" + (0..<9).map { "\($0),\(["cat", "dog", "owl"][$0 % 3])" }.joined(separator: "\n") + "\n")
        defer { dir.remove() }
        let s = try DataLoader.load(spec(target: nil, split: (0.7, 0.3, 0)), seed: 1, bookDirectory: dir.path, environment: [:])
        #expect(s.classNames == ["cat", "dog", "owl"] && !s.train.isRegression && s.targetScale == nil)
    }
}
