// Turns a DataSpec into train/validation/test splits, and digests data for cache keys.
import Engine
import Foundation
import LabbookCore
import Vocabulary

public enum DataLoader {
    /// Debian's dataset-fashion-mnist installs the four gzipped IDX files here.
    public static let systemFashionMNIST = "/usr/share/datasets/fashion-mnist"
    public static let systemMNIST = "/usr/share/datasets/mnist"
    /// Base names of the four IDX files; each may also carry `.gz`.
    public static let fileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    /// Bumped when a generator's output changes, so caches keyed by `digest` are invalidated.
    static let generatorVersion = "labbook-datasets-1"

    /// Loads the data `spec` describes. `seed` drives generation (`fork("data")`) and the
    /// train/validation permutation of IDX files (`fork("split")`). `bookDirectory` resolves a
    /// relative `path`; `environment` is where `$LABBOOK_DATA` is read.
    public static func load(_ spec: DataSpec, seed: UInt64, bookDirectory: String,
                            environment: [String: String]) throws -> DataSplits {
        var splits: DataSplits
        switch spec.source {
        case .gaussian:
            splits = try carveValidation(try Generators.gaussian(spec, seed: seed), spec.validation ?? 0, what: "data.samples")
        case .xor:
            splits = try carveValidation(try Generators.xor(spec), spec.validation ?? 0, what: "data.samples")
        case .moons, .circles, .spirals, .blobs:
            splits = try carveValidation(try PlaneSets.generate(spec, seed: seed), spec.validation ?? 0, test: spec.test ?? 0, what: "data.samples")
        case .csv:
            splits = try CSVData.load(spec, seed: seed, bookDirectory: bookDirectory, environment: environment)
        case .fashionMNIST, .mnist, .idx:
            splits = try loadIDX(spec, seed: seed, directory: try directory(spec, bookDirectory: bookDirectory, environment: environment))
        }
        try normalize(&splits, spec.normalize)
        return splits
    }

    /// SHA-256 (hex) over the bytes of the four IDX files, or over the generator's parameters.
    public static func digest(_ spec: DataSpec, bookDirectory: String, environment: [String: String]) throws -> String {
        var text = generatorVersion + "\n"
        switch spec.source {
        case .gaussian:
            text += "gaussian samples=\(spec.samples) features=\(spec.features) labels=\(spec.labels.rawValue)\n"
        case .xor:
            text += "xor samples=\(spec.samples)\n"
        case .moons, .circles, .spirals, .blobs:
            // The parameters are in the run's canonical config already; the tag versions the geometry.
            text += "plane-sets-1 \(spec.source.rawValue)\n"
        case .csv:
            text += try CSVData.digestLines(spec, bookDirectory: bookDirectory, environment: environment)
        case .fashionMNIST, .mnist, .idx:
            let dir = try directory(spec, bookDirectory: bookDirectory, environment: environment)
            for name in fileNames {
                let path = try locate(name, in: dir, source: spec.source)
                let sum = try SharedCaches.digests.value(for: path) {
                    try DataFile.requireRegularFile(path)   // a FIFO would block the hash forever
                    do { return try SHA256.hex(ofFileAt: path) } catch {
                        throw DataError(file: path, "cannot read the file (\(error.localizedDescription))")
                    }
                }
                text += "\(name) \(sum)\n"
            }
        }
        return SHA256.hex(text)
    }

    /// `data.path` (relative to the book), else `$LABBOOK_DATA`, else the system copy.
    public static func directory(_ spec: DataSpec, bookDirectory: String, environment: [String: String]) throws -> String {
        if let p = spec.path, !p.isEmpty {
            return p.hasPrefix("/") ? p : (bookDirectory as NSString).appendingPathComponent(p)
        }
        if let env = environment["LABBOOK_DATA"], !env.isEmpty { return env }
        switch spec.source {
        case .fashionMNIST: return systemFashionMNIST
        case .mnist: return systemMNIST
        default:
            throw DataError("data source '\(spec.source.rawValue)' has no default directory",
                            fix: "set data.path to the directory holding the IDX files, or set $LABBOOK_DATA")
        }
    }

