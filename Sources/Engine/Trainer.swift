// The training loop: minibatches, updates, per-epoch and per-iteration records, early stopping, divergence.
import Outcomes
import Vocabulary

public enum Trainer {
    /// Trains (or, with epochs 0, only studies at init) and returns every recorded number.
    /// Throws EngineError.invalidConfiguration / .overBudget for impossible or too-large jobs.
    /// `shouldStop` is asked between minibatches (a deadline or a cancellation); when it answers true the run
    /// ends at once with `TrainingStopped`.
    /// `threads`: which threads the run may use (its scheduler's budget; the numbers do not depend on it).
    public static func run(_ job: TrainingJob, data: DataSplits, threads: ThreadBudget = .all,
                           progress: (@Sendable (TrainingProgress) -> Void)? = nil,
                           shouldStop: (@Sendable () -> Bool)? = nil) throws -> TrainingResult {
        try threads.apply { try train(job, data: data, progress: progress, shouldStop: shouldStop) }
    }

    static func train(_ job: TrainingJob, data: DataSplits, progress: (@Sendable (TrainingProgress) -> Void)?,
                      shouldStop: (@Sendable () -> Bool)?) throws -> TrainingResult {
        let train = data.train
        try Budget.check(job, inputWidth: train.width, classes: train.isRegression ? train.targetWidth : train.classes, trainCount: train.count)
        try validate(job, data)
        let shape = try NetworkShape(model: job.model, loss: job.loss, inputWidth: train.width, classes: train.classes,
                                     targets: train.isRegression ? train.targetWidth : nil)
        var rng = SeededRandom(seed: job.seed).fork("init")
        let initial = initialParameters(shape, model: job.model, rng: &rng)
        let session = TrainingSession(job: job, shape: shape, data: data, initial: initial)
        session.shouldStop = shouldStop
        let result = session.run(progress: progress)
        if let at = session.stoppedAt { throw TrainingStopped(epoch: at.epoch, iteration: at.iteration) }
        return result
    }

