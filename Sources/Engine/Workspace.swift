// The Float32 fast path: the layers' buffers allocated once per run, and the passes that drive them in parallel regions.

/// Parameters, gradients, running statistics and per-layer activations for up to `capacity` rows, in raw
/// buffers allocated once (no copy-on-write or exclusivity checks in the inner loops) and freed in deinit.
///
/// A pass runs in stages: each maximal run of row-local layers is one parallel region split into row parts
/// (each part its own chain through those layers, no sync between layers); a layer that mixes rows
/// (batch-norm) is a region of its own, split by channels. Without such a layer a training step is exactly
/// two regions: gather → forward → loss → input-gradient chain by rows, then the weight gradients by units.
final class Workspace {
    let shape: NetworkShape
    let capacity: Int
    let params: UnsafeMutableBufferPointer<Float>
    let grads: UnsafeMutableBufferPointer<Float>
    /// Batch-norm running statistics (not trained).
    let state: UnsafeMutableBufferPointer<Float>
    private(set) var layers: [FastLayer] = []
    private var denseLayers: [DenseLayer] = []
    private var convLayers: [ConvLayer] = []
    /// Two gradient scratch buffers, alternating by layer: layer k reads ∂L/∂out from gradient[k % 2] and writes
    /// ∂L/∂in into the other; rows at the widest activation's stride (see GradientRows).
    private var gradient: [UnsafeMutablePointer<Float>] = []
    private let gradientStride: Int
    private var storage: [UnsafeMutablePointer<Float>] = []
    /// Per row part and layer: that part's share of ∂L/∂slope (PReLU), summed over parts in order.
    let slopePartial: UnsafeMutablePointer<Float>
    /// Per row part: its loss sum and count correct (trainStep), added up in part order.
    private let partialLoss: UnsafeMutablePointer<(sum: Double, correct: Int)>
    private let stages: [Stage]
    /// Training forwards so far: the dropout masks' step counter.
    private(set) var trainingSteps: UInt64 = 0
    let dropoutSeed: UInt64
    /// Whether the last forward was a training one (backward uses the same mode).
    private var lastTraining = false

    enum Stage {
        case rows(Range<Int>)
        case mixing(Int)
    }

    /// `minibatch`: the training batch, whose im2col patches conv layers keep for the weight gradient (default: all rows).
    init(shape: NetworkShape, parameters: [Float], state initial: [Float]? = nil, capacity: Int, dropoutSeed: UInt64 = 0, minibatch: Int? = nil) {
        precondition(parameters.count == shape.parameterCount)
        self.shape = shape
        self.capacity = capacity
        self.dropoutSeed = dropoutSeed
        useSingleThreadedBLAS()
        params = .allocate(capacity: shape.parameterCount)
        _ = params.initialize(from: parameters)
        grads = .allocate(capacity: shape.parameterCount)
        grads.initialize(repeating: 0)
        state = .allocate(capacity: max(shape.stateCount, 1))
        state.initialize(repeating: 0)
        _ = state.update(fromContentsOf: initial ?? initialState(shape))
        gradientStride = shape.widest
        var made: [UnsafeMutablePointer<Float>] = []
        let allocate = { (n: Int) -> UnsafeMutablePointer<Float> in
            let b = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            b.initialize(repeating: 0, count: max(n, 1))
            made.append(b)
            return b
        }
        for (k, plan) in shape.layers.enumerated() {
            switch plan.kind {
            case .dense:
                let d = DenseLayer(plan, index: k, capacity: capacity, allocate: allocate)
                layers.append(d)
                denseLayers.append(d)
            case .activation(let a): layers.append(ActivationLayer(plan, index: k, activation: a, capacity: capacity, allocate: allocate))
            case .dropout(let rate): layers.append(DropoutLayer(plan, rate: rate, capacity: capacity, allocate: allocate))
            case .batchNorm(let m, let e): layers.append(BatchNormLayer(plan, momentum: m, eps: e, capacity: capacity, allocate: allocate))
            case .conv2d(let g):
                let c = ConvLayer(plan, geometry: g, capacity: capacity, keptImages: minibatch ?? capacity, allocate: allocate)
                layers.append(c)
                convLayers.append(c)
            case .maxPool2d(let g): layers.append(PoolLayer(plan, geometry: g, isMax: true, capacity: capacity, allocate: allocate))
            case .avgPool2d(let g): layers.append(PoolLayer(plan, geometry: g, isMax: false, capacity: capacity, allocate: allocate))
            case .flatten: layers.append(FlattenLayer(plan, capacity: capacity, allocate: allocate))
            case .globalAvgPool: layers.append(GlobalAvgPoolLayer(plan, capacity: capacity, allocate: allocate))
            }
        }
        gradient = [allocate(capacity * gradientStride), allocate(capacity * gradientStride)]
        storage = made
        let count = Workspace.maxParts * shape.layers.count
        slopePartial = .allocate(capacity: count)
        slopePartial.initialize(repeating: 0, count: count)
        partialLoss = .allocate(capacity: Workspace.maxParts)
        partialLoss.initialize(repeating: (0, 0), count: Workspace.maxParts)
        var st: [Stage] = []
        var start = 0
        for (k, plan) in shape.layers.enumerated() where plan.mixesRows {
            st.append(.rows(start..<k))          // possibly empty: the first region also gathers the minibatch
            st.append(.mixing(k))
            start = k + 1
        }
        st.append(.rows(start..<shape.layers.count))
        stages = st
    }