    // MARK: - IDX

    private static func loadIDX(_ spec: DataSpec, seed: UInt64, directory dir: String) throws -> DataSplits {
        let paths = try fileNames.map { try locate($0, in: dir, source: spec.source) }
        let trainImages = try images(paths[0], source: spec.source)
        let trainLabels = try labels(paths[1], count: trainImages.count, imagesFile: paths[0])
        let testImages = try images(paths[2], source: spec.source)
        let testLabels = try labels(paths[3], count: testImages.count, imagesFile: paths[2])
        guard testImages.width == trainImages.width else {
            throw DataError(file: paths[2], "images are \(testImages.rows)×\(testImages.cols) but the training images are \(trainImages.rows)×\(trainImages.cols)",
                            fix: "use test and training files from the same data set")
        }

        let available = trainImages.count
        let validation = spec.validation ?? min(10000, available / 6)
        let train = spec.train ?? min(50000, available - validation)
        let test = spec.test ?? min(10000, testImages.count)
        guard train >= 1, validation >= 0, test >= 0 else {
            throw DataError(file: paths[0], "needs at least one training example (train \(train), validation \(validation))",
                            fix: "set data.train to a positive number")
        }
        guard train + validation <= available else {
            throw DataError(file: paths[0], "holds \(available) examples, fewer than train \(train) + validation \(validation)",
                            fix: "lower data.train or data.validation")
        }
        guard test <= testImages.count else {
            throw DataError(file: paths[2], "holds \(testImages.count) examples, fewer than test \(test)", fix: "lower data.test")
        }

        var order = Array(0..<available)
        var rng = SeededRandom(seed: seed).fork("split")
        rng.shuffle(&order)
        let trainSet = gather(trainImages, trainLabels, order[0..<train])
        let validationSet = validation > 0 ? gather(trainImages, trainLabels, order[train..<(train + validation)]) : nil
        let testSet = test > 0 ? gather(testImages, testLabels, 0..<test) : nil
        return DataSplits(train: trainSet, validation: validationSet, test: testSet)
    }