    static func validate(_ job: TrainingJob, _ data: DataSplits) throws {
        let train = data.train
        for (name, split) in [("validation", data.validation), ("test", data.test)] {
            guard let s = split else { continue }
            guard s.count >= 1 else { throw EngineError.invalidConfiguration("the \(name) split is empty") }
            guard s.width == train.width else {
                throw EngineError.invalidConfiguration("the \(name) split has \(s.width) features, the training split \(train.width)")
            }
            guard s.classes == train.classes, s.targetWidth == train.targetWidth else {
                throw EngineError.invalidConfiguration(train.isRegression
                    ? "the \(name) split has \(s.targetWidth) targets, the training split \(train.targetWidth)"
                    : "the \(name) split has \(s.classes) classes, the training split \(train.classes)")
            }
        }
        for (name, split) in [("training", Optional(train)), ("validation", data.validation), ("test", data.test)] {
            guard let s = split, !s.isRegression else { continue }
            if let bad = s.labels.first(where: { $0 < 0 || Int($0) >= s.classes }) {
                throw EngineError.invalidConfiguration("the \(name) split has label \(bad), outside 0..<\(s.classes)")
            }
        }
        if job.train.patience != nil && data.validation == nil {
            throw EngineError.invalidConfiguration("patience (early stopping) needs a validation split")
        }
        if job.train.dropLast && train.count < job.train.batch {
            throw EngineError.invalidConfiguration("drop-last with batch \(job.train.batch) leaves no minibatch from \(train.count) training examples")
        }
        if job.model.layers?.contains(where: { if case .batchNorm = $0 { true } else { false } }) == true {
            // torch: "Expected more than 1 value per channel when training" (a flat input has one value per row).
            let plane = job.model.input.map { $0.dropFirst().reduce(1, *) } ?? 1
            let smallest = job.train.dropLast || train.count % job.train.batch == 0 ? min(job.train.batch, train.count)
                : min(job.train.batch, train.count % job.train.batch)
            if smallest * plane < 2 {
                throw EngineError.invalidConfiguration(job.train.batch == 1
                    ? "batch-norm needs at least 2 values per channel in training, but batch is 1; use a batch of 2 or more"
                    : "batch-norm needs at least 2 values per channel in training, but the last minibatch of an epoch has 1 example (\(train.count) examples, batch \(job.train.batch)); set 'drop-last: true' or change the batch")
            }
        }
        switch job.optimizer {
        case .sgd(let lr, let mu, let nesterov):
            guard lr.isFinite, lr >= 0 else { throw EngineError.invalidConfiguration("learning rate must be a finite number ≥ 0, got \(lr)") }
            guard mu.isFinite, mu >= 0 else { throw EngineError.invalidConfiguration("momentum must be ≥ 0, got \(mu)") }
            if nesterov && !OptimizerConfig.nesterovAllowed(momentum: mu) { throw EngineError.invalidConfiguration("nesterov needs a momentum > 0") }
        case .adam(let lr, let b1, let b2, let eps):
            guard lr.isFinite, lr >= 0 else { throw EngineError.invalidConfiguration("learning rate must be a finite number ≥ 0, got \(lr)") }
            guard b1 >= 0, b1 < 1, b2 >= 0, b2 < 1 else { throw EngineError.invalidConfiguration("adam betas must be in [0, 1), got \(b1), \(b2)") }
            guard eps >= 0 else { throw EngineError.invalidConfiguration("adam eps must be ≥ 0, got \(eps)") }
        case .adamw(let lr, let b1, let b2, let eps, let decay):
            guard lr.isFinite, lr >= 0 else { throw EngineError.invalidConfiguration("learning rate must be a finite number ≥ 0, got \(lr)") }
            guard b1 >= 0, b1 < 1, b2 >= 0, b2 < 1 else { throw EngineError.invalidConfiguration("adamw betas must be in [0, 1), got \(b1), \(b2)") }
            guard eps >= 0, decay >= 0 else { throw EngineError.invalidConfiguration("adamw eps and weight decay must be ≥ 0, got \(eps), \(decay)") }
        case .rmsprop(let lr, let alpha, let eps, let mu, _):
            guard lr.isFinite, lr >= 0 else { throw EngineError.invalidConfiguration("learning rate must be a finite number ≥ 0, got \(lr)") }
            guard alpha >= 0, alpha < 1, eps >= 0, mu >= 0 else {
                throw EngineError.invalidConfiguration("rmsprop needs alpha in [0, 1), eps ≥ 0 and momentum ≥ 0, got \(alpha), \(eps), \(mu)")
            }
        case .adagrad(let lr, let lrDecay, let eps):
            guard lr.isFinite, lr >= 0, lrDecay >= 0, eps >= 0 else {
                throw EngineError.invalidConfiguration("adagrad needs lr, lr-decay and eps ≥ 0, got \(lr), \(lrDecay), \(eps)")
            }
        }
        if let wd = job.weightDecay, !(wd >= 0 && wd.isFinite) {
            throw EngineError.invalidConfiguration("weight decay must be a finite number ≥ 0, got \(wd)")
        }
        if let s = job.schedule, let p = ScheduleCheck.problem(s, epochs: job.train.epochs, lr: job.optimizer.learningRate) {
            throw EngineError.invalidConfiguration("schedule: " + p.message)
        }
        switch job.train.clip {
        case .none: break
        case .norm(let v), .value(let v):
            guard v > 0 else { throw EngineError.invalidConfiguration("clip must be positive, got \(v)") }
        }
        if let n = job.diagnostics.predictionGrid, n < 2 || n > 1_000 {
            throw EngineError.invalidConfiguration("prediction grid resolution must be in 2…1000, got \(n)")
        }
    }
}

/// One run's state: the workspace, optimiser, the gathered minibatch and the records so far.
final class TrainingSession {
    let job: TrainingJob
    let shape: NetworkShape
    let data: DataSplits
    let initial: [Float]
    let ws: Workspace
    let rows: Int
    let dropoutSeed: UInt64
    private let batchX: UnsafeMutableBufferPointer<Float>
    private let batchY: UnsafeMutableBufferPointer<Int32>
    /// Regression: the minibatch's targets (rows × targets); nil for classes.
    private let batchT: UnsafeMutableBufferPointer<Float>?
    private var shuffler: SeededRandom
    /// The order of the training examples in the current epoch.
    private(set) var order: [Int]
    var shouldStop: (@Sendable () -> Bool)?
    /// Where `shouldStop` ended the run.
    private(set) var stoppedAt: (epoch: Int, iteration: Int)?

