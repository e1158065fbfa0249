// The network's shape, its one contiguous parameter layout, and weight initialisation.

/// Widths, activations and where every parameter lives in the single flat parameter buffer.
/// Layout, layer by layer: W (out × in, row-major), b (out), then for hidden PReLU layers one slope.
/// One flat buffer makes the optimiser, clipping and the best-weights copy single loops.
struct NetworkShape: Sendable, Equatable {
    /// [input, h0, …, h(n−1), outputUnits]
    let widths: [Int]
    let activation: Activation
    let output: OutputKind
    let loss: LossKind
    let classes: Int
    let weightOffset: [Int]
    let biasOffset: [Int]
    /// Offset of the learned PReLU slope of hidden layer i, nil otherwise (and for the output layer).
    let slopeOffset: [Int?]
    let parameterCount: Int

    var layerCount: Int { widths.count - 1 }
    var outputUnits: Int { widths[widths.count - 1] }
    func fanIn(_ layer: Int) -> Int { widths[layer] }
    func fanOut(_ layer: Int) -> Int { widths[layer + 1] }
    func isHidden(_ layer: Int) -> Bool { layer < layerCount - 1 }

    /// Output units: sigmoid → 1 (binary, class-1 probability); softmax → one per class; identity →
    /// one per class (raw scores: logits for cross-entropy, regressed onto one-hot targets for mse/huber).
    init(model: ModelConfig, loss: LossKind, inputWidth: Int, classes: Int) throws {
        guard inputWidth >= 1 else { throw EngineError.invalidConfiguration("the data has no features (input width 0)") }
        guard classes >= 2 else { throw EngineError.invalidConfiguration("need at least 2 classes, the data has \(classes)") }
        for (i, h) in model.hidden.enumerated() where h < 1 {
            throw EngineError.invalidConfiguration("hidden layer \(i) has width \(h); widths must be at least 1")
        }
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
        self.init(widths: [inputWidth] + model.hidden + [outputs], activation: model.activation,
                  output: model.output, loss: loss, classes: classes)
    }

    init(widths: [Int], activation: Activation, output: OutputKind, loss: LossKind, classes: Int) {
        self.widths = widths
        self.activation = activation
        self.output = output
        self.loss = loss
        self.classes = classes
        var w: [Int] = [], b: [Int] = [], s: [Int?] = []
        var offset = 0
        let layers = widths.count - 1
        for i in 0..<layers {
            w.append(offset); offset += widths[i] * widths[i + 1]
            b.append(offset); offset += widths[i + 1]
            if case .prelu = activation, i < layers - 1 { s.append(offset); offset += 1 } else { s.append(nil) }
        }
        weightOffset = w
        biasOffset = b
        slopeOffset = s
        parameterCount = offset
    }

    /// Parameters of linear layer i including its bias and (PReLU) slope.
    func parameters(ofLayer i: Int) -> Range<Int> {
        let end = i + 1 < layerCount ? weightOffset[i + 1] : parameterCount
        return weightOffset[i]..<end
    }
}

/// Draws the initial parameters from `rng` (the run's "init" stream), layer by layer: weights row-major, then bias.
func initialParameters(_ shape: NetworkShape, model: ModelConfig, rng: inout SeededRandom) -> [Float] {
    var p = [Float](repeating: 0, count: shape.parameterCount)
    for i in 0..<shape.layerCount {
        let fanIn = shape.fanIn(i), fanOut = shape.fanOut(i)
        let w = shape.weightOffset[i]
        for k in 0..<(fanIn * fanOut) {
            p[w + k] = drawWeight(model.initScheme, fanIn: fanIn, fanOut: fanOut, rng: &rng)
        }
        if model.biasInit == .torchDefault {
            let bound = 1 / Float(fanIn).squareRoot()
            for k in 0..<fanOut { p[shape.biasOffset[i] + k] = rng.uniform(-bound, bound) }
        }
        if let s = shape.slopeOffset[i] { p[s] = initialSlope(model.activation) }
    }
    return p
}

@inline(__always) private func drawWeight(_ scheme: InitScheme, fanIn: Int, fanOut: Int, rng: inout SeededRandom) -> Float {
    switch scheme {
    case .normal(let std): return Float(rng.nextNormal()) * std
    case .uniform(let limit): return rng.uniform(-limit, limit)
    case .xavier:
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()           // Glorot uniform
        return rng.uniform(-limit, limit)
    case .he: return Float(rng.nextNormal() * (2 / Double(fanIn)).squareRoot())   // Kaiming normal, fan_in
    case .torchDefault:
        // kaiming_uniform(a=√5): gain √(2/(1+5)) = √(1/3), bound = gain·√(3/fan_in) = 1/√fan_in
        let bound = 1 / Float(fanIn).squareRoot()
        return rng.uniform(-bound, bound)
    }
}
