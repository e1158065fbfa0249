// The `sweep` section: dotted keys with lists of values, expanded into a cartesian product.
import LabbookCore

struct SweepAxisValues {
    var key: String
    var path: [String]
    var values: [YAMLTree]
    var labels: [String]
    /// The last component of the key ("activation" for "model.activation"), or the whole key when
    /// another axis ends the same way.
    var shortName: String
}

extension BlockReader {
    /// Every key a sweep may vary.
    static let sweepKeys: [String] = [
        "seed",
        "data.samples", "data.features", "data.labels", "data.train", "data.validation", "data.test", "data.normalize",
        "model.hidden", "model.hidden.width", "model.hidden.depth",
        "model.activation", "model.activation.name", "model.activation.slope", "model.activation.alpha",
        "model.init", "model.init.name", "model.init.std", "model.init.limit", "model.bias-init", "model.output",
        "loss", "loss.name", "loss.delta", "loss.threshold",
        "optimizer", "optimizer.name", "optimizer.lr", "optimizer.momentum", "optimizer.nesterov",
        "optimizer.beta1", "optimizer.beta2", "optimizer.eps", "optimizer.weight-decay", "optimizer.alpha",
        "optimizer.centered", "optimizer.lr-decay", "model.layers",
        "schedule", "schedule.name", "schedule.warmup", "schedule.gamma", "schedule.every", "schedule.min-lr",
        "train.epochs", "train.batch", "train.shuffle", "train.drop-last", "train.patience", "train.record-every",
        "train.clip", "train.clip.norm", "train.clip.value",
        "recurrent.hidden", "recurrent.steps", "recurrent.weight-scale", "recurrent.activation",
    ]

    static func sweepAxes(_ t: YAMLTree?, _ c: Checker) -> [SweepAxisValues] {
        guard let t else { return [] }
        guard let entries = t.entries else {
            c.error(t.location, "'sweep' must be a map from keys to lists of values, got \(Checker.describe(t))",
                    hint: "e.g. 'sweep: {model.activation: [sigmoid, tanh, relu]}'")
            return []
        }
        var axes: [SweepAxisValues] = []
        var ok = true
        for e in entries {
            guard sweepKeys.contains(e.key) else {
                c.error(e.keyLocation, "unknown sweep key '\(e.key)'", hint: suggestion(for: e.key, in: sweepKeys))
                ok = false
                continue
            }
            guard case .sequence(let values) = e.value.value, !values.isEmpty else {
                c.error(e.value.location, "'sweep.\(e.key)' must be a non-empty list of values, got \(Checker.describe(e.value))",
                        hint: "e.g. '\(e.key): [a, b]'")
                ok = false
                continue
            }
            let path = e.key.split(separator: ".").map(String.init)
            axes.append(SweepAxisValues(key: e.key, path: path, values: values,
                                        labels: values.map { Checker.label($0) }, shortName: path.last ?? e.key))
        }
        for i in axes.indices where axes.filter({ $0.shortName == axes[i].shortName }).count > 1 {
            axes[i].shortName = axes[i].key
        }
        // Saturating: a hostile sweep must not overflow the count.
        let count = axes.reduce(1) { n, axis in
            let (product, overflow) = n.multipliedReportingOverflow(by: axis.values.count)
            return overflow ? Int.max : product
        }
        if count > maxVariants {
            let shown = count == Int.max ? "too many" : "\(count)"
            c.error(t.location, "the sweep has \(shown) combinations, more than the limit of \(maxVariants)",
                    hint: "sweep fewer keys or values, or split the block")
            ok = false
        }
        return ok ? axes : []
    }

    /// Index tuples of the cartesian product, the first axis varying slowest.
    static func cartesian(_ sizes: [Int]) -> [[Int]] {
        var out: [[Int]] = [[]]
        for n in sizes {
            out = out.flatMap { prefix in (0..<n).map { prefix + [$0] } }
        }
        return out
    }
}
