// The network as a list of layers: shapes inferred and checked, one flat parameter layout, report numbers, init.
import Vocabulary

/// A per-example tensor shape: [width] for flat activations, [C, H, W] for images (NCHW, N = rows).
public struct TensorShape: Hashable, Sendable, Codable, CustomStringConvertible {
    public var dims: [Int]
    public init(_ dims: [Int]) { self.dims = dims }
    public var count: Int { dims.reduce(1, *) }
    public var isFlat: Bool { dims.count == 1 }
    /// Channels and the size of one channel's plane: [C, H, W] → (C, H·W); [width] → (width, 1).
    public var channelsAndPlane: (channels: Int, plane: Int) { (dims.first ?? 1, dims.count > 1 ? dims.dropFirst().reduce(1, *) : 1) }
    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}

/// What follows a dense layer's Y = X·Wᵀ + b inside the same kernel: the hidden activation written after it
/// (the shorthand's, or a layer-list entry fused into it), or the output nonlinearity that pairs with the loss.
enum DensePost: Sendable, Equatable {
    case activation(Activation)
    case output(OutputKind)
}

/// One layer of the plan, shared by the fast path and the reference.
struct PlannedLayer: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case dense(post: DensePost)
        case activation(Activation)
        case dropout(rate: Float)
        case batchNorm(momentum: Float, eps: Float)
        case conv2d(ConvGeometry)
        case maxPool2d(PoolGeometry)
        case avgPool2d(PoolGeometry)
        case flatten
        case globalAvgPool
    }
    var kind: Kind
    /// The layer's number in reports: the entry of `layers:` (a dense with a fused activation: the dense's entry);
    /// in the shorthand, hidden layer i together with its activation is layer i, the output layer is the last.
    var number: Int
    /// The number of the activation entry fused into a dense layer (layer-list form only).
    var fusedNumber: Int?
    var input: TensorShape
    var output: TensorShape
    /// Every trained parameter of the layer: dense W (out × in, row-major), b, then a PReLU slope; batch-norm γ then β.
    var parameters: Range<Int>
    /// Values kept but not trained: batch-norm's running mean then running variance.
    var state: Range<Int>
    var initScheme: InitScheme

    var fanIn: Int { input.count }
    var fanOut: Int { output.count }
    var weightOffset: Int { parameters.lowerBound }
    /// Weights before the bias: dense out × in, conv2d filters × channels × k × k.
    var weightCount: Int { if case .conv2d(let g) = kind { g.weightCount } else { fanIn * fanOut } }
    var biasOffset: Int { parameters.lowerBound + weightCount }
    var isConv: Bool { if case .conv2d = kind { true } else { false } }
    /// Layers with weights and a bias (dense, conv2d): histograms, gradient flow and gradient checks show them.
    var hasWeights: Bool { isDense || isConv }
    var slopeOffset: Int? {
        switch kind {
        case .dense(.activation(.prelu)): parameters.lowerBound + fanIn * fanOut + fanOut
        case .activation(.prelu): parameters.lowerBound
        default: nil
        }
    }
    var isDense: Bool { if case .dense = kind { true } else { false } }
    /// Whether one row's result depends on the other rows of the batch (batch statistics, their gradient sums).
    var mixesRows: Bool { if case .batchNorm = kind { true } else { false } }
    /// The activation a dense layer applies, or an activation layer is.
    var activation: Activation? {
        switch kind {
        case .dense(.activation(let a)), .activation(let a): a
        default: nil
        }
    }
}

/// The plan: layers in order, the output and loss, and the flat parameter and state layouts.
/// One flat buffer makes the optimiser, clipping and the best-weights copy single loops.
struct NetworkShape: Sendable, Equatable {
    let layers: [PlannedLayer]
    let output: OutputKind
    let loss: LossKind
    let classes: Int
    let parameterCount: Int
    let stateCount: Int
    /// The general form (`layers:`); the shorthand's results keep the v1 encoding.
    let isLayerList: Bool
    /// Indices into `layers` of the dense layers.
    let dense: [Int]
    /// Indices into `layers` of the layers with weights (dense and conv2d), in order: the per-layer gradient records.
    var weighted: [Int] { layers.indices.filter { layers[$0].hasWeights } }

