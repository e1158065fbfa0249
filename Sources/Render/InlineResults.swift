// Inline results: `{=BLOCK[VARIANT].QUANTITY:ARGS}` in a code span becomes a number the engine computed,
// so the prose that reads a figure can never disagree with it (knitr's `r x`, Quarto's inline expressions).
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

/// A parsed reference such as `02-activation-functions/activation-sweep[relu].test-accuracy` or
/// `gradient-flow[sigmoid].gradient-ratio-first:4:0`.
public struct ResultReference: Sendable, Hashable {
    /// Another chapter's slug, when the block is not in this chapter.
    public var chapter: String?
    public var block: String
    public var variant: String?
    public var quantity: String
    public var arguments: [String]

    /// Parses the text between `{=` and `}`; nil when it is not a reference at all.
    public static func parse(_ text: String) -> ResultReference? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var chapter: String?
        // A chapter prefix ends at the first '/' before any '[' (a variant label may hold a slash: `[SGD/momentum]`).
        if let slash = rest[..<(rest.firstIndex(of: "[") ?? rest.endIndex)].firstIndex(of: "/") {
            chapter = String(rest[..<slash])
            rest = rest[rest.index(after: slash)...]
        }
        // The quantity starts at the first '.' after the variant's ']' (labels such as `0.8` hold dots).
        let searchFrom = rest.firstIndex(of: "]") ?? rest.startIndex
        guard let dot = rest[searchFrom...].firstIndex(of: ".") else { return nil }
        var head = rest[..<dot]
        let tail = rest[rest.index(after: dot)...]
        var variant: String?
        if let open = head.firstIndex(of: "["), head.hasSuffix("]") {
            variant = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
            head = head[..<open]
        }
        let parts = tail.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard !head.isEmpty, let quantity = parts.first, !quantity.isEmpty else { return nil }
        return ResultReference(chapter: chapter, block: String(head), variant: variant, quantity: quantity,
                               arguments: Array(parts.dropFirst()))
    }

    /// Every quantity a reference may name, with the arguments it takes.
    public static let quantities: [(name: String, arguments: String, meaning: String)] = [
        ("train-accuracy", "", "final accuracy on the training set, %"),
        ("validation-accuracy", "", "final accuracy on the validation split, %"),
        ("test-accuracy", "", "final accuracy on the test set, %"),
        ("train-loss", "", "final loss on the training set"),
        ("validation-loss", "", "final loss on the validation split"),
        ("test-loss", "", "final loss on the test set"),
        ("train-mse", "", "regression: final mean squared error on the training set, in the target's units squared"),
        ("validation-mse", "", "regression: the same on the validation split"),
        ("test-mse", "", "regression: the same on the test set"),
        ("train-rmse", "", "regression: final root mean squared error on the training set, in the target's units"),
        ("validation-rmse", "", "regression: the same on the validation split"),
        ("test-rmse", "", "regression: the same on the test set"),
        ("train-mae", "", "regression: final mean absolute error on the training set, in the target's units"),
        ("validation-mae", "", "regression: the same on the validation split"),
        ("test-mae", "", "regression: the same on the test set"),
        ("train-r2", "", "regression: coefficient of determination R² on the training set"),
        ("validation-r2", "", "regression: the same on the validation split"),
        ("test-r2", "", "regression: the same on the test set"),
        ("validation-accuracy-at", ":EPOCH", "validation accuracy after epoch EPOCH (1-based), %"),
        ("train-accuracy-at", ":EPOCH", "accuracy on the minibatches of epoch EPOCH as they were seen, %"),
        ("epochs", "", "epochs run"),
        ("best-epoch", "", "epoch whose weights were kept"),
        ("parameters", "", "number of trainable parameters"),
        ("dead-init", ":LAYER", "dead units of hidden layer LAYER at initialisation, %"),
        ("dead-trained", ":LAYER", "dead units of hidden layer LAYER after training, %"),
        ("median-log10-gradient-init", ":LAYER", "median of log10 |∂L/∂w| of layer LAYER at initialisation"),
        ("median-log10-gradient-trained", ":LAYER", "median of log10 |∂L/∂w| of layer LAYER after training"),
        ("mean-abs-gradient-first", ":LAYER", "mean |∂L/∂W| of layer LAYER at the first recorded iteration"),
        ("mean-abs-gradient-last", ":LAYER", "mean |∂L/∂W| of layer LAYER at the last recorded iteration"),
        ("gradient-ratio-first", ":A:B", "mean |∂L/∂W| of layer A over that of layer B, first recorded iteration"),
        ("gradient-ratio-last", ":A:B", "the same at the last recorded iteration"),
        ("gradient-check", ":LAYER", "max relative difference of the gradient check for layer LAYER"),
        ("max-gradient-check", "", "the largest max relative difference over all layers"),
        ("fraction-zero-activations", ":LAYER", "share of exact zeros among layer LAYER's sampled activations after training, %"),
        ("rnn-gradient-norm", ":SCALE:STEP", "gradient norm reaching time step STEP for weight scale SCALE"),
        ("rnn-gradient-ratio", ":SCALE", "gradient norm at the first step over that at the last step, for weight scale SCALE"),
    ]
}

