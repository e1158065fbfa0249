// Reading one experiment block: defaults merge, sweep expansion, validation of every variant.
import Foundation
import LabbookCore
import Vocabulary

public enum BlockReader {
    static let topKeys = ["id", "title", "seed", "data", "model", "loss", "optimizer", "schedule", "train", "sweep", "show", "echo", "recurrent", "expect"]
    /// Keys that describe a trained network; a recurrent probe or a function plot does not inherit them.
    static let trainingKeys: Set<String> = ["data", "model", "loss", "optimizer", "schedule", "train"]
    /// More combinations than this is almost certainly a mistake (and hours of training).
    static let maxVariants = 64

    /// Parses and validates one block. Defaults merge as book ← chapter ← block (maps merge key by
    /// key, scalars and lists replace). `location` is the opening fence; the YAML starts on the next
    /// line. Returns nil and the diagnostics when there is any error; warnings come with a spec.
    /// With `dataRoot`, CSV tables are read to check their columns and cells (else that waits for the run).
    /// `feasibility` answers what only the engine knows: a layer list's shapes, the budget.
    public static func read(yaml: String, at location: SourceLocation, bookDefaults: YAMLTree?,
                            chapterDefaults: YAMLTree?, dataRoot: DataRoot? = nil,
                            feasibility: any Feasibility) -> (ExperimentSpec?, [Diagnostic]) {
        let origin = SourceLocation(file: location.file, line: location.line + 1, column: 1)
        let (parsed, syntax) = YAMLTree.parse(yaml, origin: origin)
        if !syntax.isEmpty { return (nil, syntax) }
        let c = Checker(feasibility: feasibility)
        c.dataRoot = dataRoot
        guard let parsed, parsed.entries != nil else {
            c.error(parsed?.location ?? location, "an experiment block must be a map of keys such as 'id:', 'data:' and 'model:'",
                    hint: "start with a line like 'id: my-experiment'")
            return (nil, c.diagnostics)
        }
        let block = parsed.normalizingNames()
        for d in [bookDefaults, chapterDefaults] {
            if let e = d?.entry("id") { c.error(e.keyLocation, "'id' cannot be set in defaults", hint: "each block names itself") }
        }
        var inherited = YAMLTree.merge(bookDefaults?.normalizingNames().removing(["id"]),
                                       chapterDefaults?.normalizingNames().removing(["id"]))

        // A recurrent probe or a block that only plots functions has no trained network: it ignores
        // the network the defaults describe, and its own training keys are an error (or unused).
        let kind = Kind.of(YAMLTree.merge(inherited, block) ?? block)
        if kind != .training {
            inherited = inherited?.removing(trainingKeys)
            for e in block.entries ?? [] where trainingKeys.contains(e.key) {
                if kind == .recurrent {
                    c.error(e.keyLocation, "'\(e.key)' cannot be combined with 'recurrent'",
                            hint: "a recurrent probe builds its own network and inputs; put the training experiment in its own block")
                } else {
                    c.warning(e.keyLocation, "'\(e.key)' is ignored: this block only plots functions")
                }
            }
        }
        let tree = YAMLTree.merge(inherited, block) ?? block
        let top = c.map(tree, "", keys: topKeys) ?? [:]

        var id = ""
        var idIsValid = false
        if let t = top["id"] {
            if let s = c.text(t, "id") {
                id = s
                idIsValid = !s.isEmpty && s.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
                if !idIsValid {
                    c.error(t.location, "invalid id '\(s)'", hint: "ids use lowercase letters, digits and '-' only, e.g. 'sigmoid-normal'")
                } else if s.utf8.count > ExperimentSpec.maxIDLength {
                    // The id names the block's JSON file, `ID.json`, and every file name must fit in 255 bytes.
                    c.error(t.location, "the id is \(s.utf8.count) characters long, more than \(ExperimentSpec.maxIDLength)",
                            hint: "shorten it; the id becomes the name of the block's data file and its anchor")
                }
            }
        } else {
            c.error(location, "missing 'id'", hint: "every experiment block needs a line like 'id: my-experiment' ([a-z0-9-]+, unique in the chapter)")
        }
        let title = top["title"].flatMap { c.text($0, "title") }
        let echo = top["echo"].flatMap { c.bool($0, "echo") } ?? false

        let expect = top["expect"].flatMap { expectation($0, kind, c) }

        let (groups, names) = sweepGroups(top["sweep"], c)
        let axes = groups.flatMap { $0 }
        var variants: [(label: String, built: Built)] = []
        if groups.isEmpty {
            if let built = build(tree, kind, location, c) { variants.append(("", built)) }
        } else {
            for (n, combination) in cartesian(groups.map { $0.first?.values.count ?? 1 }).enumerated() {
                var variantTree = tree
                var parts: [String] = []
                for (group, index) in zip(groups, combination) {
                    for axis in group {
                        let value = axis.values[index]
                        let override = YAMLTree.nested(axis.path, value, at: value.location).normalizingNames()
                        variantTree = YAMLTree.merge(variantTree, override) ?? variantTree
                        parts.append(axes.count == 1 ? axis.labels[index] : "\(axis.shortName)=\(axis.labels[index])")
                    }
                }
                let label = names.map { $0[n] } ?? parts.joined(separator: ", ")
                if let built = build(variantTree, kind, location, c) { variants.append((label, built)) }
            }
        }

        let diagnostics = c.deduplicated()
        if expect == .error, idIsValid, diagnostics.contains(where: { $0.severity == .error }) {
            // The lesson is the error itself: the block is shown with its messages instead of failing the build.
            var spec = ExperimentSpec(id: id, title: title, location: location, show: [], echo: echo, yaml: yaml)
            spec.expect = .error
            spec.expectedErrors = diagnostics.filter { $0.severity == .error }
            return (spec, diagnostics.filter { $0.severity != .error })
        }
        guard !diagnostics.contains(where: { $0.severity == .error }), let first = variants.first?.built else { return (nil, diagnostics) }
        var spec = ExperimentSpec(id: id, title: title, location: location, seed: first.seed, data: first.data, job: first.job,
                                  recurrent: first.recurrent, sweep: axes.map { SweepAxis(key: $0.key, values: $0.labels) },
                                  show: first.reports, echo: echo, yaml: yaml)
        spec.expect = expect
        spec.sweepLabelled = names != nil
        spec.sweepVariants = groups.isEmpty ? [] : variants.map {
            Variant(label: $0.label, data: $0.built.data, job: $0.built.job, recurrent: $0.built.recurrent, seed: $0.built.seed)
        }
        return (spec, diagnostics)
    }

