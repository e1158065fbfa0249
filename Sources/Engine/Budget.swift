// An estimate of a run's parameters and peak memory, and the check of a job against the limits (Vocabulary's Budget).
import LabbookCore
import Vocabulary

extension Budget {
    /// Rows the workspace holds: a minibatch, or the fixed batch of ≤ 1,000 examples snapshots and evaluation use.
    static func workspaceRows(batch: Int, trainCount: Int) -> Int {
        max(1, min(batch, trainCount), min(1_000, trainCount))
    }

    /// Parameter count and an estimate of peak bytes: parameters, gradients, the initial and best-weights
    /// copies, optimiser state, per-layer Z and A for the workspace rows, ∂A, the gathered input batch,
    /// shuffle indices, iteration records, and the Float64 gradient check.
    public static func estimate(_ job: TrainingJob, inputWidth: Int, classes: Int, trainCount: Int) -> (parameters: Int, bytes: Int) {
        let outputs = job.model.output == .sigmoid ? 1 : max(classes, 1)
        let hidden = job.model.denseWidths
        let widths = [max(inputWidth, 1)] + hidden.map { max($0, 1) } + [outputs]
        var parameters = 0.0, activations = 0.0
        for i in 0..<(widths.count - 1) {
            parameters += Double(widths[i]) * Double(widths[i + 1]) + Double(widths[i + 1])
            activations += Double(widths[i + 1])
        }
        if job.model.layers == nil, case .prelu = job.model.activation { parameters += Double(hidden.count) }
        // Layer list: every entry that is not a dense layer keeps up to two more buffers (output and mask or x̂)
        // of its input's width, and batch-norm has 2 parameters per feature.
        var width = Double(max(inputWidth, 1))
        for spec in job.model.layers ?? [] {
            switch spec {
            case .dense(let units, _): width = Double(max(units, 1))
            case .batchNorm: parameters += 2 * width; activations += 2 * width
            case .dropout, .activation: activations += 2 * width
            case .conv2d, .maxPool2d, .avgPool2d, .flatten, .globalAvgPool: break
            }
        }
        // With image layers the flat widths above do not describe the net: count from its planned shapes.
        var patchBytes = 0.0
        if job.model.layers?.contains(where: \.isImageLayer) == true,
           let shape = try? NetworkShape(model: job.model, loss: job.loss, inputWidth: max(inputWidth, 1), classes: max(classes, 2)) {
            (parameters, activations, patchBytes) = imageNetworkCost(shape, batch: min(max(job.train.batch, 1), max(trainCount, 1)))
        }
        let rows = Double(workspaceRows(batch: max(job.train.batch, 1), trainCount: max(trainCount, 1)))
        let widest = job.model.layers == nil ? Double(hidden.max() ?? 1) : 2 * Double(max(hidden.max() ?? 1, inputWidth))
        var parameterCopies = 4.0                                  // params, grads, initial copy, result copy
        switch job.optimizer {
        case .sgd(_, let mu, _): parameterCopies += mu != 0 ? 1 : 0
        case .adam, .adamw: parameterCopies += 2
        case .rmsprop: parameterCopies += 3
        case .adagrad: parameterCopies += 1
        }
        if job.train.patience != nil { parameterCopies += 1 }
        var bytes = 4 * parameters * parameterCopies + patchBytes
        bytes += 4 * rows * (2 * activations + widest + Double(widths[0]))
        bytes += 8 * Double(trainCount)
        let iterations = Double(job.train.epochs) * (Double(trainCount) / Double(max(job.train.batch, 1))).rounded(.up)
        bytes += (iterations / Double(max(job.train.recordEvery, 1)) + 1) * (Double(widths.count) * 16 + 64)
        if job.diagnostics.gradientCheck { bytes += 8 * 3 * parameters + 8 * 16 * 4 * activations }
        let clamp = { (x: Double) in x < Double(Int.max / 2) ? Int(x) : Int.max / 2 }
        return (clamp(parameters), clamp(bytes))
    }

    /// Parameters, per-row activation floats (every layer's buffers, counted twice for the gradient scratch) and the
    /// conv layers' im2col bytes of a planned network with image layers.
    static func imageNetworkCost(_ shape: NetworkShape, batch: Int) -> (parameters: Double, activations: Double, patchBytes: Double) {
        var activations = 0.0, patches = 0.0
        for l in shape.layers {
            activations += 2 * Double(l.fanOut)
            if case .conv2d(let g) = l.kind { patches += Double(ConvBuffers.bytes(g, keptImages: batch)) }
        }
        return (Double(shape.parameterCount), activations, patches)
    }

    /// Throws `.invalidConfiguration` for impossible settings and `.overBudget` for jobs beyond the limits.
    public static func check(_ job: TrainingJob, inputWidth: Int, classes: Int, trainCount: Int,
                      memoryBudget: Int = defaultMemoryBudget) throws {
        let t = job.train
        guard t.epochs >= 0 else { throw EngineError.invalidConfiguration("epochs must be 0 or more, got \(t.epochs)") }
        guard t.batch >= 1 else { throw EngineError.invalidConfiguration("batch must be at least 1, got \(t.batch)") }
        guard t.recordEvery >= 1 else { throw EngineError.invalidConfiguration("record-every must be at least 1, got \(t.recordEvery)") }
        if let p = t.patience, p < 1 { throw EngineError.invalidConfiguration("patience must be at least 1, got \(p)") }
        guard trainCount >= 1 else { throw EngineError.invalidConfiguration("the training split is empty") }
        guard t.epochs <= maxEpochs else { throw EngineError.overBudget("epochs \(t.epochs) is over the limit of \(maxEpochs)") }
        guard t.batch <= maxBatch else { throw EngineError.overBudget("batch \(t.batch) is over the limit of \(maxBatch)") }
        let depth = job.model.layers?.count ?? job.model.hidden.count
        guard depth <= maxDepth else {
            throw EngineError.overBudget("\(depth) \(job.model.layers == nil ? "hidden layers" : "layers") is over the depth limit of \(maxDepth)")
        }
        if let w = job.model.denseWidths.max(), w > maxWidth {
            throw EngineError.overBudget("hidden width \(w) is over the width limit of \(maxWidth)")
        }
        guard inputWidth <= maxWidth else { throw EngineError.overBudget("input width \(inputWidth) is over the width limit of \(maxWidth)") }
        let (parameters, bytes) = estimate(job, inputWidth: inputWidth, classes: classes, trainCount: trainCount)
        let iterationsPerEpoch = t.dropLast ? trainCount / t.batch : (trainCount + t.batch - 1) / t.batch
        let records = t.epochs * iterationsPerEpoch / t.recordEvery
        guard records <= maxIterationRecords else {
            throw EngineError.overBudget("the run would keep \(records) iteration records, over the limit of \(maxIterationRecords); raise record-every")
        }
        let work = 3 * Double(parameters) * Double(trainCount) * Double(t.epochs)
        guard work <= maxWork else {
            throw EngineError.overBudget("training needs ~\(NumberFormat.exponential(work, 1, shortExponent: true)) multiply-adds, over the work limit of \(NumberFormat.exponential(maxWork, 1, shortExponent: true)); reduce epochs, data or widths")
        }
        guard bytes <= memoryBudget else {
            throw EngineError.overBudget("the network (\(parameters) parameters, batch \(t.batch)) needs ~\(NumberFormat.gibibytes(Double(bytes))) GiB, over the \(NumberFormat.gibibytes(Double(memoryBudget))) GiB memory budget; reduce widths, depth or batch")
        }
    }
}