    var last: PlannedLayer { layers[layers.count - 1] }
    var outputUnits: Int { last.fanOut }
    var inputWidth: Int { layers[0].fanIn }
    /// The widest per-example activation anywhere (input included): the stride of the gradient scratch rows.
    var widest: Int { layers.reduce(1) { max($0, $1.fanIn, $1.fanOut) } }
    /// Multiply-adds of one row's forward pass (the weights).
    var rowWork: Int {
        layers.reduce(0) { work, l in
            switch l.kind {
            case .dense: work + l.fanIn * l.fanOut
            case .conv2d(let g): work + g.work
            default: work
            }
        }
    }
    var hasMixing: Bool { layers.contains(where: \.mixesRows) }

    /// Output units: sigmoid → 1 (binary, class-1 probability); softmax → one per class; identity →
    /// one per class (raw scores: logits for cross-entropy, regressed onto one-hot targets for mse/huber).
    init(model: ModelConfig, loss: LossKind, inputWidth: Int, classes: Int) throws {
        guard inputWidth >= 1 else { throw EngineError.invalidConfiguration("the data has no features (input width 0)") }
        guard classes >= 2 else { throw EngineError.invalidConfiguration("need at least 2 classes, the data has \(classes)") }
        switch (model.output, loss) {
        case (.sigmoid, .crossEntropy):
            throw EngineError.invalidConfiguration("loss cross-entropy needs output softmax or identity; with output sigmoid use bce")
        case (.softmax, .bce), (.identity, .bce):
            throw EngineError.invalidConfiguration("loss bce needs output sigmoid (one unit, binary classes); with \(model.output.rawValue) use cross-entropy")
        case (.sigmoid, _) where classes != 2:
            throw EngineError.invalidConfiguration("output sigmoid is binary but the data has \(classes) classes; use output softmax")
        default: break
        }
        if case .huber(let d) = loss, !(d > 0) { throw EngineError.invalidConfiguration("huber delta must be positive, got \(d)") }
        if case .clippedMSE(let t) = loss, !(t > 0) { throw EngineError.invalidConfiguration("clipped-mse threshold must be positive, got \(t)") }
        let outputs = model.output == .sigmoid ? 1 : classes
        if let specs = model.layers {
            var input = TensorShape(model.input ?? [inputWidth])
            guard input.count == inputWidth, input.dims.allSatisfy({ $0 >= 1 }) else {
                throw EngineError.invalidConfiguration("model input \(input) has \(input.count) values per example, the data \(inputWidth)")
            }
            if model.input == nil { input = TensorShape([inputWidth]) }
            do {
                try self.init(specs: specs, input: input, model: model, loss: loss, classes: classes, outputs: outputs)
            } catch let p as LayerProblem {
                throw EngineError.invalidConfiguration(p.layer.map { "layer \($0): " + p.message } ?? p.message)
            }
        } else {
            for (i, h) in model.hidden.enumerated() where h < 1 {
                throw EngineError.invalidConfiguration("hidden layer \(i) has width \(h); widths must be at least 1")
            }
            self.init(widths: [inputWidth] + model.hidden + [outputs], activation: model.activation, initScheme: model.initScheme,
                      output: model.output, loss: loss, classes: classes)
        }
    }

    /// The shorthand: hidden layer i (dense with the activation fused) is layer i; the output layer comes last.
    init(widths: [Int], activation: Activation, initScheme: InitScheme = .torchDefault, output: OutputKind, loss: LossKind, classes: Int) {
        var planned: [PlannedLayer] = []
        var offset = 0
        for i in 0..<(widths.count - 1) {
            let hidden = i < widths.count - 2
            var count = widths[i] * widths[i + 1] + widths[i + 1]
            if case .prelu = activation, hidden { count += 1 }
            planned.append(PlannedLayer(kind: .dense(post: hidden ? .activation(activation) : .output(output)), number: i,
                                        input: TensorShape([widths[i]]), output: TensorShape([widths[i + 1]]),
                                        parameters: offset..<(offset + count), state: 0..<0, initScheme: initScheme))
            offset += count
        }
        self.init(layers: planned, output: output, loss: loss, classes: classes, parameterCount: offset, stateCount: 0, isLayerList: false)
    }