    init(job: TrainingJob, shape: NetworkShape, data: DataSplits, initial: [Float]) {
        self.job = job
        self.shape = shape
        self.data = data
        self.initial = initial
        rows = Budget.workspaceRows(batch: job.train.batch, trainCount: data.train.count)
        dropoutSeed = TrainingSession.dropoutSeed(job.seed)
        ws = Workspace(shape: shape, parameters: initial, capacity: rows, dropoutSeed: dropoutSeed,
                       minibatch: min(job.train.batch, data.train.count))
        batchX = .allocate(capacity: rows * data.train.width)
        batchX.initialize(repeating: 0)
        batchY = .allocate(capacity: rows)
        batchY.initialize(repeating: 0)
        if data.train.isRegression {
            let t = UnsafeMutableBufferPointer<Float>.allocate(capacity: rows * data.train.targetWidth)
            t.initialize(repeating: 0)
            batchT = t
        } else {
            batchT = nil
        }
        shuffler = SeededRandom(seed: job.seed).fork("shuffle")
        order = Array(0..<data.train.count)
    }

    /// The key of every dropout mask of a run: its own stream, so adding dropout leaves init and shuffling alone.
    static func dropoutSeed(_ seed: UInt64) -> UInt64 {
        var r = SeededRandom(seed: seed).fork("dropout")
        return r.next()
    }

    /// Draws the next epoch's order (identity when shuffling is off).
    func newOrder() {
        guard job.train.shuffle else { return }
        for k in 0..<order.count { order[k] = k }
        shuffler.shuffle(&order)
    }

    /// One epoch over `order` (or its first `limit` minibatches): step, record, clip, update.
    /// Stops at the first non-finite minibatch loss and reports it as divergence.
    func trainEpoch(_ epoch: Int, limit: Int = .max, optimizer: inout Optimizer, iteration: inout Int,
                    iterations: inout [IterationRecord])
        -> (lossSum: Double, correct: Int, seen: Int, batches: Int, divergence: Divergence?, stopped: Bool) {
        let t = job.train, count = data.train.count
        var lossSum = 0.0, correct = 0, seen = 0, batches = 0
        var start = 0
        while start < count && batches < limit {
            let n = min(t.batch, count - start)
            if n < t.batch && t.dropLast { break }
            // The caller's wall-clock limit, checked between minibatches.
            if let shouldStop, shouldStop() { return (lossSum, correct, seen, batches, nil, true) }
            // Without clipping, the update runs inside the step, each parameter part right after its gradient
            // (same formulas, same bits); it is skipped when the loss is not finite, as below.
            let fused = t.clip == .none
            let recorded = iteration % t.recordEvery == 0
            let (sum, c) = step(order[start..<(start + n)]) { s in
                guard fused && s.isFinite else { return nil }
                var u = optimizer.beginStep()
                u.keepsGradient = recorded
                return u
            }
            let loss = sum / Double(n)
            guard loss.isFinite else {
                return (lossSum, correct, seen, batches, Divergence(epoch: epoch, iteration: iteration, loss: loss), false)
            }
            if recorded { iterations.append(iterationRecord(iteration, loss: loss)) }
            if !fused {
                clipGradients(ws.grads, t.clip)
                optimizer.update(ws.params, ws.grads)
            }
            lossSum += loss; correct += c; seen += n; batches += 1
            iteration += 1
            start += n
        }
        return (lossSum, correct, seen, batches, nil, false)
    }

    deinit {
        batchX.deallocate()
        batchY.deallocate()
        batchT?.deallocate()
    }

