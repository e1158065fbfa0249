// In-memory data: gaussian noise with random or sign-of-sum labels, and the four XOR corners.
import Engine
import Vocabulary

enum Generators {
    /// `samples` × `features` draws of N(0, 1) from `SeededRandom(seed:).fork("data")`, each
    /// example's features drawn before its label so the stream does not depend on the label rule.
    static func gaussian(_ spec: DataSpec, seed: UInt64) throws -> Dataset {
        guard spec.samples > 0 else {
            throw DataError("gaussian data needs at least one sample, got \(spec.samples)", fix: "set data.samples to a positive number")
        }
        guard spec.features > 0 else {
            throw DataError("gaussian data needs at least one feature, got \(spec.features)", fix: "set data.features to a positive number")
        }
        var rng = SeededRandom(seed: seed).fork("data")
        var features = [Float](repeating: 0, count: spec.samples * spec.features)
        var labels = [Int32](repeating: 0, count: spec.samples)
        for i in 0..<spec.samples {
            var sum = 0.0
            for j in 0..<spec.features {
                let x = rng.nextNormal()
                features[i * spec.features + j] = Float(x)
                sum += x
            }
            switch spec.labels {
            case .randomBinary: labels[i] = Int32(rng.next() >> 63)
            case .signOfSum: labels[i] = sum > 0 ? 1 : 0
            }
        }
        return Dataset(features: features, count: spec.samples, width: spec.features, labels: labels, classes: 2)
    }

    /// (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0, repeated `samples / 4` times in that order.
    static func xor(_ spec: DataSpec) throws -> Dataset {
        guard spec.samples > 0, spec.samples % 4 == 0 else {
            throw DataError("xor data has 4 distinct examples, so data.samples must be a positive multiple of 4, got \(spec.samples)",
                            fix: "use 4, 8, 12, …")
        }
        let corners: [(Float, Float, Int32)] = [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]
        var features: [Float] = []
        var labels: [Int32] = []
        features.reserveCapacity(spec.samples * 2)
        labels.reserveCapacity(spec.samples)
        for i in 0..<spec.samples {
            let c = corners[i % 4]
            features += [c.0, c.1]
            labels.append(c.2)
        }
        return Dataset(features: features, count: spec.samples, width: 2, labels: labels, classes: 2)
    }
}

extension Dataset {
    /// Rows `range` of this dataset, in order.
    func rows(_ range: Range<Int>) -> Dataset {
        Dataset(features: Array(features[(range.lowerBound * width)..<(range.upperBound * width)]),
                count: range.count, width: width, labels: Array(labels[range]), classes: classes)
    }
}