    /// `expect: divergence` (a trained block only) or `expect: error`.
    private static func expectation(_ t: YAMLTree, _ kind: Kind, _ c: Checker) -> Expectation? {
        guard let n = c.name(t, kind: "expectation", names: Expectation.allCases.map(\.rawValue), path: "expect"),
              let e = Expectation(rawValue: n) else { return nil }
        if e == .divergence, kind != .training {
            c.error(t.location, "'expect: divergence' needs a block that trains a network", hint: "remove 'expect', or train on data")
            return nil
        }
        return e
    }

    /// Duplicate ids within one chapter: an error at the second block's fence naming the first's line.
    public static func checkUnique(_ specs: [ExperimentSpec]) -> [Diagnostic] {
        checkUnique(ids: specs.map { ($0.id, $0.location) })
    }

    /// The same over ids as written, so that a block with other errors still takes part (its id is known
    /// from its `id:` line even when it does not validate).
    public static func checkUnique(ids: [(id: String, location: SourceLocation)]) -> [Diagnostic] {
        var first: [String: SourceLocation] = [:]
        var out: [Diagnostic] = []
        for (id, location) in ids {
            if let earlier = first[id] {
                out.append(.error(at: location, "duplicate id '\(id)'", hint: "it is already used by the block at line \(earlier.line)"))
            } else {
                first[id] = location
            }
        }
        return out
    }

