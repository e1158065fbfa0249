// The `show` list: report names and options, checked against the block's network and data.
import LabbookCore
import Vocabulary

/// The run a block's reports describe, as far as validation knows it (Render's ReportContext holds the outcome).
struct ReportedRun {
    var isRecurrent: Bool
    /// Linear layers (hidden layers + output); nil when the model is unknown or invalid.
    var layerCount: Int?
    var hiddenCount: Int?
    /// The model is a layer list: layer numbers are its entries, `hiddenCount` its activation entries.
    var layerList = false
    /// nil when unknown without reading files.
    var inputWidth: Int?
    var epochs: Int
    var trains: Bool
    /// The entries of `model.layers` and the input shape they see (nil: the shorthand, or the model is invalid).
    var layerSpecs: [LayerSpec]?
    var inputDims: [Int]?
    /// A regression target (a CSV label read as a number): no accuracy; `predictions` is predicted against actual.
    var regression = false
}

extension ValueReader {
    static let reportNames = ["histogram", "curve", "table", "summary", "dead-neurons", "gradient-check", "predictions", "function",
                              "filters", "feature-maps"]

    /// The report's name and its options (nil for a bare name), without validating the options.
    static func reportHead(_ t: YAMLTree) -> (name: String, location: SourceLocation, options: YAMLTree?)? {
        if let s = t.scalar { return (s, t.location, nil) }
        if let e = t.entries, e.count == 1 { return (e[0].key, e[0].keyLocation, e[0].value.isNull ? nil : e[0].value) }
        return nil
    }

    func reports(_ t: YAMLTree?, _ ctx: ReportedRun) -> [Report] {
        guard let t else {
            return ctx.isRecurrent ? [.curve(CurveReport(of: .gradientNorm, per: .timeStep))] : [.summaryTable]
        }
        guard let items = list(t, "show", what: "a list of reports", single: true) else { return [] }
        return items.compactMap { report($0, ctx) }
    }

    private func report(_ t: YAMLTree, _ ctx: ReportedRun) -> Report? {
        guard let (name, at, options) = ValueReader.reportHead(t) else {
            error(t.location, "each entry of 'show' must be a report name or a map with one report name",
                  hint: "e.g. '- histogram: {of: weights}'")
            return nil
        }
        guard ValueReader.reportNames.contains(name) else {
            error(at, "unknown report '\(name)'", hint: suggestion(for: name, in: ValueReader.reportNames))
            return nil
        }
        if ctx.isRecurrent, !["curve", "function"].contains(name) {
            error(at, "report '\(name)' needs a network trained on data, not a recurrent probe",
                  hint: "a recurrent probe shows 'curve: {of: gradient-norm, per: time-step}'")
            return nil
        }
        switch name {
        case "table", "summary":
            if let options, options.scalar != "summary" {
                error(options.location, "unknown table \(ValueReader.describe(options))", hint: "expected one of: summary")
                return nil
            }
            return .summaryTable
        case "histogram": return histogram(options, ctx)
        case "filters", "feature-maps": return convReport(name, options, at: at, ctx)
        case "curve": return curve(options, ctx)
        case "dead-neurons":
            let f = options.flatMap { map($0, "dead-neurons", keys: ["when"]) } ?? [:]
            if ctx.hiddenCount == 0 {
                error(at, ctx.layerList ? "report 'dead-neurons' counts the units of activation layers, but 'model.layers' has none"
                                        : "report 'dead-neurons' needs hidden layers, but 'model.hidden' is empty")
                return nil
            }
            guard let when = moment(f["when"], "dead-neurons.when", default: ctx.epochs == 0 ? .initial : .both, ctx) else { return nil }
            return .deadNeurons(when: when)
        case "gradient-check":
            if let options, options.entries?.isEmpty != true {
                error(options.location, "report 'gradient-check' takes no options")
                return nil
            }
            return .gradientCheck
        case "predictions":
            let f = options.flatMap { map($0, "predictions", keys: ["grid"]) } ?? [:]
            let grid = f["grid"].map { bool($0, "predictions.grid") } ?? true
            if ctx.regression {
                // Predicted against actual for any number of features (and the fitted curve for one).
                return grid.map { .predictions(grid: $0) }
            }
            if let width = ctx.inputWidth, width != 2 {
                error(at, "report 'predictions' needs 2-D input, but the data has \(width) features",
                      hint: "use a 2-D source (moons, circles, spirals, blobs, xor), or gaussian data with 'features: 2'")
                return nil
            } else if ctx.inputWidth == nil, ctx.trains {
                error(at, "report 'predictions' needs 2-D input, and the data's width is unknown before reading its files",
                      hint: "for a CSV table, list its two feature columns (data.features: [x1, x2]); or use a 2-D source (moons, circles, spirals, blobs, xor)")
                return nil
            }
            return grid.map { .predictions(grid: $0) }
        default:
            return function(options, at)
        }
    }