extension ResultReference {
    /// What is wrong with the arguments, judged from the quantity's signature in `quantities` alone (how many,
    /// whole numbers or a number): the one rule `labbook check` applies and `InlineResults.evaluate` applies
    /// first, so check rejects what build would. nil for an unknown quantity (reported as such).
    public var argumentProblem: ReferenceError? {
        guard let entry = Self.quantities.first(where: { $0.name == quantity }) else { return nil }
        let names = entry.arguments.split(separator: ":").map(String.init)
        guard arguments.count == names.count else {
            return ReferenceError("'\(quantity)' takes \(names.count) argument\(names.count == 1 ? "" : "s") after ':', got \(arguments.count)",
                                  hint: names.isEmpty ? "write {=\(block).\(quantity)}" : "write {=\(block).\(quantity):\(names.joined(separator: ":"))}")
        }
        for (name, value) in zip(names, arguments) {
            if name == "SCALE" ? Double(value) == nil : Int(value) == nil {
                return ReferenceError("'\(quantity)': \(name) must be \(name == "SCALE" ? "a number" : "a whole number"), got '\(value)'")
            }
        }
        return nil
    }
}

public enum InlineResults {
    /// The value of `ref` in `outcome`, formatted for prose, or why it cannot be computed.
    public static func evaluate(_ ref: ResultReference, in outcome: BlockOutcome) -> Result<String, ReferenceError> {
        let candidates = outcome.variants
        let chosen: VariantOutcome?
        if let v = ref.variant {
            chosen = candidates.first { $0.label == v }
            if chosen == nil {
                let labels = candidates.map(\.label)
                return .failure(ReferenceError("block '\(ref.block)' has no variant '\(v)'", hint: suggestion(for: v, in: labels)))
            }
        } else if candidates.count == 1 {
            chosen = candidates.first
        } else {
            return .failure(ReferenceError("block '\(ref.block)' has \(candidates.count) variants; name one",
                                           hint: "write \(ref.block)[\(candidates.first?.label ?? "")].\(ref.quantity)"))
        }
        guard let variant = chosen else { return .failure(ReferenceError("block '\(ref.block)' produced nothing")) }
        if let e = ref.argumentProblem { return .failure(e) }
        func int(_ i: Int) -> Int? { i < ref.arguments.count ? Int(ref.arguments[i]) : nil }

        if ref.quantity.hasPrefix("rnn-") {
            guard let probe = variant.recurrent else { return .failure(ReferenceError("block '\(ref.block)' is not a recurrent probe")) }
            // The probe keeps its weight scales in Float32 (1.3 is stored as 1.2999999523…): compare at that
            // precision, so the value written in the YAML finds its series.
            let scale = ref.arguments.first.flatMap(Float.init)
            guard let series = probe.series.first(where: { scale != nil && Float($0.weightScale) == scale }) else {
                return .failure(ReferenceError("no weight scale '\(ref.arguments.first ?? "")' in '\(ref.block)'",
                                               hint: "the scales are " + probe.series.map { NumberFormat.compact($0.weightScale) }.joined(separator: ", ")))
            }
            switch ref.quantity {
            case "rnn-gradient-norm":
                guard let t = int(1), t >= 0, t < series.gradientNorms.count else {
                    return .failure(ReferenceError("time step out of range 0…\(series.gradientNorms.count - 1)"))
                }
                return .success(NumberFormat.scientific(series.gradientNorms[t]))
            case "rnn-gradient-ratio":
                guard let first = series.gradientNorms.first, let last = series.gradientNorms.last, last != 0 else {
                    return .failure(ReferenceError("no gradient norms recorded"))
                }
                return .success(NumberFormat.scientific(first / last))
            default:
                break
            }
        }
        guard let r = variant.training else {
            return .failure(ReferenceError("block '\(ref.block)' trained nothing", hint: "inline results read trained runs"))
        }
        let f = r.final
        func percent(_ x: Double?) -> Result<String, ReferenceError> {
            x.map { .success(NumberFormat.percent($0, 2)) } ?? .failure(ReferenceError("'\(ref.quantity)' was not computed (no such split?)"))
        }
        func loss(_ x: Double?) -> Result<String, ReferenceError> {
            x.map { .success(NumberFormat.fixed($0, 4)) } ?? .failure(ReferenceError("'\(ref.quantity)' was not computed (no such split?)"))
        }
        if let reg = r.regression {
            if ref.quantity.contains("accuracy") {
                return .failure(ReferenceError("block '\(ref.block)' is a regression: it has no accuracy",
                                               hint: "use \(ref.quantity.hasPrefix("train") ? "train" : ref.quantity.hasPrefix("test") ? "test" : "validation")-rmse, -mae or -r2"))
            }
            if let value = regressionQuantity(ref.quantity, reg) {
                guard let x = value else { return .failure(ReferenceError("'\(ref.quantity)' was not computed (no such split?)")) }
                return .success(x)
            }
        } else if ["-mse", "-rmse", "-mae", "-r2"].contains(where: { ref.quantity.hasSuffix($0) }),
                  ResultReference.quantities.contains(where: { $0.name == ref.quantity }) {
            return .failure(ReferenceError("'\(ref.quantity)' needs a regression, but block '\(ref.block)' trains a classifier",
                                           hint: "a classifier reports train-accuracy, validation-accuracy and test-accuracy"))
        }
        switch ref.quantity {
        case "train-accuracy": return percent(f.trainAccuracy)
        case "validation-accuracy": return percent(f.validationAccuracy)
        case "test-accuracy": return percent(f.testAccuracy)
        case "train-loss": return loss(f.trainLoss)
        case "validation-loss": return loss(f.validationLoss)
        case "test-loss": return loss(f.testLoss)
        case "validation-accuracy-at", "train-accuracy-at":
            guard let n = int(0), n >= 1, n <= r.epochs.count else {
                return .failure(ReferenceError("epoch '\(ref.arguments.first ?? "")' out of range 1…\(r.epochs.count)"))
            }
            let rec = r.epochs[n - 1]
            return percent(ref.quantity == "train-accuracy-at" ? rec.trainAccuracy : rec.validationAccuracy)
        case "epochs": return .success("\(r.epochsRun)")
        case "best-epoch": return .success("\(r.bestEpoch)")
        case "parameters": return .success(NumberFormat.grouped(r.parameters))
        case "dead-init", "dead-trained":
            let moment: Moment = ref.quantity == "dead-init" ? .initial : .trained
            guard let layer = int(0), let d = r.deadNeurons.first(where: { $0.layer == layer && $0.moment == moment }), d.units > 0 else {
                return .failure(ReferenceError("no dead-unit count for hidden layer '\(ref.arguments.first ?? "")' \(moment == .initial ? "at init" : "after training")"))
            }
            return .success(NumberFormat.percent(Double(d.dead) / Double(d.units), 1))
        case "median-log10-gradient-init", "median-log10-gradient-trained":
            let moment: Moment = ref.quantity.hasSuffix("init") ? .initial : .trained
            guard let layer = int(0), let sample = r.snapshots.first(where: { $0.moment == moment })?.layers.first(where: { $0.layer == layer }) else {
                return .failure(ReferenceError("no gradient sample for layer '\(ref.arguments.first ?? "")'"))
            }
            let logs = sample.gradients.filter { $0 != 0 }.map { log10(Double(abs($0))) }.sorted()
            guard !logs.isEmpty else { return .failure(ReferenceError("every gradient of layer \(layer) is zero")) }
            return .success(NumberFormat.minus(NumberFormat.fixed(logs[logs.count / 2], 1)))
        case "mean-abs-gradient-first", "mean-abs-gradient-last":
            let rec = ref.quantity.hasSuffix("first") ? r.iterations.first : r.iterations.last
            guard let layer = int(0), let rec, layer >= 0, layer < rec.meanAbsGradient.count else {
                return .failure(ReferenceError("no gradient record for layer '\(ref.arguments.first ?? "")'"))
            }
            return .success(NumberFormat.scientific(rec.meanAbsGradient[layer]))
        case "gradient-ratio-first", "gradient-ratio-last":
            let rec = ref.quantity.hasSuffix("first") ? r.iterations.first : r.iterations.last
            guard let a = int(0), let b = int(1), let rec, a >= 0, b >= 0, a < rec.meanAbsGradient.count, b < rec.meanAbsGradient.count,
                  rec.meanAbsGradient[b] != 0 else {
                return .failure(ReferenceError("no gradient record for layers '\(ref.arguments.joined(separator: ":"))'"))
            }
            return .success(NumberFormat.scientific(rec.meanAbsGradient[a] / rec.meanAbsGradient[b]))
        case "gradient-check":
            guard let layer = int(0), let row = r.gradientCheck?.first(where: { $0.layer == layer }) else {
                return .failure(ReferenceError("no gradient check for layer '\(ref.arguments.first ?? "")'", hint: "add gradient-check to show"))
            }
            return .success(NumberFormat.scientific(row.maxRelativeDifference))
        case "max-gradient-check":
            guard let rows = r.gradientCheck, let m = rows.map(\.maxRelativeDifference).max() else {
                return .failure(ReferenceError("no gradient check in '\(ref.block)'", hint: "add gradient-check to show"))
            }
            return .success(NumberFormat.scientific(m))
        case "fraction-zero-activations":
            guard let layer = int(0), let sample = r.snapshots.first(where: { $0.moment == .trained })?.layers.first(where: { $0.layer == layer }),
                  !sample.activations.isEmpty else {
                return .failure(ReferenceError("no trained activation sample for layer '\(ref.arguments.first ?? "")'"))
            }
            let zeros = sample.activations.filter { $0 == 0 }.count
            return .success(NumberFormat.percent(Double(zeros) / Double(sample.activations.count), 1))
        default:
            return .failure(ReferenceError("unknown quantity '\(ref.quantity)'",
                                           hint: suggestion(for: ref.quantity, in: ResultReference.quantities.map(\.name))))
        }
    }

    /// A regression metric by name (`test-rmse`): nil when the name is not one, .some(nil) when the split is missing.
    /// Four significant digits, as the summary's largest values.
    static func regressionQuantity(_ name: String, _ reg: RegressionResult) -> String?? {
        let parts = name.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["mse", "rmse", "mae", "r2"].contains(parts[1]) else { return nil }
        let metrics: RegressionMetrics?
        switch parts[0] {
        case "train": metrics = reg.train
        case "validation": metrics = reg.validation
        case "test": metrics = reg.test
        default: return nil
        }
        guard let m = metrics else { return .some(nil) }
        let x: Double = switch parts[1] {
        case "mse": m.mse
        case "rmse": m.rmse
        case "mae": m.mae
        default: m.r2
        }
        if parts[1] == "r2" { return .some(NumberFormat.minus(NumberFormat.fixed(x, 3))) }
        return .some(NumberFormat.compact(x, significant: 4))
    }
}

public struct ReferenceError: Error, Sendable, Hashable {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}