    private init(layers: [PlannedLayer], output: OutputKind, loss: LossKind, classes: Int, parameterCount: Int, stateCount: Int, isLayerList: Bool) {
        self.layers = layers
        self.output = output
        self.loss = loss
        self.classes = classes
        self.parameterCount = parameterCount
        self.stateCount = stateCount
        self.isLayerList = isLayerList
        dense = layers.indices.filter { layers[$0].isDense }
    }

    /// The general form: shapes inferred entry by entry and checked; an activation right after a dense layer
    /// runs inside the dense kernel (same numbers as running it separately, one pass fewer over memory).
    fileprivate init(specs: [LayerSpec], input: TensorShape, model: ModelConfig, loss: LossKind, classes: Int, outputs: Int) throws {
        guard let lastSpec = specs.last, case .dense(let units, _) = lastSpec else {
            throw LayerProblem(layer: specs.count - 1, "the last layer must be the output 'dense' layer (\(outputs) unit\(outputs == 1 ? "" : "s") here)")
        }
        guard units == outputs else {
            throw LayerProblem(layer: specs.count - 1, "the last dense layer has \(units) units, but output \(model.output.rawValue) with \(classes) classes needs \(outputs)")
        }
        var planned: [PlannedLayer] = []
        var shape = input, offset = 0, stateOffset = 0
        var k = 0
        while k < specs.count {
            let spec = specs[k]
            switch spec {
            case .dense(let units, let scheme):
                guard units >= 1 else { throw LayerProblem(layer: k, "dense needs at least 1 unit, got \(units)") }
                guard shape.isFlat else {
                    throw LayerProblem(layer: k, "dense needs a flat input, got \(shape); add 'flatten' before it")
                }
                let isLast = k == specs.count - 1
                var post = DensePost.output(model.output)
                var fused: Int?
                if !isLast {
                    post = .activation(.identity)
                    if k + 1 < specs.count - 1, case .activation(let a) = specs[k + 1] { post = .activation(a); fused = k + 1 }
                }
                var count = shape.count * units + units
                if case .activation(.prelu) = post { count += 1 }
                planned.append(PlannedLayer(kind: .dense(post: post), number: k, fusedNumber: fused, input: shape, output: TensorShape([units]),
                                            parameters: offset..<(offset + count), state: 0..<0, initScheme: scheme ?? model.initScheme))
                offset += count
                shape = TensorShape([units])
                k += fused == nil ? 1 : 2
                continue
            case .activation(let a):
                let count = { if case .prelu = a { 1 } else { 0 } }()
                planned.append(PlannedLayer(kind: .activation(a), number: k, input: shape, output: shape,
                                            parameters: offset..<(offset + count), state: 0..<0, initScheme: model.initScheme))
                offset += count
            case .dropout(let rate):
                guard rate >= 0, rate < 1 else { throw LayerProblem(layer: k, "dropout rate must be in [0, 1), got \(rate)") }
                planned.append(PlannedLayer(kind: .dropout(rate: rate), number: k, input: shape, output: shape,
                                            parameters: offset..<offset, state: 0..<0, initScheme: model.initScheme))
            case .batchNorm(let momentum, let eps):
                guard momentum >= 0, momentum <= 1 else { throw LayerProblem(layer: k, "batch-norm momentum must be in [0, 1], got \(momentum)") }
                guard eps > 0 else { throw LayerProblem(layer: k, "batch-norm eps must be positive, got \(eps)") }
                let c = shape.channelsAndPlane.channels
                planned.append(PlannedLayer(kind: .batchNorm(momentum: momentum, eps: eps), number: k, input: shape, output: shape,
                                            parameters: offset..<(offset + 2 * c), state: stateOffset..<(stateOffset + 2 * c),
                                            initScheme: model.initScheme))
                offset += 2 * c
                stateOffset += 2 * c
            case .conv2d, .maxPool2d, .avgPool2d, .flatten, .globalAvgPool:
                let layer = try planImageLayer(spec, number: k, input: shape, offset: offset, model: model, planned: planned)
                planned.append(layer)
                offset = layer.parameters.upperBound
            }
            shape = planned[planned.count - 1].output
            k += 1
        }
        self.init(layers: planned, output: model.output, loss: loss, classes: classes, parameterCount: offset,
                  stateCount: stateOffset, isLayerList: true)
    }

