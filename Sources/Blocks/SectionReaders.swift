// The `data`, `model`, `train` and `recurrent` sections of a block, read into the engine's values.
import LabbookCore
import Vocabulary

extension Checker {
    static let dataKeys = ["source", "samples", "features", "labels", "train", "validation", "test", "normalize", "path",
                           "noise", "factor", "classes", "std", "label", "split", "test-path"]

    /// The keys each source takes; others are reported as not applying to it.
    static func dataKeys(for source: DataSource) -> [String] {
        switch source {
        case .gaussian: ["source", "samples", "features", "labels", "validation", "normalize"]
        case .xor: ["source", "samples", "normalize"]
        case .fashionMNIST, .mnist, .idx: ["source", "train", "validation", "test", "normalize", "path"]
        case .moons: ["source", "samples", "noise", "validation", "test", "normalize"]
        case .circles: ["source", "samples", "noise", "factor", "validation", "test", "normalize"]
        case .spirals: ["source", "samples", "noise", "classes", "validation", "test", "normalize"]
        case .blobs: ["source", "samples", "classes", "std", "validation", "test", "normalize"]
        case .csv: ["source", "path", "label", "features", "split", "test-path", "normalize"]
        }
    }

    func data(_ t: YAMLTree) -> DataSpec? {
        guard let fields = map(t, "data", keys: Checker.dataKeys) else { return nil }
        guard let sourceTree = fields["source"] else {
            error(t.location, "'data.source' is missing", hint: "expected one of: " + DataSource.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        guard let sourceName = name(sourceTree, kind: "data source", names: DataSource.allCases.map(\.rawValue), path: "data.source"),
              let source = DataSource(rawValue: sourceName) else { return nil }
        var ok = true
        let allowed = Checker.dataKeys(for: source)
        for e in t.entries ?? [] where Checker.dataKeys.contains(e.key) && !allowed.contains(e.key) {
            error(e.keyLocation, "'data.\(e.key)' does not apply to data source '\(source.rawValue)'",
                  hint: "\(source.rawValue) data takes: " + allowed.dropFirst().joined(separator: ", "))
            ok = false
        }
        func get(_ key: String, _ read: (YAMLTree, String) -> Int?) -> Int?? {
            guard allowed.contains(key), let v = fields[key] else { return .some(nil) }
            guard let x = read(v, "data.\(key)") else { ok = false; return nil }
            return .some(x)
        }
        var spec = DataSpec(source: source)
        if let samples = get("samples", positiveInt), let samples {
            spec.samples = samples
            if source == .xor, samples % 4 != 0, let v = fields["samples"] {
                error(v.location, "'data.samples' must be a multiple of 4 for xor data (the 4 corners repeated), got '\(samples)'")
                ok = false
            }
        }
        if source != .csv, let features = get("features", positiveInt), let features { spec.features = features }
        if allowed.contains("labels"), let l = fields["labels"] {
            if let n = name(l, kind: "labels", names: GaussianLabels.allCases.map(\.rawValue), path: "data.labels"),
               let labels = GaussianLabels(rawValue: n) { spec.labels = labels } else { ok = false }
        }
        if let train = get("train", positiveInt) { spec.train = train }
        if let validation = get("validation", nonNegativeInt) { spec.validation = validation }
        if let test = get("test", nonNegativeInt) { spec.test = test }
        if let n = fields["normalize"] {
            if let norm = normalization(n) { spec.normalize = norm } else { ok = false }
        }
        if allowed.contains("path"), let p = fields["path"] {
            if let s = text(p, "data.path") { spec.path = s } else { ok = false }
        }
        if source.isPlane, !plane(&spec, fields) { ok = false }
        if source == .csv {
            if let settings = csv(fields, t) { spec.csv = settings } else { ok = false }
            if fields["path"] == nil {
                error(t.location, "'data.path' is missing", hint: "csv data needs the table's file, relative to the book, e.g. 'path: data/wine.csv'")
                ok = false
            }
        }
        guard ok else { return nil }
        return checkSizes(spec, fields, t) ? spec : nil
    }

    private func checkSizes(_ spec: DataSpec, _ fields: [String: YAMLTree], _ t: YAMLTree) -> Bool {
        if spec.source.isPlane, (spec.validation ?? 0) + (spec.test ?? 0) >= spec.samples {
            error((fields["validation"] ?? fields["test"] ?? t).location,
                  "'data.validation' + 'data.test' must leave training examples: \((spec.validation ?? 0) + (spec.test ?? 0)) of \(spec.samples) samples",
                  hint: "raise data.samples or lower data.validation / data.test")
            return false
        }
        if spec.source == .gaussian, let v = spec.validation, v >= spec.samples, let at = fields["validation"] {
            error(at.location, "'data.validation' must leave training examples: \(v) of \(spec.samples) samples",
                  hint: "raise data.samples or lower data.validation")
            return false
        }
        guard let sizes = spec.source.knownSizes else { return true }
        let validation = spec.validation ?? 10000
        let train = spec.train ?? (sizes.train - validation)
        if train + validation > sizes.train {
            let at = fields["validation"] ?? fields["train"]
            error(at?.location ?? t.location, "'data.train' + 'data.validation' must be at most \(sizes.train) for \(spec.source.rawValue), got \(train) + \(validation)",
                  hint: "the training file holds \(sizes.train) examples; lower data.train or data.validation")
            return false
        }
        if let test = spec.test, test > sizes.test, let at = fields["test"] {
            error(at.location, "'data.test' must be at most \(sizes.test) for \(spec.source.rawValue), got \(test)",
                  hint: "the test file holds \(sizes.test) examples")
            return false
        }
        return true
    }

    /// `none`, `per-feature`, or `{mean: m, std: s}`.
    private func normalization(_ t: YAMLTree) -> Normalization? {
        if let s = t.scalar {
            switch s {
            case "none": return Normalization.none
            case "per-feature": return .perFeature
            default:
                error(t.location, "unknown normalize '\(s)'", hint: suggestion(for: s, in: ["none", "per-feature"]) + " (or {mean: M, std: S})")
                return nil
            }
        }
        guard let fields = map(t, "data.normalize", keys: ["mean", "std"]) else { return nil }
        guard let m = fields["mean"], let s = fields["std"] else {
            error(t.location, "'data.normalize' needs both 'mean' and 'std'", hint: "e.g. {mean: 0.2861, std: 0.3530}")
            return nil
        }
        let mean = number(m, "data.normalize.mean", what: "a number") { _ in true }
        let std = positiveNumber(s, "data.normalize.std")
        guard let mean, let std else { return nil }
        return .fixed(mean: mean, std: std)
    }

    /// `[50, 50]` or `{width: 50, depth: 3}`.
    func hidden(_ t: YAMLTree) -> [Int]? {
        // A depth is capped at 1000 because the widths are spelled out in memory.
        if case .sequence(let items) = t.value {
            let widths = items.enumerated().map { positiveInt($1, "model.hidden[\($0)]") }
            return widths.contains(where: { $0 == nil }) ? nil : widths.compactMap { $0 }
        }
        guard t.entries != nil else {
            error(t.location, "'model.hidden' must be a list of widths or {width: W, depth: D}, got \(Checker.describe(t))")
            return nil
        }
        guard let fields = map(t, "model.hidden", keys: ["width", "depth"]) else { return nil }
        guard let w = fields["width"], let d = fields["depth"] else {
            error(t.location, "'model.hidden' needs both 'width' and 'depth'", hint: "e.g. {width: 50, depth: 10}")
            return nil
        }
        let width = positiveInt(w, "model.hidden.width")
        let depth = int(d, "model.hidden.depth", min: 0, what: "an integer from 0 to 1000") { $0 <= 1000 }
        guard let width, let depth else { return nil }
        return [Int](repeating: width, count: depth)
    }

    func train(_ t: YAMLTree?, hasValidation: Bool) -> TrainConfig? {
        var config = TrainConfig()
        guard let t else { return config }
        guard let f = map(t, "train", keys: ["epochs", "batch", "shuffle", "drop-last", "patience", "record-every", "clip"]) else { return nil }
        var ok = true
        func read<T>(_ key: String, _ reader: (YAMLTree, String) -> T?, _ set: (T) -> Void) {
            guard let v = f[key] else { return }
            if let x = reader(v, "train.\(key)") { set(x) } else { ok = false }
        }
        read("epochs", nonNegativeInt) { config.epochs = $0 }
        read("batch", positiveInt) { config.batch = $0 }
        read("shuffle", bool) { config.shuffle = $0 }
        read("drop-last", bool) { config.dropLast = $0 }
        read("patience", positiveInt) { config.patience = $0 }
        read("record-every", positiveInt) { config.recordEvery = $0 }
        read("clip", clip) { config.clip = $0 }
        if config.patience != nil, !hasValidation, let p = f["patience"] {
            error(p.location, "'train.patience' needs validation data to watch", hint: "add 'validation: N' to 'data' (examples held out from training)")
            ok = false
        }
        return ok ? config : nil
    }

    /// `none`, `{norm: N}` or `{value: V}`.
    private func clip(_ t: YAMLTree, _ path: String) -> GradientClip? {
        if t.scalar == "none" { return GradientClip.none }
        guard t.entries != nil, let f = map(t, path, keys: ["norm", "value"]) else {
            if t.entries == nil { error(t.location, "'\(path)' must be none, {norm: N} or {value: V}, got \(Checker.describe(t))") }
            return nil
        }
        switch (f["norm"], f["value"]) {
        case (let n?, nil): return positiveNumber(n, "\(path).norm").map { .norm(Float($0)) }
        case (nil, let v?): return positiveNumber(v, "\(path).value").map { .value(Float($0)) }
        case (_?, _?):
            error(t.location, "'\(path)' takes either 'norm' or 'value', not both")
            return nil
        case (nil, nil):
            error(t.location, "'\(path)' needs 'norm' or 'value'", hint: "e.g. {norm: 1.0}")
            return nil
        }
    }

    func recurrent(_ t: YAMLTree) -> RecurrentProbeConfig? {
        guard let f = map(t, "recurrent", keys: ["hidden", "steps", "weight-scale", "activation"]) else { return nil }
        var config = RecurrentProbeConfig()
        var ok = true
        if let h = f["hidden"] { if let x = positiveInt(h, "recurrent.hidden") { config.hidden = x } else { ok = false } }
        if let s = f["steps"] { if let x = positiveInt(s, "recurrent.steps") { config.steps = x } else { ok = false } }
        if let w = f["weight-scale"] {
            if let items = list(w, "recurrent.weight-scale", what: "a positive number or a list of them", single: true), !items.isEmpty {
                let scales = items.map { positiveNumber($0, "recurrent.weight-scale") }
                if scales.contains(where: { $0 == nil }) { ok = false } else { config.weightScales = scales.compactMap { $0.map(Float.init) } }
            } else {
                if case .sequence = w.value { error(w.location, "'recurrent.weight-scale' must not be empty") }
                ok = false
            }
        }
        if let a = f["activation"] {
            if let x = activation(a, "recurrent.activation", default: .tanh) { config.activation = x } else { ok = false }
        }
        return ok ? config : nil
    }
}
