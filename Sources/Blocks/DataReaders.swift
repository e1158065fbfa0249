// The 2-D sets' and CSV tables' keys of `data:`, and what validation learns by reading a CSV table.
import LabbookCore
import Vocabulary

extension Checker {
    /// Spirals and blobs: at most this many classes (arms, blobs) in one picture.
    static let maxPlaneClasses = 10

    /// `noise`, `factor`, `classes`, `std` of moons, circles, spirals and blobs.
    func plane(_ spec: inout DataSpec, _ f: [String: YAMLTree]) -> Bool {
        var ok = true
        if let n = f["noise"] {
            if let x = number(n, "data.noise", what: "a non-negative number", { $0 >= 0 }) { spec.noise = x } else { ok = false }
        }
        if let v = f["factor"] {
            if let x = number(v, "data.factor", what: "a number between 0 and 1 (the inner radius over the outer)", { $0 > 0 && $0 < 1 }) {
                spec.factor = x
            } else { ok = false }
        }
        if let v = f["classes"] {
            let what = "an integer from 2 to \(Checker.maxPlaneClasses)"
            if let x = int(v, "data.classes", min: 2, what: what, { $0 <= Checker.maxPlaneClasses }) { spec.classes = x } else { ok = false }
        }
        if let v = f["std"] {
            if let x = positiveNumber(v, "data.std") { spec.std = x } else { ok = false }
        }
        let classes = spec.classCount
        if spec.samples < max(2, classes), let at = f["samples"] {
            error(at.location, "'data.samples' must give every class a point: \(spec.samples) samples for \(classes) classes")
            ok = false
        }
        return ok
    }

    /// `label`, `features` (names), `split` and `test-path` of a CSV source.
    func csv(_ f: [String: YAMLTree], _ t: YAMLTree) -> CSVSettings? {
        guard let l = f["label"] else {
            error(t.location, "'data.label' is missing", hint: "name the column that holds the classes, e.g. 'label: quality'")
            return nil
        }
        guard let label = text(l, "data.label") else { return nil }
        var settings = CSVSettings(label: label)
        var ok = true
        if let v = f["features"] {
            if let items = list(v, "data.features", what: "a list of column names"), !items.isEmpty {
                let names = items.map { text($0, "data.features") }
                if names.contains(where: { $0 == nil }) { ok = false } else { settings.features = names.compactMap { $0 } }
            } else {
                if case .sequence = v.value { error(v.location, "'data.features' must name at least one column") }
                ok = false
            }
        }
        if let p = f["test-path"] {
            if let s = text(p, "data.test-path") { settings.testPath = s } else { ok = false }
        }
        if let s = f["split"] {
            if let split = self.split(s, hasTestFile: settings.testPath != nil) {
                (settings.train, settings.validation, settings.test) = split
            } else { ok = false }
        }
        return ok ? settings : nil
    }

    /// `{train: 0.7, validation: 0.15, test: 0.15}`: fractions in [0, 1] summing to 1; missing ones are 0.
    private func split(_ t: YAMLTree, hasTestFile: Bool) -> (Double, Double, Double)? {
        guard let f = map(t, "data.split", keys: ["train", "validation", "test"]) else { return nil }
        var parts: [Double] = []
        for key in ["train", "validation", "test"] {
            guard let v = f[key] else { parts.append(0); continue }
            guard let x = number(v, "data.split.\(key)", what: "a fraction from 0 to 1", { $0 >= 0 && $0 <= 1 }) else { return nil }
            parts.append(x)
        }
        guard parts[0] > 0 else {
            error((f["train"] ?? t).location, "'data.split.train' must be more than 0", hint: "e.g. {train: 0.8, validation: 0.2}")
            return nil
        }
        if hasTestFile, parts[2] > 0, let at = f["test"] {
            error(at.location, "'data.split.test' cannot be used with 'data.test-path'", hint: "the test examples come from the test file; split only train and validation")
            return nil
        }
        let sum = parts.reduce(0, +)
        guard abs(sum - 1) < 1e-9 else {
            error(t.location, "the fractions of 'data.split' must sum to 1, got \(NumberFormat.compact(sum))", hint: "e.g. {train: 0.7, validation: 0.15, test: 0.15}")
            return nil
        }
        return (parts[0], parts[1], parts[2])
    }

    /// The input width and class count the reports and the output layer are checked against. A CSV table
    /// is read when the book's directory is known; its problems are errors at the key they concern, naming
    /// the table's line and field (`data/wine.csv:5:3: 'abc' in column 'alcohol' is not a number`).
    func dataShape(_ spec: DataSpec, _ t: YAMLTree) -> (inputWidth: Int?, classes: Int)? {
        guard spec.source == .csv else { return (spec.inputWidth, spec.classCount) }
        guard let root = dataRoot, let feasibility else { return (spec.inputWidth, spec.classCount) }
        do {
            let shape = try feasibility.csvShape(spec, bookDirectory: root.bookDirectory, environment: root.environment)
            return (shape.features.count, shape.classes.count)
        } catch let problem {
            for p in [problem] + problem.others {
                let at: YAMLTree?
                switch p.key {
                case .path: at = t["path"]
                case .testPath: at = t["test-path"]
                case .label: at = t["label"]
                case .feature(let k):
                    if case .sequence(let items)? = t["features"]?.value, k < items.count { at = items[k] } else { at = t["features"] }
                }
                let e = p.error
                self.error((at ?? t).location, e.file.map { "\($0): \(e.message)" } ?? e.message, hint: e.fix)
            }
            return nil
        }
    }
}

/// Where a block's data files are looked up at validation time: the book's directory and `$LABBOOK_DATA`.
public struct DataRoot: Sendable, Hashable {
    public var bookDirectory: String
    public var environment: [String: String]

    public init(bookDirectory: String, environment: [String: String]) {
        self.bookDirectory = bookDirectory
        self.environment = environment
    }
}