    func run(progress: (@Sendable (TrainingProgress) -> Void)?) -> TrainingResult {
        let t = job.train, train = data.train
        var snapshots = [snapshot(.initial)]
        var filters = job.diagnostics.filters.flatMap { filterSample($0, .initial) }.map { [$0] }
        let initialPass = trainingPass(.initial)
        var dead = initialPass.dead
        let check = job.diagnostics.gradientCheck
            ? gradientCheck(shape: shape, parameters: initial, data: train, dropoutSeed: dropoutSeed, shouldStop: shouldStop) : nil
        if check != nil, let shouldStop, shouldStop() { stoppedAt = (0, 0) }

        var optimizer = Optimizer(job.optimizer, parameterCount: shape.parameterCount, weightDecay: job.weightDecay ?? 0)
        var schedule = job.schedule.map { LearningRateSchedule($0, base: job.optimizer.learningRate, epochs: t.epochs) }
        var epochs: [EpochRecord] = [], iterations: [IterationRecord] = []
        var divergence: Divergence?
        var best: (epoch: Int, accuracy: Double, parameters: [Float], state: [Float])?
        var iteration = 0, epochsRun = 0

        if t.epochs == 0 {
            // Study at init: the gradient of the first minibatch, without updating.
            newOrder()
            let n = min(t.batch, train.count)
            let (sum, _) = step(order[0..<n])
            iterations.append(iterationRecord(0, loss: sum / Double(n)))
        }
        training: for epoch in stride(from: 1, through: t.epochs, by: 1) {
            newOrder()
            let rate = schedule?.rate(epoch: epoch - 1)
            if let rate { optimizer.lr = Float(rate) }
            let e = trainEpoch(epoch, optimizer: &optimizer, iteration: &iteration, iterations: &iterations)
            if e.stopped {
                stoppedAt = (epoch, iteration)
                break training
            }
            if let d = e.divergence {
                divergence = d
                break training
            }
            var record = EpochRecord(epoch: epoch, trainLoss: e.lossSum / Double(max(e.batches, 1)),
                                     trainAccuracy: Double(e.correct) / Double(max(e.seen, 1)))
            if let v = data.validation {
                let (l, a) = evaluate(v)
                record.validationLoss = l
                record.validationAccuracy = a
            }
            record.learningRate = rate
            schedule?.observe(loss: record.validationLoss ?? record.trainLoss, epoch: epoch - 1)
            epochs.append(record)
            epochsRun = epoch
            progress?(TrainingProgress(epoch: epoch, epochs: t.epochs, loss: record.trainLoss))
            // Classes stop on validation accuracy; a regression (whose accuracy means nothing) on −validation loss.
            if let patience = t.patience, let accuracy = data.train.isRegression ? record.validationLoss.map({ -$0 }) : record.validationAccuracy {
                if best == nil || accuracy > best?.accuracy ?? 0 {
                    best = (epoch, accuracy, ws.parameterArray, ws.stateArray)
                } else if epoch - (best?.epoch ?? 0) >= patience {
                    break training
                }
            }
        }
        var bestEpoch = epochsRun
        if let b = best {
            ws.setParameters(b.parameters)
            ws.setState(b.state)
            bestEpoch = b.epoch
        }
        // The final training-split metrics come from the pass that counts dead units (same weights); with
        // epochs 0 the weights are still the initial ones, so the initial pass serves.
        var finalPass = initialPass
        if t.epochs > 0 {
            if let f = job.diagnostics.filters.flatMap({ filterSample($0, .trained) }) { filters?.append(f) }
            snapshots.append(snapshot(.trained))
            finalPass = trainingPass(.trained)
            dead += finalPass.dead
        }
        var result = TrainingResult(layerWidths: layerWidths, parameters: shape.parameterCount,
                                    epochsRun: epochsRun, bestEpoch: bestEpoch, final: finalMetrics(trainLoss: finalPass.loss, trainAccuracy: finalPass.accuracy),
                                    epochs: epochs, iterations: iterations, snapshots: snapshots, deadNeurons: dead,
                                    gradientCheck: check, predictionGrid: predictionGrid(), divergence: divergence)
        result.filters = filters
        result.featureMaps = job.diagnostics.featureMaps.map { featureMapSamples($0) }
        result.regression = regressionResult()
        if let specs = job.model.layers {
            result.layerKinds = specs.map(\.name)
            result.gradientLayers = shape.weighted.map { shape.layers[$0].number }
        }
        return result
    }

    /// Output width per layer in report numbering: the shorthand's dense layers, or every entry of `layers:`.
    var layerWidths: [Int] {
        guard let specs = job.model.layers else { return shape.layers.map(\.fanOut) }
        var widths = [Int](repeating: 0, count: specs.count)
        for l in shape.layers {
            widths[l.number] = l.fanOut
            if let f = l.fusedNumber { widths[f] = l.fanOut }
        }
        return widths
    }

