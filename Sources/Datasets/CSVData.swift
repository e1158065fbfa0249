// `source: csv`: a table in the book becomes train/validation/test examples; its bytes go into the cache key.
import Engine
import Foundation
import LabbookCore
import Vocabulary

public enum CSVData {
    /// Directories outside the book a CSV path may lead into: `$LABBOOK_DATA` and Debian's dataset packages.
    public static let systemDataDirectory = "/usr/share/datasets"
    /// More classes than this is a regression target or an id column, not classes.
    public static let maxClasses = 100

    /// The real path of `path` (relative to the book unless absolute), refused when it resolves outside the
    /// book's real directory (through `..` or a symbolic link) and outside the data directories.
    public static func resolve(_ path: String, key: String, bookDirectory: String, environment: [String: String]) throws -> String {
        let joined = path.hasPrefix("/") ? path : (bookDirectory as NSString).appendingPathComponent(path)
        guard let real = realPath(joined) else {
            throw DataError(file: path, "no such file", fix: "data.\(key) is relative to the book's directory (where book.yml is)")
        }
        var roots = [bookDirectory, systemDataDirectory]
        if let env = environment["LABBOOK_DATA"], !env.isEmpty { roots.append(env) }
        let inside = roots.compactMap(realPath).contains { root in real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        guard inside else {
            throw DataError(file: path, "the file lies outside the book's directory",
                            fix: "keep data files inside the book (e.g. data/), in $LABBOOK_DATA or in \(systemDataDirectory)")
        }
        // The IDX files' rule: only a regular file (a FIFO would block the read and the hash), named as written.
        do {
            try DataFile.requireRegularFile(real)
        } catch var e as DataError {
            e.file = path
            e.fix = "data.\(key) must name a CSV file"
            throw e
        }
        return real
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// The columns and classes the settings select, after reading the table(s); every problem names its
    /// place in the file (`data/wine.csv:5:3`) and the key of the block it concerns.
    public static func shape(_ spec: DataSpec, bookDirectory: String, environment: [String: String]) throws(CSVProblem) -> CSVShape {
        let (train, test) = try tables(spec, bookDirectory: bookDirectory, environment: environment)
        return try columns(spec, train, test).shape
    }

    public static func load(_ spec: DataSpec, seed: UInt64, bookDirectory: String, environment: [String: String]) throws -> DataSplits {
        let settings = try settingsOf(spec)
        let (train, test): (Read, Read?)
        let selected: Selected
        do {
            (train, test) = try tables(spec, bookDirectory: bookDirectory, environment: environment)
            selected = try columns(spec, train, test)
        } catch { throw error.error }
        let all = try dataset(train, selected)
        let n = all.count
        var order = Array(0..<n)
        var rng = SeededRandom(seed: seed).fork("split")
        rng.shuffle(&order)
        let validation = Int((settings.validation * Double(n)).rounded())
        let testCount = test == nil ? Int((settings.test * Double(n)).rounded()) : 0
        let trainCount = n - validation - testCount
        guard trainCount >= 1 else {
            throw DataError(file: spec.path, "\(n) rows leave no training example for split train \(settings.train)",
                            fix: "raise data.split.train or add rows")
        }
        func subset(_ range: Range<Int>) -> Dataset? {
            guard !range.isEmpty else { return nil }
            var f: [Float] = [], l: [Int32] = [], t: [Float] = []
            for i in order[range] {
                f += all.features[(i * all.width)..<((i + 1) * all.width)]
                l.append(all.labels[i])
                if let targets = all.targets { t.append(targets[i]) }
            }
            if all.isRegression { return Dataset(features: f, count: range.count, width: all.width, targets: t, targetWidth: 1) }
            return Dataset(features: f, count: range.count, width: all.width, labels: l, classes: all.classes)
        }
        let testSet = try test.map { try dataset($0, selected) } ?? subset((trainCount + validation)..<n)
        guard let trainSet = subset(0..<trainCount) else { throw DataError(file: spec.path, "no training rows") }
        var splits = DataSplits(train: trainSet, validation: subset(trainCount..<(trainCount + validation)), test: testSet)
        splits.featureNames = selected.shape.features
        if !selected.shape.regression { splits.classNames = selected.shape.classes }
        if settings.target == .standard { standardizeTargets(&splits) }
        return splits
    }

    /// z = (y − mean) / std with the training split's mean and population std (std 1 for a constant target),
    /// applied to every split; the scale is kept so reports give predictions in the table's units.
    static func standardizeTargets(_ splits: inout DataSplits) {
        guard let y = splits.train.targets, !y.isEmpty else { return }
        let n = Double(y.count)
        let mean = y.reduce(0.0) { $0 + Double($1) } / n
        let variance = y.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let std = variance > 1e-24 ? variance.squareRoot() : 1
        func scaled(_ d: Dataset?) -> Dataset? {
            guard var d, let t = d.targets else { return d }
            d.targets = t.map { Float((Double($0) - mean) / std) }
            return d
        }
        splits.train = scaled(splits.train) ?? splits.train
        splits.validation = scaled(splits.validation)
        splits.test = scaled(splits.test)
        splits.targetScale = ColumnScale(mean: [mean], std: [std])
    }

    /// SHA-256 of the table's bytes (and the test table's), for the cache key.
    static func digestLines(_ spec: DataSpec, bookDirectory: String, environment: [String: String]) throws -> String {
        let settings = try settingsOf(spec)
        var text = ""
        for (key, path) in [("path", spec.path), ("test-path", settings.testPath)] {
            guard let path else { continue }
            let real = try resolve(path, key: key, bookDirectory: bookDirectory, environment: environment)
            let sum = try SharedCaches.digests.value(for: real) {
                guard let sum = try? SHA256.hex(ofFileAt: real) else { throw DataError(file: path, "cannot read the file") }
                return sum
            }
            text += "csv \(key) \(sum)\n"
        }
        return text
    }

    // MARK: - Reading

    struct Read {
        var path: String
        var table: CSVTable
    }

    struct Selected {
        var label: Int
        var features: [Int]
        var shape: CSVShape
    }

    static func settingsOf(_ spec: DataSpec) throws -> CSVSettings {
        guard let s = spec.csv, spec.path != nil else { throw DataError("csv data needs data.path and data.label") }
        return s
    }

    static func tables(_ spec: DataSpec, bookDirectory: String, environment: [String: String]) throws(CSVProblem) -> (Read, Read?) {
        guard let settings = spec.csv, let path = spec.path else {
            throw CSVProblem(key: .path, error: DataError("csv data needs data.path and data.label"))
        }
        let train = try read(path, key: .path, bookDirectory: bookDirectory, environment: environment)
        let test = try settings.testPath.map { p throws(CSVProblem) in try read(p, key: .testPath, bookDirectory: bookDirectory, environment: environment) }
        return (train, test)
    }

    static let tableCache = FileCache<CSVTable>()

    static func read(_ path: String, key: CSVProblem.Key, bookDirectory: String, environment: [String: String]) throws(CSVProblem) -> Read {
        let name = key == .testPath ? "test-path" : "path"
        do {
            let real = try resolve(path, key: name, bookDirectory: bookDirectory, environment: environment)
            let table = try tableCache.value(for: real) {
                let size = (try? FileManager.default.attributesOfItem(atPath: real)[.size] as? NSNumber)?.intValue ?? 0
                guard size <= CSV.maxBytes else {
                    throw DataError(file: path, "the file is \(size >> 20) MiB, more than the limit of \(CSV.maxBytes >> 20) MiB")
                }
                guard let data = FileManager.default.contents(atPath: real) else { throw DataError(file: path, "cannot read the file") }
                guard let text = String(data: data, encoding: .utf8) else { throw DataError(file: path, "the file is not UTF-8 text") }
                do { return try CSV.parse(text) } catch let e as CSVError {
                    throw DataError(file: place(path, e.line, e.column), e.message)
                }
            }
            return Read(path: path, table: table)
        } catch let e as DataError {
            throw CSVProblem(key: key, error: e)
        } catch {
            throw CSVProblem(key: key, error: DataError(file: path, "\(error)"))
        }
    }

    static func place(_ path: String, _ line: Int, _ column: Int?) -> String {
        column.map { "\(path):\(line):\($0)" } ?? "\(path):\(line)"
    }

    /// The label and feature columns by name, and the classes: the label column's distinct values over the
    /// table(s), in numeric order when they are all integers, else in text order.
    static func columns(_ spec: DataSpec, _ train: Read, _ test: Read?) throws(CSVProblem) -> Selected {
        guard let settings = spec.csv else { throw CSVProblem(key: .label, error: DataError("csv data needs data.label")) }
        let header = train.table.header
        // Every unknown name is reported in one pass, the label's first.
        var unknown: [CSVProblem] = []
        let label = header.firstIndex(of: settings.label)
        if label == nil {
            unknown.append(CSVProblem(key: .label, error: DataError(file: train.path, "no column '\(settings.label)' in the header",
                                                                    fix: suggestion(for: settings.label, in: header))))
        }
        var features: [Int] = []
        if let names = settings.features {
            for (k, name) in names.enumerated() {
                guard let j = header.firstIndex(of: name) else {
                    unknown.append(CSVProblem(key: .feature(k), error: DataError(file: train.path, "no column '\(name)' in the header",
                                                                                 fix: suggestion(for: name, in: header))))
                    continue
                }
                if j == label {
                    unknown.append(CSVProblem(key: .feature(k), error: DataError("column '\(name)' is the label; it cannot also be a feature")))
                }
                features.append(j)
            }
        } else {
            features = header.indices.filter { $0 != label }
        }
        if var first = unknown.first {
            first.others = Array(unknown.dropFirst())
            throw first
        }
        guard let label else { throw CSVProblem(key: .label, error: DataError("csv data needs data.label")) }
        guard !features.isEmpty else { throw CSVProblem(key: .label, error: DataError(file: train.path, "the table has no feature column beside the label")) }
        if let test, test.table.header != header {
            throw CSVProblem(key: .testPath, error: DataError(file: test.path, "the header differs from that of '\(train.path)'",
                                                              fix: "the test table needs the same columns in the same order"))
        }
        var values = Set<String>()
        let regression = settings.target != nil
        for read in [train] + (test.map { [$0] } ?? []) {
            for (r, row) in read.table.rows.enumerated() {
                let v = row[label].trimmingCharacters(in: .whitespaces)
                if v.isEmpty {
                    throw CSVProblem(key: .label, error: DataError(file: place(read.path, read.table.lines[r], label + 1),
                                                                   "missing value in the label column '\(settings.label)'"))
                }
                if regression {
                    guard let y = Double(v), y.isFinite else {
                        throw CSVProblem(key: .label, error: DataError(file: place(read.path, read.table.lines[r], label + 1),
                                                                       "'\(v)' in the target column '\(settings.label)' is not a number",
                                                                       fix: "a regression loss (mse, huber) reads the label column as a number; use cross-entropy for classes"))
                    }
                    continue
                }
                values.insert(v)
            }
        }
        guard !train.table.rows.isEmpty else { throw CSVProblem(key: .path, error: DataError(file: train.path, "the table has a header but no rows")) }
        let classes = values.allSatisfy({ Int($0) != nil }) ? values.sorted { Int($0) ?? 0 < Int($1) ?? 0 } : values.sorted()
        guard classes.count >= 2 || regression else {
            throw CSVProblem(key: .label, error: DataError(file: train.path, "the label column '\(settings.label)' holds a single value, '\(classes.first ?? "")'",
                                                           fix: "a classifier needs at least two classes"))
        }
        guard classes.count <= maxClasses else {
            throw CSVProblem(key: .label, error: DataError(file: train.path, "the label column '\(settings.label)' holds \(classes.count) distinct values, more than \(maxClasses) classes",
                                                           fix: "for a regression target use 'loss: mse' or 'loss: huber' (with 'output: identity')"))
        }
        for read in [train] + (test.map { [$0] } ?? []) {
            for (r, row) in read.table.rows.enumerated() {
                for j in features {
                    let cell = row[j].trimmingCharacters(in: .whitespaces)
                    let at = place(read.path, read.table.lines[r], j + 1)
                    if cell.isEmpty {
                        throw CSVProblem(key: read.path == train.path ? .path : .testPath,
                                         error: DataError(file: at, "missing value in column '\(header[j])'", fix: "every feature cell must hold a number"))
                    }
                    guard let x = Double(cell), x.isFinite else {
                        throw CSVProblem(key: read.path == train.path ? .path : .testPath,
                                         error: DataError(file: at, "'\(cell)' in column '\(header[j])' is not a number",
                                                          fix: "feature columns must be numeric; leave text columns out with data.features"))
                    }
                }
            }
        }
        return Selected(label: label, features: features,
                        shape: CSVShape(features: features.map { header[$0] }, classes: classes, regression: regression))
    }

    /// Every row of a checked table as an example (features as Float, the label as its class index, or as the
    /// regression target).
    static func dataset(_ read: Read, _ s: Selected) throws -> Dataset {
        let index = Dictionary(uniqueKeysWithValues: s.shape.classes.enumerated().map { ($1, Int32($0)) })
        var features: [Float] = [], labels: [Int32] = [], targets: [Float] = []
        features.reserveCapacity(read.table.rows.count * s.features.count)
        for row in read.table.rows {
            for j in s.features { features.append(Float(Double(row[j].trimmingCharacters(in: .whitespaces)) ?? .nan)) }
            let label = row[s.label].trimmingCharacters(in: .whitespaces)
            if s.shape.regression { targets.append(Float(Double(label) ?? .nan)) } else { labels.append(index[label] ?? 0) }
        }
        if s.shape.regression {
            return Dataset(features: features, count: read.table.rows.count, width: s.features.count, targets: targets, targetWidth: 1)
        }
        return Dataset(features: features, count: read.table.rows.count, width: s.features.count, labels: labels, classes: s.shape.classes.count)
    }
}
