// Gaussian and XOR generators, validation carving, normalisation and generator digests.
import Testing
import Vocabulary
@testable import Datasets

@Suite struct GeneratorTests {
    @Test func gaussianIsDeterministicPerSeed() throws {
        let spec = DataSpec(source: .gaussian, samples: 200, features: 5)
        let a = try DataLoader.load(spec, seed: 7, bookDirectory: "/", environment: [:])
        let b = try DataLoader.load(spec, seed: 7, bookDirectory: "/", environment: [:])
        let c = try DataLoader.load(spec, seed: 8, bookDirectory: "/", environment: [:])
        #expect(a.train.features == b.train.features && a.train.labels == b.train.labels)
        #expect(a.train.features != c.train.features)
        #expect(a.train.count == 200 && a.train.width == 5 && a.train.classes == 2 && a.validation == nil)
    }

    @Test func gaussianMomentsAndRandomLabelBalance() throws {
        let spec = DataSpec(source: .gaussian, samples: 4000, features: 10, labels: .randomBinary)
        let d = try DataLoader.load(spec, seed: 0, bookDirectory: "/", environment: [:]).train
        let n = Double(d.features.count)
        let mean = d.features.reduce(0.0) { $0 + Double($1) } / n
        let variance = d.features.reduce(0.0) { $0 + Double($1) * Double($1) } / n - mean * mean
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        let ones = d.labels.filter { $0 == 1 }.count
        // A fair coin: 4000 flips land within 4 standard deviations (±126) of 2000.
        #expect(abs(ones - 2000) < 126)
    }

    @Test func signOfSumLabels() throws {
        let spec = DataSpec(source: .gaussian, samples: 100, features: 3, labels: .signOfSum)
        let d = try DataLoader.load(spec, seed: 4, bookDirectory: "/", environment: [:]).train
        for i in 0..<d.count {
            let sum = d.features[(i * 3)..<(i * 3 + 3)].reduce(0, +)
            #expect(d.labels[i] == (sum > 0 ? 1 : 0))
        }
    }

    @Test func gaussianValidationIsCarvedFromSamples() throws {
        let all = try DataLoader.load(DataSpec(source: .gaussian, samples: 50, features: 2), seed: 1, bookDirectory: "/", environment: [:])
        let split = try DataLoader.load(DataSpec(source: .gaussian, samples: 50, features: 2, validation: 10), seed: 1,
                                        bookDirectory: "/", environment: [:])
        #expect(split.train.count == 40 && split.validation?.count == 10)
        #expect(split.train.features == Array(all.train.features[0..<80]))
        #expect(split.validation?.features == Array(all.train.features[80..<100]))
        let e = dataError { _ = try DataLoader.load(DataSpec(source: .gaussian, samples: 10, validation: 10), seed: 1, bookDirectory: "/", environment: [:]) }
        #expect(e?.message == "validation (10) must leave training examples out of 10")
    }

    @Test func xorCorners() throws {
        let d = try DataLoader.load(DataSpec(source: .xor, samples: 8), seed: 0, bookDirectory: "/", environment: [:]).train
        #expect(d.count == 8 && d.width == 2 && d.classes == 2)
        #expect(d.features == [0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1])
        #expect(d.labels == [0, 1, 1, 0, 0, 1, 1, 0])
        #expect(DataSpec(source: .xor).samples == 4)
        let e = dataError { _ = try DataLoader.load(DataSpec(source: .xor, samples: 6), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.message == "xor data has 4 distinct examples, so data.samples must be a positive multiple of 4, got 6")
    }

    @Test func fixedNormalization() throws {
        let spec = DataSpec(source: .xor, normalize: .fixed(mean: 0.5, std: 0.25))
        let d = try DataLoader.load(spec, seed: 0, bookDirectory: "/", environment: [:]).train
        #expect(d.features == [-2, -2, -2, 2, 2, -2, 2, 2])
    }

    @Test func perFeatureNormalizationUsesTrainingStatistics() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        let raw = try DataLoader.load(idxSpec(dir), seed: 5, bookDirectory: "/", environment: [:])
        let norm = try DataLoader.load(idxSpec(dir, normalize: .perFeature), seed: 5, bookDirectory: "/", environment: [:])
        let (mean, std) = DataLoader.featureStatistics(raw.train)
        for j in 0..<6 {
            let column = stride(from: j, to: norm.train.features.count, by: 6).map { Double(norm.train.features[$0]) }
            let m = column.reduce(0, +) / Double(column.count)
            #expect(abs(m) < 1e-5)
            if std[j] != 1 {
                let v = column.reduce(0) { $0 + $1 * $1 } / Double(column.count)
                #expect(abs(v - 1) < 1e-4)
            }
        }
        // Constant features (pixel 2 is always 255) map to 0 instead of dividing by zero.
        #expect(std[2] == 1 && norm.train.features[2] == 0)
        // Validation and test use the training statistics.
        let t = try #require(raw.test), nt = try #require(norm.test)
        #expect(isClose(nt.features[0], (t.features[0] - mean[0]) / std[0]))
    }

    @Test func generatorDigestsFollowParameters() throws {
        let a = try DataLoader.digest(DataSpec(source: .gaussian, samples: 10), bookDirectory: "/", environment: [:])
        let b = try DataLoader.digest(DataSpec(source: .gaussian, samples: 11), bookDirectory: "/", environment: [:])
        #expect(a.count == 64 && a != b)
        let same = try DataLoader.digest(DataSpec(source: .gaussian, samples: 10), bookDirectory: "/x", environment: [:])
        #expect(a == same)
    }

    @Test func inputWidths() {
        #expect(DataSpec(source: .fashionMNIST).inputWidth == 784)
        #expect(DataSpec(source: .gaussian, features: 50).inputWidth == 50)
        #expect(DataSpec(source: .xor).inputWidth == 2)
        #expect(DataSpec(source: .idx).inputWidth == nil)
    }
}