    // MARK: - Kinds of block

    enum Kind { case training, recurrent, functions }

    // MARK: - One variant

    struct Built {
        var seed: UInt64
        var data: DataSpec?
        var job: TrainingJob?
        var recurrent: RecurrentProbeConfig?
        var reports: [Report]
    }

    private static func build(_ tree: YAMLTree, _ kind: Kind, _ fence: SourceLocation, _ c: Checker) -> Built? {
        let errorsBefore = c.diagnostics.filter { $0.severity == .error }.count
        var seed: UInt64 = 0
        if let s = tree["seed"] {
            if let text = s.scalar, let v = UInt64(text) { seed = v } else {
                c.error(s.location, "'seed' must be a non-negative integer, got \(Checker.describe(s))")
            }
        }
        var built = Built(seed: seed, reports: [])
        switch kind {
        case .functions:
            built.reports = c.reports(tree["show"], ReportedRun(isRecurrent: false, epochs: 0, trains: false))
        case .recurrent:
            built.recurrent = tree["recurrent"].flatMap { c.recurrent($0) }
            built.reports = c.reports(tree["show"], ReportedRun(isRecurrent: true, epochs: 0, trains: false))
        case .training:
            let data: DataSpec?
            if let d = tree["data"] { data = c.data(d) } else {
                data = nil
                c.error(fence, "missing 'data'", hint: "add e.g. 'data: {source: gaussian, samples: 1000, features: 50}'")
            }
            let shape = data.flatMap { d in tree["data"].flatMap { c.dataShape(d, $0) } }
            let job = trainingJob(tree, data: data, classes: shape?.classes, inputWidth: shape?.inputWidth, seed: seed, fence: fence, c)
            let hidden = job?.model.hidden ?? tree["model"]?["hidden"].flatMap { Checker().hidden($0) }
            // A CSV table that could not be read has been reported; its width is not a second problem.
            var ctx = ReportedRun(isRecurrent: false, epochs: job?.train.epochs ?? 1, trains: data == nil || shape != nil)
            ctx.layerCount = hidden.map { $0.count + 1 }
            ctx.hiddenCount = hidden?.count
            if let specs = job?.model.layers {
                ctx.layerCount = specs.count
                ctx.layerList = true
                ctx.hiddenCount = specs.filter { if case .activation = $0 { true } else { false } }.count
            }
            if let model = job?.model {
                ctx.layerSpecs = model.layers ?? []
                ctx.inputDims = model.input
            }
            ctx.inputWidth = shape?.inputWidth
            built.reports = c.reports(tree["show"], ctx)
            built.data = data
            built.job = job
            if var j = built.job {
                for r in built.reports {
                    if r == .gradientCheck { j.diagnostics.gradientCheck = true }
                    if r == .predictions(grid: true) { j.diagnostics.predictionGrid = 60 }
                    if case .filters(let layer, _) = r { j.diagnostics.filters = layer }
                    if case .featureMaps(let layer, let images) = r { j.diagnostics.featureMaps = FeatureMapsRequest(layer: layer, images: images) }
                }
                built.job = j
            }
        }
        // What the variant would allocate and compute, estimated now, reported at the key that asks for it.
        if c.diagnostics.filter({ $0.severity == .error }).count == errorsBefore { SpecBudget.check(built, tree, fence, c) }
        let errorsAfter = c.diagnostics.filter { $0.severity == .error }.count
        return errorsAfter == errorsBefore ? built : nil
    }