    private func histogram(_ options: YAMLTree?, _ ctx: ReportedRun) -> Report? {
        let f = options.flatMap { map($0, "histogram", keys: ["of", "layers", "when", "bins", "shared-axes"]) } ?? [:]
        var r = HistogramReport(of: .weights)
        var ok = true
        if let of = f["of"] {
            if let n = name(of, kind: "histogram quantity", names: HistogramQuantity.allCases.map(\.rawValue), path: "histogram.of"),
               let q = HistogramQuantity(rawValue: n) { r.of = q } else { ok = false }
        }
        if let l = f["layers"] { if let layers = layers(l, "histogram", ctx) { r.layers = layers } else { ok = false } }
        if let w = moment(f["when"], "histogram.when", default: ctx.epochs == 0 ? .initial : .trained, ctx) { r.when = w } else { ok = false }
        if let b = f["bins"] { if let x = positiveInt(b, "histogram.bins") { r.bins = x } else { ok = false } }
        if let s = f["shared-axes"] { if let x = bool(s, "histogram.shared-axes") { r.sharedAxes = x } else { ok = false } }
        return ok ? .histogram(r) : nil
    }

    private func curve(_ options: YAMLTree?, _ ctx: ReportedRun) -> Report? {
        let f = options.flatMap { map($0, "curve", keys: ["of", "per", "layers", "split", "scale"]) } ?? [:]
        var r = ctx.isRecurrent ? CurveReport(of: .gradientNorm, per: .timeStep) : CurveReport(of: .loss, per: .epoch)
        var ok = true
        if let of = f["of"] {
            if let n = name(of, kind: "curve quantity", names: CurveQuantity.allCases.map(\.rawValue), path: "curve.of"),
               let q = CurveQuantity(rawValue: n) { r.of = q } else { ok = false }
            if r.of == .accuracy, ctx.regression {
                error(of.location, "a regression has no accuracy: the loss reads the label column as a number",
                      hint: "plot 'curve: {of: loss}'; the summary table gives MSE, RMSE, MAE and R²")
                ok = false
            }
        }
        if let per = f["per"] {
            if let n = name(per, kind: "curve axis", names: CurveAxis.allCases.map(\.rawValue), path: "curve.per"),
               let axis = CurveAxis(rawValue: n) {
                r.per = axis
                if axis == .timeStep, !ctx.isRecurrent {
                    error(per.location, "'curve.per: time-step' is only for recurrent probes", hint: "use 'per: epoch' or 'per: iteration'")
                    ok = false
                } else if axis != .timeStep, ctx.isRecurrent {
                    error(per.location, "a recurrent probe's curve is per time-step, got '\(n)'", hint: "use 'per: time-step'")
                    ok = false
                }
            } else { ok = false }
        }
        if r.per == .layer, r.of != .meanAbsGradient, r.of != .gradientNorm, let per = f["per"] {
            error(per.location, "'curve.per: layer' plots a per-layer gradient quantity, not '\(r.of.rawValue)'",
                  hint: "use 'of: mean-abs-gradient' or 'of: gradient-norm'")
            ok = false
        }
        if r.of == .lr, r.per != .epoch, let per = f["per"] {
            error(per.location, "the learning rate is set once per epoch", hint: "use 'per: epoch' (the default)")
            ok = false
        }
        if ctx.isRecurrent, r.of != .gradientNorm, let of = f["of"] {
            error(of.location, "a recurrent probe measures 'gradient-norm', got '\(r.of.rawValue)'")
            ok = false
        }
        if let l = f["layers"] { if let layers = layers(l, "curve", ctx) { r.layers = layers } else { ok = false } }
        if let s = f["scale"] {
            if let n = name(s, kind: "curve scale", names: ["linear", "log"], path: "curve.scale") { r.logScale = n == "log" } else { ok = false }
        }
        if let s = f["split"] {
            if r.of != .loss && r.of != .accuracy || r.per != .epoch {
                error(s.location, "'curve.split' chooses the splits of a loss or accuracy curve per epoch",
                      hint: "per iteration only the minibatch training loss is recorded")
                ok = false
            } else if let items = list(s, "curve.split", what: "a list of splits (train, validation)", single: true), !items.isEmpty {
                let names = items.map { name($0, kind: "split", names: CurveSplit.allCases.map(\.rawValue), path: "curve.split") }
                let splits = names.compactMap { $0.flatMap(CurveSplit.init(rawValue:)) }
                if splits.count == items.count, Set(splits).count == splits.count { r.splits = splits } else {
                    if splits.count == items.count { error(s.location, "'curve.split' names a split twice") }
                    ok = false
                }
            } else { ok = false }
        }
        if r.of == .accuracy, r.per == .iteration, let per = f["per"] {
            error(per.location, "accuracy is measured per epoch, not per iteration", hint: "use 'per: epoch', or 'of: loss' for the minibatch loss per iteration")
            ok = false
        }
        return ok ? .curve(r) : nil
    }