    /// Gathers the rows into the minibatch buffers, runs forward, loss and backward; gradients end in ws.grads.
    /// Each row part gathers its own rows on the thread that then computes with them.
    func step(_ indices: ArraySlice<Int>, update: (Double) -> OptimizerStep? = { _ in nil }) -> (sum: Double, correct: Int) {
        let width = data.train.width, tw = data.train.targetWidth
        let x = batchX.baseAddress.unsafelyUnwrapped, y = batchY.baseAddress.unsafelyUnwrapped
        let t = batchT?.baseAddress
        let targets = data.train.targets ?? []
        return data.train.features.withUnsafeBufferPointer { f in
            data.train.labels.withUnsafeBufferPointer { l in
                targets.withUnsafeBufferPointer { tp in
                    indices.withUnsafeBufferPointer { idx in
                        let fx = f.baseAddress.unsafelyUnwrapped, lx = l.baseAddress.unsafelyUnwrapped
                        let order = idx.baseAddress.unsafelyUnwrapped
                        return ws.trainStep(UnsafePointer(x), labels: UnsafePointer(y), targets: t.map { UnsafePointer($0) }, rows: idx.count,
                                            gather: { lo, hi in
                            for r in lo..<hi {
                                let k = order[r]
                                (x + r * width).update(from: fx + k * width, count: width)
                                y[r] = lx[k]
                                if let t, let tb = tp.baseAddress { (t + r * tw).update(from: tb + k * tw, count: tw) }
                            }
                        }, update: update)
                    }
                }
            }
        }
    }

    /// Per dense or conv layer mean |∂L/∂W| and ‖∂L/∂W‖₂ of the gradient now in the workspace (weights only, before clipping).
    func iterationRecord(_ iteration: Int, loss: Double) -> IterationRecord {
        var means: [Double] = [], norms: [Double] = []
        for i in shape.weighted {
            let layer = shape.layers[i], w = layer.weightOffset, count = layer.weightCount
            var absSum = 0.0, squares = 0.0
            for k in w..<(w + count) {
                let g = Double(ws.grads[k])
                absSum += abs(g)
                squares += g * g
            }
            means.append(absSum / Double(count))
            norms.append(squares.squareRoot())
        }
        return IterationRecord(iteration: iteration, loss: loss, meanAbsGradient: means, gradientNorm: norms)
    }

    /// Calls `body` with each chunk of ≤ `rows` consecutive examples of the dataset after the forward pass
    /// (`targets`: the chunk's regression targets, nil for classes).
    func forEachChunk(_ d: Dataset, count: Int? = nil,
                      _ body: (_ start: Int, _ n: Int, _ labels: UnsafePointer<Int32>, _ targets: UnsafePointer<Float>?) -> Void) {
        let total = count ?? d.count
        let targets = d.targets ?? []
        d.features.withUnsafeBufferPointer { f in
            d.labels.withUnsafeBufferPointer { l in
                targets.withUnsafeBufferPointer { t in
                    var start = 0
                    while start < total {
                        let n = min(rows, total - start)
                        ws.forward(f.baseAddress.unsafelyUnwrapped + start * d.width, rows: n, training: false)
                        body(start, n, l.baseAddress.unsafelyUnwrapped + start,
                             d.isRegression ? t.baseAddress.map { UnsafePointer($0 + start * d.targetWidth) } : nil)
                        start += n
                    }
                }
            }
        }
    }

    /// Mean loss and accuracy over a whole split with the current weights (evaluation pass, no gradients).
    func evaluate(_ d: Dataset) -> (loss: Double, accuracy: Double) {
        var sum = 0.0, correct = 0
        forEachChunk(d) { _, n, labels, targets in
            let (s, c) = ws.loss(labels: labels, rows: n, gradient: false, targets: targets)
            sum += s
            correct += c
        }
        return (sum / Double(d.count), Double(correct) / Double(d.count))
    }

    func finalMetrics(trainLoss: Double, trainAccuracy: Double) -> FinalMetrics {
        var m = FinalMetrics(trainLoss: trainLoss, trainAccuracy: trainAccuracy)
        if let v = data.validation {
            let (l, a) = evaluate(v)
            m.validationLoss = l
            m.validationAccuracy = a
        }
        if let s = data.test {
            let (l, a) = evaluate(s)
            m.testLoss = l
            m.testAccuracy = a
        }
        return m
    }
}