    /// Per dense layer (in order): its report number; the positions of IterationRecord's per-layer arrays.
    var denseNumbers: [Int] { dense.map { layers[$0].number } }
}

/// A problem with one entry of `layers:` (nil: the model as a whole), found while inferring shapes.
struct LayerProblem: Error {
    var layer: Int?
    var message: String
    init(layer: Int?, _ message: String) {
        self.layer = layer
        self.message = message
    }
}

/// Validation-time check of a layer-list model against the data, for Blocks' located errors.
public enum LayerCheck {
    /// The first problem (and the `layers:` entry it concerns), or nil when the shapes fit.
    public static func problem(model: ModelConfig, inputWidth: Int, classes: Int) -> (layer: Int?, message: String)? {
        guard let specs = model.layers else { return nil }
        let loss: LossKind = model.output == .sigmoid ? .bce : model.output == .softmax ? .crossEntropy : .mse
        let outputs = model.output == .sigmoid ? 1 : classes
        let input = TensorShape(model.input ?? [inputWidth])
        guard input.count == inputWidth else {
            return (nil, "'model.input' \(input) has \(input.count) values per example, but the data has \(inputWidth)")
        }
        do {
            _ = try NetworkShape(specs: specs, input: input, model: model, loss: loss, classes: max(classes, 2), outputs: outputs)
        } catch let p as LayerProblem {
            return (p.layer, p.message)
        } catch {
            return (nil, "\(error)")
        }
        return nil
    }
}

/// Draws the initial parameters from `rng` (the run's "init" stream), layer by layer: weights row-major, then bias;
/// PReLU slopes at their initial value, batch-norm γ = 1 and β = 0 (no draws, so the shorthand's stream is v1's).
func initialParameters(_ shape: NetworkShape, model: ModelConfig, rng: inout SeededRandom) -> [Float] {
    var p = [Float](repeating: 0, count: shape.parameterCount)
    for layer in shape.layers {
        switch layer.kind {
        case .dense:
            let fanIn = layer.fanIn, fanOut = layer.fanOut
            let w = layer.weightOffset
            drawWeights(layer.initScheme, fanIn: fanIn, fanOut: fanOut, rng: &rng) { k, v in p[w + k] = v }
            if model.biasInit == .torchDefault {
                let bound = 1 / Float(fanIn).squareRoot()
                for k in 0..<fanOut { p[layer.biasOffset + k] = rng.uniform(-bound, bound) }
            }
            if let s = layer.slopeOffset, let a = layer.activation { p[s] = initialSlope(a) }
        case .activation(let a):
            if let s = layer.slopeOffset { p[s] = initialSlope(a) }
        case .batchNorm:
            let c = layer.parameters.count / 2
            for k in 0..<c { p[layer.parameters.lowerBound + k] = 1 }
        case .conv2d(let g):
            // torch's fans for a conv weight: fan_in = C·k·k, fan_out = filters·k·k
            let w = layer.weightOffset
            drawWeights(layer.initScheme, fanIn: g.patch, fanOut: g.filters * g.kernel * g.kernel, count: g.weightCount, rng: &rng) { k, v in p[w + k] = v }
            if model.biasInit == .torchDefault {
                let bound = 1 / Float(g.patch).squareRoot()
                for k in 0..<g.filters { p[layer.biasOffset + k] = rng.uniform(-bound, bound) }
            }
        case .dropout, .maxPool2d, .avgPool2d, .flatten, .globalAvgPool:
            break
        }
    }
    return p
}

/// Batch-norm's running statistics start at mean 0, variance 1 (PyTorch).
func initialState(_ shape: NetworkShape) -> [Float] {
    var s = [Float](repeating: 0, count: shape.stateCount)
    for layer in shape.layers where layer.mixesRows {
        let c = layer.state.count / 2
        for k in 0..<c { s[layer.state.lowerBound + c + k] = 1 }
    }
    return s
}

extension NetworkShape {
    var layerCount: Int { layers.count }
    func parameters(ofLayer i: Int) -> Range<Int> { layers[i].parameters }
}