    /// `all` (nil) or a list of layer indices in 0..<layerCount.
    private func layers(_ t: YAMLTree, _ report: String, _ ctx: ReportedRun) -> [Int]?? {
        if t.scalar == "all" { return .some(nil) }
        guard let items = list(t, "\(report).layers", what: "'all' or a list of layer numbers") else { return nil }
        var out: [Int] = []
        var ok = true
        for item in items {
            guard let i = nonNegativeInt(item, "\(report).layers") else { ok = false; continue }
            if let n = ctx.layerCount, i >= n {
                error(item.location, "\(report) layer \(i) is out of range: the network has \(n) layers (0–\(n - 1))",
                      hint: ctx.layerList ? "layers count the entries of 'model.layers' from 0" : "layers count the hidden layers from 0, then the output layer")
                ok = false
            }
            out.append(i)
        }
        return ok ? .some(out) : nil
    }

    func moment(_ t: YAMLTree?, _ path: String, default fallback: MomentChoice, _ ctx: ReportedRun) -> MomentChoice? {
        guard let t else { return fallback }
        guard let n = name(t, kind: "moment", names: MomentChoice.allCases.map(\.rawValue), path: path),
              let m = MomentChoice(rawValue: n) else { return nil }
        if m != .initial, ctx.epochs == 0 {
            error(t.location, "'\(path): \(n)' needs training, but 'train.epochs' is 0", hint: "use 'when: init' or train for some epochs")
            return nil
        }
        return m
    }

    private func function(_ options: YAMLTree?, _ at: SourceLocation) -> Report? {
        let f = options.flatMap { map($0, "function", keys: ["of", "range", "names"]) } ?? [:]
        var of = FunctionQuantity.activations
        if let o = f["of"] {
            guard let n = name(o, kind: "function plot", names: FunctionQuantity.allCases.map(\.rawValue), path: "function.of"),
                  let q = FunctionQuantity(rawValue: n) else { return nil }
            of = q
        }
        var report = FunctionReport(of: of, names: [])
        var ok = true
        if let r = f["range"] {
            let bounds = list(r, "function.range", what: "a list [low, high]")
            let numbers = bounds?.compactMap { number($0) } ?? []
            if numbers.count == 2, numbers[0] < numbers[1], bounds?.count == 2 {
                (report.lower, report.upper) = (numbers[0], numbers[1])
            } else {
                if bounds != nil { error(r.location, "'function.range' must be [low, high] with low < high, got \(r.flowText)") }
                ok = false
            }
        }
        let items: [YAMLTree]
        if let n = f["names"] {
            guard let l = list(n, "function.names", what: "a list of names", single: true) else { return nil }
            items = l.map { $0.normalizingNames(path: ["loss"]) }
        } else {
            let defaults = of == .losses ? ["mse", "clipped-mse", "huber"] : Activation.names
            items = defaults.map { YAMLTree(.scalar($0), at: at).normalizingNames(path: ["loss"]) }
        }
        for item in items {
            if of == .losses {
                guard let (loss, _) = loss(item, "function.names", defaultName: nil) else { ok = false; continue }
                report.losses.append(loss)
                report.names.append(ValueReader.label(item))
            } else {
                guard let a = activation(item, "function.names", default: .relu), item["name"] != nil else {
                    if item["name"] == nil { error(item.location, "'function.names' entries need a 'name'") }
                    ok = false
                    continue
                }
                report.activations.append(a)
                report.names.append(ValueReader.label(item))
            }
        }
        return ok ? .function(report) : nil
    }

    /// "huber" or "huber(delta: 1)" for a named value; scalars as written; other values in flow style.
    static func label(_ t: YAMLTree) -> String {
        guard let e = t.entries, let name = t["name"]?.scalar else { return t.flowText }
        let params = e.filter { $0.key != "name" }
        if params.isEmpty { return name }
        return name + "(" + params.map { "\($0.key): \($0.value.flowText)" }.joined(separator: ", ") + ")"
    }
}