    private static func trainingJob(_ tree: YAMLTree, data: DataSpec?, classes: Int?, inputWidth: Int?, seed: UInt64, fence: SourceLocation,
                                    _ c: Checker) -> TrainingJob? {
        var model: ModelConfig?
        var outputLocation: SourceLocation?
        var layerLocations: [SourceLocation] = []
        if let m = tree["model"] {
            let f = c.map(m, "model", keys: ["hidden", "activation", "init", "bias-init", "output", "layers", "input"]) ?? [:]
            let hidden: [Int]?
            var layers: (layers: [LayerSpec], locations: [SourceLocation])?
            var input: [Int]?
            var layersOK = true
            if let l = f["layers"] {
                // The general form: hidden/activation belong to the shorthand.
                hidden = []
                for key in ["hidden", "activation"] {
                    // Inherited from book or chapter defaults, the shorthand gives way to the block's layers;
                    // written in the block itself beside `layers`, it is a contradiction.
                    if let t = f[key], let e = m.entries?.first(where: { $0.key == key }),
                       e.keyLocation.file == fence.file, e.keyLocation.line > fence.line {
                        c.error(e.keyLocation, "'model.\(key)' is the shorthand; with 'model.layers' write the layers there",
                                hint: key == "hidden" ? "e.g. '- dense: 50' per hidden layer" : "e.g. '- relu' after each dense layer")
                        _ = t
                        layersOK = false
                    }
                }
                layers = c.layers(l)
                if layers == nil { layersOK = false }
                if let i = f["input"] { input = c.inputShape(i); if input == nil { layersOK = false } }
            } else if let h = f["hidden"] { hidden = c.hidden(h) } else {
                hidden = nil
                c.error(m.location, "'model.hidden' is missing", hint: "give the hidden layer widths, e.g. 'hidden: [50, 50]' ([] for none)")
            }
            if f["layers"] == nil, let i = f["input"], let e = m.entries?.first(where: { $0.key == "input" }) {
                c.error(e.keyLocation, "'model.input' goes with 'model.layers'", hint: "the shorthand reads the data's flat width")
                _ = i
                layersOK = false
            }
            let activation = c.activation(f["activation"], "model.activation", default: .relu)
            let initScheme = c.initScheme(f["init"], "model.init")
            var biasInit: BiasInit? = .zeros
            if let b = f["bias-init"] {
                biasInit = c.name(b, kind: "bias init", names: BiasInit.allCases.map(\.rawValue), path: "model.bias-init").flatMap(BiasInit.init(rawValue:))
            }
            // A CSV table's class count is known only by reading it, so its default does not depend on it.
            var output: OutputKind? = data?.source == .csv || (classes ?? 10) > 2 ? .softmax : .sigmoid
            if let o = f["output"] {
                outputLocation = o.location
                output = c.name(o, kind: "output", names: OutputKind.allCases.map(\.rawValue), path: "model.output").flatMap(OutputKind.init(rawValue:))
                if output == .sigmoid, let classes, classes != 2, let source = data?.source.rawValue {
                    c.error(o.location, "output 'sigmoid' needs 2 classes, but \(source) data has \(classes)",
                            hint: "use 'output: softmax' with 'loss: cross-entropy'")
                }
            }
            if let hidden, let activation, let initScheme, let biasInit, let output, layersOK {
                if let layers {
                    // Image layers see fashion-mnist/mnist as [1, 28, 28] (written into the model, so it is in the cache key).
                    if input == nil, layers.layers.contains(where: \.isImageLayer), let data {
                        input = c.imageInput(data, at: m.location)
                    }
                    model = ModelConfig(layers: layers.layers, input: input, initScheme: initScheme, biasInit: biasInit, output: output)
                    if let classes, let width = inputWidth ?? data.flatMap(\.inputWidth), let problem = c.feasibility?.layerProblem(
                        model: ModelConfig(layers: layers.layers, input: input, initScheme: initScheme, biasInit: biasInit, output: output),
                        inputWidth: width, classes: classes) {
                        c.error(problem.layer.map { layers.locations[$0] } ?? m.location, problem.message)
                        model = nil
                    }
                    layerLocations = layers.locations
                } else {
                    model = ModelConfig(hidden: hidden, activation: activation, initScheme: initScheme, biasInit: biasInit, output: output)
                }
            }
        } else {
            c.error(fence, "missing 'model'", hint: "add e.g. 'model: {hidden: [50, 50], activation: relu}'")
        }

        var loss: LossKind?
        if let output = model?.output {
            let defaultLoss = output == .softmax ? "cross-entropy" : output == .sigmoid ? "bce" : "mse"
            if let l = tree["loss"] {
                if let (kind, at) = c.loss(l, "loss", defaultName: defaultLoss) {
                    loss = kind
                    checkPairing(kind, output, at, c)
                }
            } else {
                loss = LossKind(name: defaultLoss)
                if let outputLocation, let loss { checkPairing(loss, output, outputLocation, c) }
            }
        } else if let l = tree["loss"] {
            _ = c.loss(l, "loss", defaultName: "mse")
        }
        let optimizer = c.optimizer(tree["optimizer"])
        let hasValidation = data.map {
            $0.source == .csv ? ($0.csv?.validation ?? 0) > 0 : $0.source.readsFiles ? ($0.validation ?? 1) > 0 : ($0.validation ?? 0) > 0
        } ?? true
        let train = c.train(tree["train"], hasValidation: hasValidation)
        if let train, let specs = model?.layers, let k = specs.firstIndex(where: { if case .batchNorm = $0 { true } else { false } }),
           train.batch == 1, (model?.input?.dropFirst().reduce(1, *) ?? 1) < 2 {
            // torch refuses too: "Expected more than 1 value per channel when training".
            c.error(layerLocations[k], "batch-norm needs at least 2 values per channel in training, but 'train.batch' is 1",
                    hint: "use a batch of 2 or more, or drop the batch-norm layer")
            return nil
        }
        var schedule: ScheduleConfig?
        if let s = tree["schedule"] {
            schedule = c.schedule(s, epochs: train?.epochs, lr: optimizer?.config.learningRate)
            if schedule == nil { return nil }
        }
        guard let model, let loss, let optimizer, let train, data != nil else { return nil }
        var job = TrainingJob(model: model, loss: loss, optimizer: optimizer.config, train: train, seed: seed)
        job.weightDecay = optimizer.weightDecay
        job.schedule = schedule
        return job
    }