    deinit {
        params.deallocate()
        grads.deallocate()
        state.deallocate()
        for s in storage { s.deallocate() }
        slopePartial.deallocate()
        partialLoss.deallocate()
    }

    var parameterArray: [Float] { Array(params) }
    var stateArray: [Float] { Array(state.prefix(shape.stateCount)) }
    func setParameters(_ p: [Float]) { _ = params.update(fromContentsOf: p) }
    func setState(_ s: [Float]) { _ = state.update(fromContentsOf: s) }

    var p: UnsafeMutablePointer<Float> { params.baseAddress.unsafelyUnwrapped }
    var g: UnsafeMutablePointer<Float> { grads.baseAddress.unsafelyUnwrapped }
    var s: UnsafeMutablePointer<Float> { state.baseAddress.unsafelyUnwrapped }
    func slope(_ plan: PlannedLayer) -> Float { plan.slopeOffset.map { params[$0] } ?? 0 }

    /// Output of layer k (row r at + r·width); for a dense layer its activation A (the output layer: probabilities).
    func output(_ k: Int) -> UnsafeMutablePointer<Float> { layers[k].out }
    /// Z of the dense layer at index k (after backward: ∂L/∂Z).
    func preActivation(_ k: Int) -> UnsafeMutablePointer<Float> { (layers[k] as? DenseLayer)?.z ?? layers[k].out }
    private var lastDense: DenseLayer { denseLayers[denseLayers.count - 1] }

    // MARK: partition — fixed by the shape and the row count, never by the number of threads

    /// A minibatch runs as 2 row parts (each its own forward, loss and input-gradient chain, no sync between
    /// layers) when it is big enough to pay for a hand-over (~2 M multiply-adds), else as 1.
    func rowParts(_ rows: Int) -> Int { rows >= 32 && rows * shape.rowWork >= 1 << 21 ? 2 : 1 }

    /// Dense layer d's weight gradient runs as 2 parts (halves of its units) when ≥ 1 M multiply-adds, else 1.
    func unitParts(_ d: DenseLayer, rows: Int) -> Int { d.plan.fanOut >= 32 && rows * d.plan.fanIn * d.plan.fanOut >= 1 << 20 ? 2 : 1 }

    /// The unit parts of layer k (a dense layer).
    func unitParts(_ k: Int, rows: Int) -> Int { (layers[k] as? DenseLayer).map { unitParts($0, rows: rows) } ?? 1 }

    static let maxParts = 2

    private func span(_ q: Int, of parts: Int, rows: Int) -> Span {
        Span(lo: partBoundary(q, of: parts, extent: rows), hi: partBoundary(q + 1, of: parts, extent: rows),
             part: q, parts: parts, rows: rows, rowParts: parts)
    }

    private func layerInput(_ k: Int, _ x: UnsafePointer<Float>) -> UnsafePointer<Float> { k == 0 ? x : UnsafePointer(layers[k - 1].out) }

    /// ∂L/∂(output of layer k).
    private func gradientRows(_ k: Int) -> GradientRows {
        GradientRows(base: gradient[k & 1], stride: gradientStride, width: shape.layers[k].fanOut)
    }

    /// ∂L/∂(input of layer k), nil where nothing needs it: below the first layer, unless that layer is a PReLU
    /// activation, whose slope gradient comes out of the same loop.
    private func inputGradient(_ k: Int) -> GradientRows? {
        guard k > 0 || (!shape.layers[k].isDense && shape.layers[k].slopeOffset != nil) else { return nil }
        return GradientRows(base: gradient[(k + 1) & 1], stride: gradientStride, width: shape.layers[k].fanIn)
    }

    // MARK: forward

