// Moons, circles, spirals and blobs: sklearn's geometry without noise (hand-computed), seeds, splits, class balance.
import Engine
import Foundation
import Testing
import Vocabulary
@testable import Datasets

@Suite struct PlaneSetTests {
    func load(_ spec: DataSpec, seed: UInt64 = 0) throws -> DataSplits {
        try DataLoader.load(spec, seed: seed, bookDirectory: "/", environment: [:])
    }

    /// The points of a split as a sorted list of (x, y, label), rounded to 1e-6 so set equality is exact.
    func points(_ d: Dataset) -> [[Double]] {
        var out: [[Double]] = []
        for i in 0..<d.count {
            let row: [Double] = [Double(d.features[2 * i]), Double(d.features[2 * i + 1]), Double(d.labels[i])]
            out.append(row.map(round6))
        }
        return sorted(out)
    }

    func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
    func sorted(_ rows: [[Double]]) -> [[Double]] { rows.sorted { $0.lexicographicallyPrecedes($1) } }

    @Test func moonsWithoutNoiseAreSklearnsArcs() throws {
        // make_moons(5, noise=0): 2 outer points at t = 0, π; 3 inner at t = 0, π/2, π.
        var spec = DataSpec(source: .moons, samples: 5)
        spec.noise = 0
        let d = try load(spec).train
        let expected: [[Double]] = [[1, 0, 0], [-1, 0, 0], [0, 0.5, 1], [1, -0.5, 1], [2, 0.5, 1]]
        #expect(points(d) == sorted(expected))
        #expect(d.classes == 2 && d.width == 2)
    }

    @Test func circlesWithoutNoiseAreSklearnsRings() throws {
        // make_circles(8, factor=0.5, noise=0): 4 points on the unit circle at 0, π/2, π, 3π/2; 4 at radius 0.5.
        var spec = DataSpec(source: .circles, samples: 8)
        spec.noise = 0
        spec.factor = 0.5
        let d = try load(spec).train
        let outer: [[Double]] = [[1, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0]]
        let inner: [[Double]] = [[0.5, 0, 1], [0, 0.5, 1], [-0.5, 0, 1], [0, -0.5, 1]]
        // cos(π/2) is 6e-17, which rounds to 0 (and -0 == 0).
        #expect(points(d) == sorted(outer + inner))
    }

    @Test func spiralsAreCS231nArms() throws {
        // 3 classes of 2 points: radius 0 and 1, angles 4j and 4(j+1): (sin 4(j+1), cos 4(j+1)) at radius 1.
        var spec = DataSpec(source: .spirals, samples: 6)
        spec.noise = 0
        spec.classes = 3
        let d = try load(spec).train
        var expected: [[Double]] = []
        for j in 0..<3 {
            expected.append([0, 0, Double(j)])
            let t = 4 * Double(j + 1)
            expected.append([round6(sin(t)), round6(cos(t)), Double(j)])
        }
        #expect(points(d) == sorted(expected))
        #expect(d.classes == 3)
    }

    @Test func blobsShareSamplesLikeSklearnAndKeepCentresInTheBox() throws {
        var spec = DataSpec(source: .blobs, samples: 301)
        spec.std = 0.5
        let d = try load(spec, seed: 3).train
        let counts = (0..<3).map { c in d.labels.filter { $0 == c }.count }
        #expect(counts == [101, 100, 100])
        #expect(d.classes == 3)
        // Each blob's mean is its centre (within 4 standard errors) and inside [−10, 10]².
        func xs(_ d: Dataset, _ c: Int) -> [Double] {
            (0..<d.count).filter { d.labels[$0] == Int32(c) }.map { Double(d.features[2 * $0]) }
        }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        for c in 0..<3 {
            let v = xs(d, c)
            let m = mean(v)
            let spread = v.map { abs($0 - m) }.max() ?? 0
            #expect(abs(m) < 10.2 && spread < 2.5)
        }
        // Changing std moves the points, not the centres.
        spec.std = 0.1
        let tight = try load(spec, seed: 3).train
        for c in 0..<3 {
            #expect(abs(mean(xs(d, c)) - mean(xs(tight, c))) < 0.3)
        }
    }

    @Test func fixedSeedGivesIdenticalDataAndNoiseHasItsSize() throws {
        var spec = DataSpec(source: .moons, samples: 400)
        spec.noise = 0.2
        let a = try load(spec, seed: 5), b = try load(spec, seed: 5), c = try load(spec, seed: 6)
        #expect(a.train.features == b.train.features && a.train.labels == b.train.labels)
        #expect(a.train.features != c.train.features)
        // The noise is N(0, 0.2²) per coordinate: residuals from the noise-free positions have std ≈ 0.2.
        spec.noise = 0
        let clean = try load(spec, seed: 5).train
        let diffs = zip(a.train.features, clean.features).map { Double($0 - $1) }
        let std = (diffs.map { $0 * $0 }.reduce(0, +) / Double(diffs.count)).squareRoot()
        #expect(abs(std - 0.2) < 0.02)
    }

    @Test func shuffledSoEverySplitHoldsBothClasses() throws {
        var spec = DataSpec(source: .circles, samples: 200)
        spec.validation = 40
        spec.test = 40
        let s = try load(spec, seed: 1)
        #expect(s.train.count == 120 && s.validation?.count == 40 && s.test?.count == 40)
        for split in [s.train, s.validation, s.test].compactMap({ $0 }) {
            #expect(Set(split.labels) == [0, 1])
        }
        #expect(spec.inputWidth == 2 && spec.classCount == 2)
    }

    @Test func tooFewSamplesIsAnError() {
        var spec = DataSpec(source: .spirals, samples: 3)
        spec.classes = 4
        #expect(throws: DataError.self) { try load(spec) }
    }
}