    /// sigmoid pairs with bce, softmax with cross-entropy; regression losses fit any output.
    private static func checkPairing(_ loss: LossKind, _ output: OutputKind, _ at: SourceLocation, _ c: Checker) {
        switch (loss, output) {
        case (.bce, .softmax):
            c.error(at, "loss 'bce' does not fit output 'softmax'", hint: "use 'loss: cross-entropy' with a softmax output, or 'output: sigmoid' for two classes")
        case (.crossEntropy, .sigmoid):
            c.error(at, "loss 'cross-entropy' does not fit output 'sigmoid'", hint: "use 'loss: bce' with a sigmoid output, or 'output: softmax'")
        case (.bce, .identity), (.crossEntropy, .identity):
            c.error(at, "loss '\(loss.name)' does not fit output 'identity'", hint: "use 'output: sigmoid' with bce, 'output: softmax' with cross-entropy, or a regression loss such as mse")
        default:
            break
        }
    }
}

extension BlockReader.Kind {
    /// A block with `recurrent` is a probe; one whose reports are all `function` plots trains nothing.
    static func of(_ tree: YAMLTree) -> BlockReader.Kind {
        if tree["recurrent"] != nil { return .recurrent }
        guard let show = tree["show"] else { return .training }
        let items: [YAMLTree]
        switch show.value {
        case .sequence(let s): items = s
        case .scalar, .mapping: items = [show]
        case .null: return .training
        }
        let names = items.map { Checker.reportHead($0)?.name }
        return !names.isEmpty && names.allSatisfy({ $0 == "function" }) ? .functions : .training
    }
}