    private static func locate(_ name: String, in dir: String, source: DataSource) throws -> String {
        let plain = (dir as NSString).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: plain) { return plain }
        if FileManager.default.fileExists(atPath: plain + ".gz") { return plain + ".gz" }
        let fix = source == .fashionMNIST
            ? "set data.path or $LABBOOK_DATA to a directory with the IDX files, or install Debian's dataset-fashion-mnist"
            : "set data.path or $LABBOOK_DATA to a directory with the four IDX files (plain or .gz)"
        throw DataError(file: plain, "missing IDX file (looked for '\(name)' and '\(name).gz' in \(dir))", fix: fix)
    }

    private static func images(_ path: String, source: DataSource) throws -> IDXImages {
        let images = try SharedCaches.images.value(for: path) { try IDX.readImages(path) }
        if source != .idx, images.rows != 28 || images.cols != 28 {
            throw DataError(file: path, "\(source.rawValue) images are 28×28 pixels, these are \(images.rows)×\(images.cols)",
                            fix: "use data.source 'idx' for other IDX files")
        }
        return images
    }

    private static func labels(_ path: String, count: Int, imagesFile: String) throws -> [UInt8] {
        let labels = try SharedCaches.labels.value(for: path) { try IDX.readLabels(path) }
        guard labels.count == count else {
            throw DataError(file: path, "holds \(labels.count) labels but '\((imagesFile as NSString).lastPathComponent)' holds \(count) images",
                            fix: "use the labels file that belongs to the images file")
        }
        if let i = labels.firstIndex(where: { $0 >= 10 }) {
            throw DataError(file: path, "label \(labels[i]) of example \(i) is not a class 0–9", fix: "check that this is a labels file of a 10-class data set")
        }
        return labels
    }

    /// Pixels mapped to [0, 1] (x / 255) for the examples at `indices`, in that order.
    private static func gather<C: Collection>(_ images: IDXImages, _ labels: [UInt8], _ indices: C) -> Dataset where C.Element == Int {
        let w = images.width
        var features = [Float](repeating: 0, count: indices.count * w)
        var out = [Int32](repeating: 0, count: indices.count)
        images.pixels.withUnsafeBufferPointer { px in
            features.withUnsafeMutableBufferPointer { f in
                for (row, i) in indices.enumerated() {
                    for j in 0..<w { f[row * w + j] = Float(px[i * w + j]) / 255 }
                    out[row] = Int32(labels[i])
                }
            }
        }
        return Dataset(features: features, count: indices.count, width: w, labels: out, classes: 10)
    }

    // MARK: - Splitting and normalisation

    /// The last `test` examples become the test set and the `validation` before them the validation set
    /// (generated examples are i.i.d., and the 2-D sets are shuffled).
    private static func carveValidation(_ all: Dataset, _ validation: Int, test: Int = 0, what: String) throws -> DataSplits {
        guard validation > 0 || test > 0 else { return DataSplits(train: all) }
        guard validation + test < all.count else {
            let held = test > 0 ? "validation (\(validation)) and test (\(test))" : "validation (\(validation))"
            throw DataError("\(held) must leave training examples out of \(all.count)",
                            fix: test > 0 ? "raise \(what) or lower data.validation / data.test" : "raise \(what) or lower data.validation")
        }
        let trainEnd = all.count - validation - test, validationEnd = all.count - test
        return DataSplits(train: all.rows(0..<trainEnd), validation: validation > 0 ? all.rows(trainEnd..<validationEnd) : nil,
                          test: test > 0 ? all.rows(validationEnd..<all.count) : nil)
    }

    static func normalize(_ splits: inout DataSplits, _ how: Normalization) throws {
        let (mean, std): ([Float], [Float])
        switch how {
        case .none:
            return
        case .fixed(let m, let s):
            guard s > 0, s.isFinite, m.isFinite else {
                throw DataError("normalisation std must be a positive number, got \(s)", fix: "set data.normalize.std > 0")
            }
            let w = splits.train.width
            (mean, std) = ([Float](repeating: Float(m), count: w), [Float](repeating: Float(s), count: w))
        case .perFeature:
            (mean, std) = featureStatistics(splits.train)
        }
        apply(&splits.train, mean, std)
        if var v = splits.validation { apply(&v, mean, std); splits.validation = v }
        if var t = splits.test { apply(&t, mean, std); splits.test = t }
    }

    /// Per-feature mean and population standard deviation in Float64; a constant feature gets std 1
    /// so that it maps to 0 instead of dividing by zero (Fashion-MNIST's corner pixels).
    static func featureStatistics(_ d: Dataset) -> ([Float], [Float]) {
        let w = d.width
        var sum = [Double](repeating: 0, count: w), sq = [Double](repeating: 0, count: w)
        for i in 0..<d.count {
            for j in 0..<w {
                let x = Double(d.features[i * w + j])
                sum[j] += x
                sq[j] += x * x
            }
        }
        let n = Double(max(d.count, 1))
        var mean = [Float](repeating: 0, count: w), std = [Float](repeating: 1, count: w)
        for j in 0..<w {
            let m = sum[j] / n
            let v = max(0, sq[j] / n - m * m)
            mean[j] = Float(m)
            std[j] = v > 1e-12 ? Float(v.squareRoot()) : 1
        }
        return (mean, std)
    }

    private static func apply(_ d: inout Dataset, _ mean: [Float], _ std: [Float]) {
        let w = d.width
        d.features.withUnsafeMutableBufferPointer { f in
            for i in 0..<d.count {
                for j in 0..<w { f[i * w + j] = (f[i * w + j] - mean[j]) / std[j] }
            }
        }
    }
}