    /// Forward pass over `rows` rows of `input` (rows × input width, row-major), in evaluation mode (dropout off,
    /// batch-norm on its running statistics).
    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool = false) {
        precondition(rows <= capacity)
        guard rows > 0 else { return }
        if training { trainingSteps += 1 }
        lastTraining = training
        for stage in stages { runForward(stage, input, rows: rows, training: training) }
    }

    private func runForward(_ stage: Stage, _ x: UnsafePointer<Float>, rows: Int, training: Bool,
                            before: (Span) -> Void = { _ in }, after: (Span) -> Void = { _ in }) {
        switch stage {
        case .rows(let range):
            let parts = rowParts(rows)
            WorkerPool.shared.run(parts: parts) { q in
                let sp = span(q, of: parts, rows: rows)
                before(sp)
                for k in range { layers[k].forward(self, layerInput(k, x), sp, training: training) }
                after(sp)
            }
        case .mixing(let k):
            let b = layers[k] as? BatchNormLayer, parts = b?.parts(rows: rows) ?? 1, rp = rowParts(rows)
            WorkerPool.shared.run(parts: parts) { q in
                layers[k].forward(self, layerInput(k, x), Span(lo: 0, hi: rows, part: q, parts: parts, rows: rows, rowParts: rp), training: training)
            }
        }
    }

    // MARK: loss — writes ∂L/∂Z of the output layer in place of its Z

    /// Mean loss over the rows (its sum is returned for exact accumulation) and the number classified
    /// correctly; when `gradient`, Z of the output layer is replaced by ∂(mean loss)/∂Z.
    /// The sum is added up per row part, then over the parts in order, exactly as in `trainStep`.
    /// `targets` (rows × output units): regression targets, in place of the labels.
    func loss(labels: UnsafePointer<Int32>, rows: Int, gradient: Bool, targets: UnsafePointer<Float>? = nil) -> (sum: Double, correct: Int) {
        let parts = rowParts(rows)
        var sum = 0.0, correct = 0
        for q in 0..<parts {
            let r = lossRows(labels, rows: rows, partBoundary(q, of: parts, extent: rows), partBoundary(q + 1, of: parts, extent: rows),
                             gradient: gradient, targets: targets)
            sum += r.sum
            correct += r.correct
        }
        return (sum, correct)
    }

    private func lossRows(_ labels: UnsafePointer<Int32>, rows: Int, _ lo: Int, _ hi: Int, gradient: Bool,
                          targets: UnsafePointer<Float>?) -> (sum: Double, correct: Int) {
        guard hi > lo else { return (0, 0) }
        let units = shape.outputUnits, d = lastDense
        return outputLoss(z: d.z + lo * units, q: d.out + lo * units, rows: hi - lo, units: units, labels: labels + lo,
                          output: shape.output, loss: shape.loss, gradientScale: gradient ? 1 / Float(rows) : nil,
                          targets: targets.map { $0 + lo * units })
    }

    // MARK: backward

    /// Back-propagates ∂L/∂Z of the output layer (left by `loss(…, gradient: true)`) into `grads`, in the mode of
    /// the last forward. The first layer's input gradient is never formed.
    func backward(_ input: UnsafePointer<Float>, rows: Int) {
        guard rows > 0 else { grads.update(repeating: 0); return }
        for stage in stages.reversed() { runBackward(stage, rows: rows, input) }
        weightGradients(input, rows: rows, parts: rowParts(rows))
    }

    private func backwardRows(_ range: Range<Int>, _ x: UnsafePointer<Float>, _ sp: Span) {
        for k in range.reversed() {
            layers[k].backward(self, layerInput(k, x), dOut: gradientRows(k), dIn: inputGradient(k), sp, training: lastTraining)
        }
    }

    private func runBackward(_ stage: Stage, rows: Int, _ x: UnsafePointer<Float>) {
        switch stage {
        case .rows(let range):
            let parts = rowParts(rows)
            WorkerPool.shared.run(parts: parts) { q in backwardRows(range, x, span(q, of: parts, rows: rows)) }
        case .mixing(let k):
            let b = layers[k] as? BatchNormLayer, parts = b?.parts(rows: rows) ?? 1, rp = rowParts(rows)
            WorkerPool.shared.run(parts: parts) { q in
                layers[k].backward(self, layerInput(k, x), dOut: gradientRows(k), dIn: inputGradient(k),
                                   Span(lo: 0, hi: rows, part: q, parts: parts, rows: rows, rowParts: rp), training: lastTraining)
            }
        }
    }

    /// One training minibatch: forward, loss with its gradient, backward. The last stage runs forward → loss →
    /// input-gradient chain in one region per row part; without a layer that mixes rows that is the whole step
    /// up to the weight gradients, which sum over all rows and run split by units. Same bits as forward + loss + backward.
    /// `gather(lo, hi)` fills rows lo..<hi of `input` and `labels` (or `targets`) (called once per row part, on its thread).
    /// `update(lossSum)` may return an optimiser step: it is then applied to each part of the
    /// parameters right after that part's gradient, while it is still in cache (weights are not read again
    /// after the row parts); gradients stay in `grads` when the step `keepsGradient` (an iteration record reads
    /// them), and otherwise may be left unwritten.
    func trainStep(_ input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, targets: UnsafePointer<Float>? = nil, rows: Int,
                   gather: (_ lo: Int, _ hi: Int) -> Void,
                   update: (_ lossSum: Double) -> OptimizerStep? = { _ in nil }) -> (sum: Double, correct: Int) {
        precondition(rows <= capacity)
        guard rows > 0 else { grads.update(repeating: 0); return (0, 0) }
        trainingSteps += 1
        lastTraining = true
        let parts = rowParts(rows)
        let out = partialLoss
        for (i, stage) in stages.enumerated() {
            let isFirst = i == 0, isLast = i == stages.count - 1
            runForward(stage, input, rows: rows, training: true,
                       before: { sp in if isFirst { gather(sp.lo, sp.hi) } },
                       after: { sp in
                           guard isLast, case .rows(let range) = stage else { return }
                           out[sp.part] = self.lossRows(labels, rows: rows, sp.lo, sp.hi, gradient: true, targets: targets)
                           self.backwardRows(range, input, sp)
                       })
        }
        for stage in stages.dropLast().reversed() { runBackward(stage, rows: rows, input) }
        var sum = 0.0, correct = 0
        for q in 0..<parts { sum += out[q].sum; correct += out[q].correct }
        weightGradients(input, rows: rows, parts: parts, update: update(sum))
        return (sum, correct)
    }

    /// ∂W and ∂b of every dense layer, each split into unit parts (applying the update right after each part);
    /// then the PReLU slopes' gradients, summed over the row parts in order, and batch-norm's γ, β (already
    /// computed in its backward) get their update.
    private func weightGradients(_ input: UnsafePointer<Float>, rows: Int, parts rowPartCount: Int, update: OptimizerStep? = nil) {
        let parts = denseLayers.contains { unitParts($0, rows: rows) > 1 } ? 2 : 1
        WorkerPool.shared.run(parts: parts) { q in
            for d in denseLayers {
                let split = unitParts(d, rows: rows)
                guard q < split else { continue }
                let lo = partBoundary(q, of: split, extent: d.plan.fanOut), hi = partBoundary(q + 1, of: split, extent: d.plan.fanOut)
                guard hi > lo else { continue }
                // Batch 1 with a fused update: ∂W is an outer product (no GEMM to keep whole), so it runs 16 units
                // at a time and each chunk is updated while its gradient is still in L1, instead of one pass that
                // writes a layer's ∂W (314 KB for 784×100) and a second that reads it back. Every value is computed
                // by the same expression either way: the same bits.
                // Plain SGD on a step no record reads: ∂W is never stored, each row applied as it is formed.
                if rows == 1, let u = update, !u.keepsGradient, let lr = u.plainSGDRate {
                    d.weightGradientsSGD(self, layerInput(d.index, input), units: lo, hi, lr: lr)
                    u.apply(p, g, (d.plan.biasOffset + lo)..<(d.plan.biasOffset + hi))
                    continue
                }
                let chunk = rows == 1 && update != nil ? 16 : hi - lo
                var c0 = lo
                while c0 < hi {
                    let c1 = min(hi, c0 + chunk)
                    d.weightGradients(self, layerInput(d.index, input), rows: rows, units: c0, c1)
                    if let u = update {
                        let w = d.plan.weightOffset, b = d.plan.biasOffset, fin = d.plan.fanIn
                        u.apply(p, g, (w + c0 * fin)..<(w + c1 * fin))
                        u.apply(p, g, (b + c0)..<(b + c1))
                    }
                    c0 = c1
                }
            }
        }
        // conv2d: the row parts' ∂W, ∂b partials (from backward), added in part order.
        for c in convLayers {
            c.reduceGradients(self, rowParts: rowPartCount)
            update?.apply(p, g, c.plan.parameters)
        }
        let count = shape.layers.count
        for (k, plan) in shape.layers.enumerated() {
            if let s = plan.slopeOffset {
                var total: Float = 0
                for q in 0..<rowPartCount { total += slopePartial[q * count + k] }
                grads[s] = total
                update?.apply(p, g, s..<(s + 1))
            } else if plan.mixesRows {
                update?.apply(p, g, plan.parameters)
            }
        }
    }
}
