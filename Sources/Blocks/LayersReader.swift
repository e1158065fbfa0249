// Reading `model.layers` (the general model form) and `model.input`, entry by entry, with located errors.
import LabbookCore
import Vocabulary

extension Checker {
    /// The names a `layers:` entry may start with (activations too), for did-you-mean.
    static let layerNames = ["dense", "batch-norm", "dropout"] + imageLayerNames + Activation.names + ["silu"]

    /// Each entry is a bare name (`relu`, `batch-norm`), or a one-key map (`dense: 120`, `dropout: 0.2`,
    /// `{batch-norm: {momentum: 0.1}}`, `{leaky-relu: {slope: 0.1}}`, `{dense: {units: 120, init: he}}`).
    /// Returns the layers and each entry's location (for errors the engine finds later, by layer number).
    func layers(_ t: YAMLTree) -> (layers: [LayerSpec], locations: [SourceLocation])? {
        guard let items = list(t, "model.layers", what: "a list of layers") else { return nil }
        if items.isEmpty {
            error(t.location, "'model.layers' is empty", hint: "end it with the output layer, e.g. '- dense: 10'")
            return nil
        }
        var specs: [LayerSpec] = [], locations: [SourceLocation] = [], ok = true
        for (k, item) in items.enumerated() {
            if let spec = layer(item, "model.layers[\(k)]") {
                specs.append(spec)
                locations.append(item.location)
            } else {
                ok = false
            }
        }
        guard ok else { return nil }
        guard case .dense = specs[specs.count - 1] else {
            error(items[items.count - 1].location, "the last entry of 'model.layers' must be the output layer, a 'dense' layer",
                  hint: "add e.g. '- dense: 10' (one unit per class; 1 for a sigmoid output)")
            return nil
        }
        return (specs, locations)
    }

    private func layer(_ item: YAMLTree, _ path: String) -> LayerSpec? {
        let name: String, options: YAMLTree?, nameAt: SourceLocation
        if let s = item.scalar {
            (name, options, nameAt) = (s, nil, item.location)
        } else if let entries = item.entries, entries.count == 1 {
            (name, options, nameAt) = (entries[0].key, entries[0].value.isNull ? nil : entries[0].value, entries[0].keyLocation)
        } else {
            error(item.location, "'\(path)' must be a layer name or a one-key map such as 'dense: 120', got \(Checker.describe(item))")
            return nil
        }
        switch name {
        case "dense":
            guard let options else {
                error(nameAt, "'\(path)': dense needs its units", hint: "e.g. 'dense: 120' or '{dense: {units: 120, init: he}}'")
                return nil
            }
            if options.scalar != nil { return positiveInt(options, "\(path).dense").map { .dense(units: $0, initScheme: nil) } }
            guard let f = map(options, "\(path).dense", keys: ["units", "init"]) else { return nil }
            guard let u = f["units"] else {
                error(options.location, "'\(path).dense' needs 'units'", hint: "e.g. {units: 120}")
                return nil
            }
            guard let units = positiveInt(u, "\(path).dense.units") else { return nil }
            var scheme: InitScheme?
            if let i = f["init"] {
                let named = i.scalar != nil ? YAMLTree(.mapping([YAMLTree.Entry(key: "name", keyLocation: i.location, value: i)]), at: i.location) : i
                guard let s = initScheme(named, "\(path).dense.init") else { return nil }
                scheme = s
            }
            return .dense(units: units, initScheme: scheme)
        case "dropout":
            // torch's default rate is 0.5.
            guard let options else { return .dropout(rate: 0.5) }
            guard let rate = number(options, "\(path).dropout", what: "a rate in [0, 1) (the probability of zeroing a value)",
                                    { $0 >= 0 && $0 < 1 }) else { return nil }
            return .dropout(rate: Float(rate))
        case "batch-norm":
            guard let options else { return .batchNorm(momentum: 0.1, eps: 1e-5) }
            guard let f = map(options, "\(path).batch-norm", keys: ["momentum", "eps"]) else { return nil }
            var momentum = 0.1, eps = 1e-5, ok = true
            if let m = f["momentum"] {
                if let v = number(m, "\(path).batch-norm.momentum", what: "a number in [0, 1]", { $0 >= 0 && $0 <= 1 }) { momentum = v } else { ok = false }
            }
            if let e = f["eps"] { if let v = positiveNumber(e, "\(path).batch-norm.eps") { eps = v } else { ok = false } }
            return ok ? .batchNorm(momentum: Float(momentum), eps: Float(eps)) : nil
        case _ where Checker.imageLayerNames.contains(name):
            return imageLayer(name, options, at: nameAt, path)
        default:
            guard Activation.names.contains(name) || name == "silu" || name == "linear" else {
                error(nameAt, "unknown layer '\(name)'", hint: suggestion(for: name, in: Checker.layerNames))
                return nil
            }
            var entries = [YAMLTree.Entry(key: "name", keyLocation: nameAt, value: YAMLTree(.scalar(name), at: nameAt))]
            if let options {
                guard let more = options.entries else {
                    error(options.location, "'\(path).\(name)' takes parameters as a map, e.g. {slope: 0.1}, got \(Checker.describe(options))")
                    return nil
                }
                entries += more
            }
            return activation(YAMLTree(.mapping(entries), at: item.location), "\(path).\(name)", default: .relu).map { .activation($0) }
        }
    }

    /// `model.input`: the per-example shape, e.g. [1, 28, 28] (channels, height, width) or [784].
    func inputShape(_ t: YAMLTree) -> [Int]? {
        guard let items = list(t, "model.input", what: "a shape such as [1, 28, 28]") else { return nil }
        let dims = items.enumerated().map { positiveInt($1, "model.input[\($0)]") }
        guard !dims.isEmpty, dims.allSatisfy({ $0 != nil }) else {
            if dims.isEmpty { error(t.location, "'model.input' is empty", hint: "e.g. [1, 28, 28]") }
            return nil
        }
        return dims.compactMap { $0 }
    }
}
