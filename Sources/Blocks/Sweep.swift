// The `sweep` section: dotted keys with lists of values, expanded into a cartesian product; `zip:` pairs lists, `labels:` names variants.
import Foundation
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
        "data.source", "data.noise", "data.factor", "data.classes", "data.std", "data.path", "data.label",
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

    /// The sweep's groups in the order written: each plain key is a group of one axis; `zip:` is one group
    /// whose axes advance together (all lists the same length). Variants are the cartesian product of the
    /// groups. `labels:`, when given, names the variants in that order.
    static func sweepGroups(_ t: YAMLTree?, _ c: ValueReader) -> (groups: [[SweepAxisValues]], labels: [String]?) {
        guard let t else { return ([], nil) }
        guard let entries = t.entries else {
            c.error(t.location, "'sweep' must be a map from keys to lists of values, got \(ValueReader.describe(t))",
                    hint: "e.g. 'sweep: {model.activation: [sigmoid, tanh, relu]}'")
            return ([], nil)
        }
        var groups: [[SweepAxisValues]] = []
        var labelsTree: YAMLTree?
        var ok = true
        func axis(_ e: YAMLTree.Entry, _ prefix: String) -> SweepAxisValues? {
            guard sweepKeys.contains(e.key) else {
                c.error(e.keyLocation, "unknown sweep key '\(e.key)'", hint: suggestion(for: e.key, in: prefix.isEmpty ? sweepKeys + ["zip", "labels"] : sweepKeys))
                return nil
            }
            guard case .sequence(let values) = e.value.value, !values.isEmpty else {
                c.error(e.value.location, "'sweep.\(prefix)\(e.key)' must be a non-empty list of values, got \(ValueReader.describe(e.value))",
                        hint: "e.g. '\(e.key): [a, b]'")
                return nil
            }
            let path = e.key.split(separator: ".").map(String.init)
            return SweepAxisValues(key: e.key, path: path, values: values, labels: values.map { ValueReader.label($0) }, shortName: path.last ?? e.key)
        }
        for e in entries {
            switch e.key {
            case "labels":
                labelsTree = e.value
            case "zip":
                guard let inner = e.value.entries, !inner.isEmpty else {
                    c.error(e.value.location, "'sweep.zip' must be a map from keys to lists of the same length, got \(ValueReader.describe(e.value))",
                            hint: "e.g. 'zip: {optimizer.name: [sgd, adam], optimizer.lr: [0.1, 0.001]}'")
                    ok = false
                    continue
                }
                let axes = inner.compactMap { axis($0, "zip.") }
                guard axes.count == inner.count else { ok = false; continue }
                if let first = axes.first, let odd = axes.first(where: { $0.values.count != first.values.count }),
                   let at = inner.first(where: { $0.key == odd.key }) {
                    c.error(at.value.location, "the lists of 'sweep.zip' go together, so they need the same length: '\(first.key)' has \(first.values.count) values, '\(odd.key)' \(odd.values.count)",
                            hint: "for every combination instead, put the keys directly under 'sweep:'")
                    ok = false
                    continue
                }
                groups.append(axes)
            default:
                if let a = axis(e, "") { groups.append([a]) } else { ok = false }
            }
        }
        var all = groups.flatMap { $0 }
        for (i, a) in all.enumerated() where all[..<i].contains(where: { $0.key == a.key }) {
            c.error(t.location, "'\(a.key)' is swept twice (under 'sweep' and 'sweep.zip')", hint: "give each key one list")
            ok = false
        }
        for i in all.indices where all.filter({ $0.shortName == all[i].shortName }).count > 1 { all[i].shortName = all[i].key }
        var k = 0
        for g in groups.indices {
            for a in groups[g].indices { groups[g][a].shortName = all[k].shortName; k += 1 }
        }
        // Saturating: a hostile sweep must not overflow the count.
        let count = groups.reduce(1) { n, group in
            let (product, overflow) = n.multipliedReportingOverflow(by: group.first?.values.count ?? 1)
            return overflow ? Int.max : product
        }
        if count > maxVariants {
            let shown = count == Int.max ? "too many" : "\(count)"
            c.error(t.location, "the sweep has \(shown) combinations, more than the limit of \(maxVariants)",
                    hint: "sweep fewer keys or values, or split the block")
            ok = false
        }
        var labels: [String]?
        if let l = labelsTree {
            labels = variantLabels(l, count: count, c)
            if labels == nil { ok = false }
            if groups.isEmpty {
                c.error(l.location, "'sweep.labels' names the variants of a sweep, but nothing is swept", hint: "add keys with lists of values beside 'labels'")
                ok = false
            }
        }
        return ok ? (groups, labels) : ([], nil)
    }

    /// `labels: [SGD, Adam]`: one distinct, non-empty text per variant, in the variants' order.
    private static func variantLabels(_ t: YAMLTree, count: Int, _ c: ValueReader) -> [String]? {
        guard let items = c.list(t, "sweep.labels", what: "a list of names, one per variant") else { return nil }
        var out: [String] = []
        for item in items {
            guard let s = c.text(item, "sweep.labels") else { return nil }
            let name = s.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name.contains("]") {
                c.error(item.location, "a variant label must be non-empty text without ']', got \(ValueReader.describe(item))",
                        hint: "labels name variants in inline results: {=block[LABEL].test-accuracy}")
                return nil
            }
            if out.contains(name) {
                c.error(item.location, "the label '\(name)' is used twice", hint: "each variant needs its own label")
                return nil
            }
            out.append(name)
        }
        guard out.count == count else {
            c.error(t.location, "'sweep.labels' has \(out.count) label\(out.count == 1 ? "" : "s") for \(count) variants",
                    hint: "give one label per variant, in the order of the sweep (the first key varies slowest)")
            return nil
        }
        return out
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
