// The classic 2-D teaching sets: moons, circles and blobs with sklearn's geometry, and CS231n's spirals.
import Engine
import Foundation
import Vocabulary

/// Every set is built class by class on its noise-free curve, then Gaussian noise is added (drawn from
/// `SeededRandom(seed:).fork("data")`, x before y, point by point), then the points are shuffled with
/// `fork("shuffle")` so that the validation and test examples carved from the end hold every class.
enum PlaneSets {
    static func generate(_ spec: DataSpec, seed: UInt64) throws -> Dataset {
        guard spec.samples >= 2 else {
            throw DataError("\(spec.source.rawValue) data needs at least 2 samples, got \(spec.samples)", fix: "set data.samples to 2 or more")
        }
        let noise = spec.noise ?? DataSpec.defaultNoise(spec.source)
        guard noise >= 0, noise.isFinite else { throw DataError("data.noise must be a non-negative number, got \(noise)") }
        var rng = SeededRandom(seed: seed).fork("data")
        var points: [(x: Double, y: Double, label: Int32)]
        let classes: Int
        switch spec.source {
        case .moons:
            points = moons(spec.samples)
            classes = 2
        case .circles:
            let factor = spec.factor ?? 0.5
            guard factor > 0, factor < 1 else { throw DataError("data.factor must be in (0, 1), got \(factor)") }
            points = circles(spec.samples, factor: factor)
            classes = 2
        case .spirals:
            classes = spec.classes ?? 2
            points = spirals(spec.samples, classes: classes, noise: noise, rng: &rng)
        case .blobs:
            classes = spec.classes ?? 3
            var centres = SeededRandom(seed: seed).fork("centres")
            points = blobs(spec.samples, classes: classes, std: spec.std ?? 1, rng: &centres)
        default:
            throw DataError("'\(spec.source.rawValue)' is not a 2-D set")
        }
        guard classes >= 2, spec.samples >= classes else {
            throw DataError("\(spec.source.rawValue) data needs at least 2 classes and a sample per class, got \(classes) classes and \(spec.samples) samples")
        }
        // Spirals put their noise on the angle, blobs are Gaussian already.
        if spec.source == .moons || spec.source == .circles, noise > 0 {
            for i in points.indices {
                points[i].x += noise * rng.nextNormal()
                points[i].y += noise * rng.nextNormal()
            }
        }
        var order = Array(points.indices)
        var shuffler = SeededRandom(seed: seed).fork("shuffle")
        shuffler.shuffle(&order)
        var features = [Float](), labels = [Int32]()
        features.reserveCapacity(2 * points.count)
        labels.reserveCapacity(points.count)
        for i in order {
            features += [Float(points[i].x), Float(points[i].y)]
            labels.append(points[i].label)
        }
        return Dataset(features: features, count: points.count, width: 2, labels: labels, classes: classes)
    }

    /// numpy's `linspace(a, b, n)` (endpoint included); `[a]` for n = 1.
    static func linspace(_ a: Double, _ b: Double, _ n: Int, endpoint: Bool = true) -> [Double] {
        guard n > 1 else { return n == 1 ? [a] : [] }
        let step = (b - a) / Double(endpoint ? n - 1 : n)
        return (0..<n).map { a + Double($0) * step }
    }

    /// sklearn's make_moons: ⌊n/2⌋ points (cos t, sin t) with class 0 and the rest (1 − cos t, 1 − sin t − 0.5)
    /// with class 1, t evenly from 0 to π inclusive.
    static func moons(_ n: Int) -> [(x: Double, y: Double, label: Int32)] {
        let outer = n / 2, inner = n - outer
        return linspace(0, .pi, outer).map { (cos($0), sin($0), 0) } + linspace(0, .pi, inner).map { (1 - cos($0), 1 - sin($0) - 0.5, 1) }
    }

    /// sklearn's make_circles: ⌊n/2⌋ points on the unit circle (class 0) and the rest on a circle of radius
    /// `factor` (class 1), each at angles evenly from 0 to 2π, 2π excluded.
    static func circles(_ n: Int, factor: Double) -> [(x: Double, y: Double, label: Int32)] {
        let outer = n / 2, inner = n - outer
        return linspace(0, 2 * .pi, outer, endpoint: false).map { (cos($0), sin($0), 0) }
            + linspace(0, 2 * .pi, inner, endpoint: false).map { (factor * cos($0), factor * sin($0), 1) }
    }

    /// How sklearn shares n samples among k groups: ⌊n/k⌋ each, one more for the first n mod k.
    static func counts(_ n: Int, _ k: Int) -> [Int] {
        (0..<k).map { n / k + ($0 < n % k ? 1 : 0) }
    }

    /// CS231n's spirals: class j has radius r evenly from 0 to 1 and angle t evenly from 4j to 4(j+1) plus
    /// N(0, noise²), at (r·sin t, r·cos t).
    static func spirals(_ n: Int, classes: Int, noise: Double, rng: inout SeededRandom) -> [(x: Double, y: Double, label: Int32)] {
        var out: [(x: Double, y: Double, label: Int32)] = []
        for (j, m) in counts(n, max(classes, 1)).enumerated() {
            let radii = linspace(0, 1, m), angles = linspace(4 * Double(j), 4 * Double(j + 1), m)
            for (r, t0) in zip(radii, angles) {
                let t = t0 + noise * rng.nextNormal()
                out.append((r * sin(t), r * cos(t), Int32(j)))
            }
        }
        return out
    }

    /// sklearn's make_blobs in 2-D: k centres uniform in the box [−10, 10]², then each blob's points are
    /// centre + N(0, std²) per coordinate. Centres come from `rng` (fork "centres"), points from `fork("data")`
    /// of the same stream, so changing `std` moves the points but not the centres.
    static func blobs(_ n: Int, classes: Int, std: Double, rng: inout SeededRandom) -> [(x: Double, y: Double, label: Int32)] {
        let k = max(classes, 1)
        let centres = (0..<k).map { _ in (x: -10 + 20 * rng.nextDouble(), y: -10 + 20 * rng.nextDouble()) }
        var points = rng.fork("data")
        var out: [(x: Double, y: Double, label: Int32)] = []
        for (j, m) in counts(n, k).enumerated() {
            for _ in 0..<m {
                out.append((centres[j].x + std * points.nextNormal(), centres[j].y + std * points.nextNormal(), Int32(j)))
            }
        }
        return out
    }
}
