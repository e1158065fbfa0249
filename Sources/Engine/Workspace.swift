// The Float32 fast path: buffers allocated once per run, forward/backward through cblas_sgemm in parts, fused kernels.

import COpenBLAS

/// Parameters, gradients and per-layer activations for up to `capacity` rows, in raw buffers
/// allocated once (no copy-on-write or exclusivity checks in the inner loops) and freed in deinit.
final class Workspace {
    let shape: NetworkShape
    let capacity: Int
    let params: UnsafeMutableBufferPointer<Float>
    let grads: UnsafeMutableBufferPointer<Float>
    /// Per layer: pre-activations Z (rows × out); after backward, overwritten in place by ∂L/∂Z.
    private(set) var z: [UnsafeMutablePointer<Float>] = []
    /// Per layer: post-activations A = f(Z) (output layer: its output nonlinearity).
    private(set) var a: [UnsafeMutablePointer<Float>] = []
    /// ∂L/∂A of the layer being back-propagated (rows × widest hidden layer).
    private let dA: UnsafeMutablePointer<Float>
    private let widestHidden: Int
    private var storage: [UnsafeMutableBufferPointer<Float>] = []
    /// Per row part and hidden layer: that part's share of ∂L/∂slope (PReLU), summed over parts in order.
    private let slopePartial: UnsafeMutablePointer<Float>
    /// Per row part: its loss sum and count correct (trainStep), added up in part order.
    private let partialLoss: UnsafeMutablePointer<(sum: Double, correct: Int)>

    init(shape: NetworkShape, parameters: [Float], capacity: Int) {
        precondition(parameters.count == shape.parameterCount)
        self.shape = shape
        self.capacity = capacity
        useSingleThreadedBLAS()
        params = .allocate(capacity: shape.parameterCount)
        _ = params.initialize(from: parameters)
        grads = .allocate(capacity: shape.parameterCount)
        grads.initialize(repeating: 0)
        var widest = 1
        for i in 0..<shape.layerCount {
            let n = capacity * shape.fanOut(i)
            let zb = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
            let ab = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
            zb.initialize(repeating: 0); ab.initialize(repeating: 0)
            storage += [zb, ab]
            z.append(zb.baseAddress.unsafelyUnwrapped)
            a.append(ab.baseAddress.unsafelyUnwrapped)
            if shape.isHidden(i) { widest = max(widest, shape.fanOut(i)) }
        }
        widestHidden = widest
        let db = UnsafeMutableBufferPointer<Float>.allocate(capacity: capacity * widest)
        db.initialize(repeating: 0)
        storage.append(db)
        dA = db.baseAddress.unsafelyUnwrapped
        slopePartial = .allocate(capacity: Workspace.maxParts * shape.layerCount)
        slopePartial.initialize(repeating: 0, count: Workspace.maxParts * shape.layerCount)
        partialLoss = .allocate(capacity: Workspace.maxParts)
        partialLoss.initialize(repeating: (0, 0), count: Workspace.maxParts)
    }

    deinit {
        params.deallocate()
        grads.deallocate()
        for s in storage { s.deallocate() }
        slopePartial.deallocate()
        partialLoss.deallocate()
    }

    var parameterArray: [Float] { Array(params) }
    func setParameters(_ p: [Float]) { _ = params.update(fromContentsOf: p) }

    private var p: UnsafeMutablePointer<Float> { params.baseAddress.unsafelyUnwrapped }
    private var g: UnsafeMutablePointer<Float> { grads.baseAddress.unsafelyUnwrapped }
    func slope(_ i: Int) -> Float { shape.slopeOffset[i].map { params[$0] } ?? 0 }

    // MARK: partition — fixed by the shape and the row count, never by the number of threads

    /// Multiply-adds of one row's forward pass (the weights).
    private var rowWork: Int { shape.weightOffset.indices.reduce(0) { $0 + shape.fanIn($1) * shape.fanOut($1) } }

    /// A minibatch runs as 2 row parts (each its own forward, loss and input-gradient chain, no sync between
    /// layers) when it is big enough to pay for a hand-over (~2 M multiply-adds), else as 1.
    func rowParts(_ rows: Int) -> Int { rows >= 32 && rows * rowWork >= 1 << 21 ? 2 : 1 }

    /// Layer i's weight gradient runs as 2 parts (halves of its units) when ≥ 1 M multiply-adds, else 1.
    func unitParts(_ i: Int, rows: Int) -> Int { shape.fanOut(i) >= 32 && rows * shape.fanIn(i) * shape.fanOut(i) >= 1 << 20 ? 2 : 1 }

    // MARK: forward — Z = A_prev·Wᵀ + b; A = f(Z)

    /// Forward pass over `rows` rows of `input` (rows × widths[0], row-major).
    func forward(_ input: UnsafePointer<Float>, rows: Int) {
        precondition(rows <= capacity)
        guard rows > 0 else { return }
        let parts = rowParts(rows)
        WorkerPool.shared.run(parts: parts) { q in
            forwardRows(input, partBoundary(q, of: parts, extent: rows), partBoundary(q + 1, of: parts, extent: rows))
        }
    }

    /// Forward through every layer for rows lo..<hi only (a row's outputs depend on that row alone).
    private func forwardRows(_ input: UnsafePointer<Float>, _ lo: Int, _ hi: Int) {
        let rows = hi - lo
        guard rows > 0 else { return }
        var x = input + lo * shape.fanIn(0)
        for i in 0..<shape.layerCount {
            let fin = shape.fanIn(i), fout = shape.fanOut(i)
            let w = p + shape.weightOffset[i], zi = z[i] + lo * fout, ai = a[i] + lo * fout
            if rows == 1 {
                // z (out) = W (out×in) · x: a GEMV; sgemm would pack W for one row.
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(fout), Int32(fin), 1, w, Int32(fin), x, 1, 0, zi, 1)
            } else {
                // Z (rows×out) = X (rows×in) · Wᵀ (in×out): W is out×in row-major, so transpose it in the call.
                gemm(transA: false, transB: true, m: rows, n: fout, k: fin, x, lda: fin, w, ldb: fin, zi, ldc: fout)
            }
            if shape.isHidden(i) {
                biasActivate(zi, ai, rows: rows, width: fout, bias: p + shape.biasOffset[i], activation: shape.activation, slope: slope(i))
            } else {
                biasOutput(zi, ai, rows: rows, width: fout, bias: p + shape.biasOffset[i], output: shape.output)
            }
            x = UnsafePointer(ai)
        }
    }

    // MARK: loss — writes ∂L/∂Z of the output layer in place of its Z

    /// Mean loss over the rows (its sum is returned for exact accumulation) and the number classified
    /// correctly; when `gradient`, Z of the output layer is replaced by ∂(mean loss)/∂Z.
    /// The sum is added up per row part, then over the parts in order, exactly as in `trainStep`.
    func loss(labels: UnsafePointer<Int32>, rows: Int, gradient: Bool) -> (sum: Double, correct: Int) {
        let parts = rowParts(rows)
        var sum = 0.0, correct = 0
        for q in 0..<parts {
            let r = lossRows(labels, rows: rows, partBoundary(q, of: parts, extent: rows), partBoundary(q + 1, of: parts, extent: rows), gradient: gradient)
            sum += r.sum
            correct += r.correct
        }
        return (sum, correct)
    }

    private func lossRows(_ labels: UnsafePointer<Int32>, rows: Int, _ lo: Int, _ hi: Int, gradient: Bool) -> (sum: Double, correct: Int) {
        guard hi > lo else { return (0, 0) }
        let n = shape.layerCount - 1, units = shape.outputUnits
        return outputLoss(z: z[n] + lo * units, q: a[n] + lo * units, rows: hi - lo, units: units, labels: labels + lo,
                          output: shape.output, loss: shape.loss, gradientScale: gradient ? 1 / Float(rows) : nil)
    }

    // MARK: backward — ∂W = ∂Zᵀ·A_prev, ∂b = Σ_rows ∂Z, ∂A_prev = ∂Z·W, ∂Z_prev = ∂A_prev ⊙ f′(Z_prev)

    /// Back-propagates ∂L/∂Z of the output layer (left by `loss(…, gradient: true)`) into `grads`.
    /// The first layer's input gradient is never formed.
    func backward(_ input: UnsafePointer<Float>, rows: Int) {
        guard rows > 0 else { grads.update(repeating: 0); return }
        let parts = rowParts(rows)
        WorkerPool.shared.run(parts: parts) { q in
            backwardRows(q, partBoundary(q, of: parts, extent: rows), partBoundary(q + 1, of: parts, extent: rows))
        }
        weightGradients(input, rows: rows, parts: parts)
    }

    /// One minibatch: forward, loss with its gradient, backward, in two parallel regions: the row parts run
    /// gather → forward → loss → input-gradient chain without waiting for each other; then the weight
    /// gradients, which sum over all rows, run split by units. Same bits as forward + loss + backward.
    /// `gather(lo, hi)` fills rows lo..<hi of `input` and `labels` (called once per row part, on its thread).
    /// `update(lossSum)` may return an optimiser step: it is then applied to each part of the
    /// parameters right after that part's gradient, while it is still in cache (weights are not read again
    /// after the row parts); gradients stay in `grads` for the iteration records.
    func trainStep(_ input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                   gather: (_ lo: Int, _ hi: Int) -> Void,
                   update: (_ lossSum: Double) -> OptimizerStep? = { _ in nil }) -> (sum: Double, correct: Int) {
        precondition(rows <= capacity)
        guard rows > 0 else { grads.update(repeating: 0); return (0, 0) }
        let parts = rowParts(rows)
        let out = partialLoss
        WorkerPool.shared.run(parts: parts) { q in
            let lo = partBoundary(q, of: parts, extent: rows), hi = partBoundary(q + 1, of: parts, extent: rows)
            gather(lo, hi)
            forwardRows(input, lo, hi)
            out[q] = lossRows(labels, rows: rows, lo, hi, gradient: true)
            backwardRows(q, lo, hi)
        }
        var sum = 0.0, correct = 0
        for q in 0..<parts { sum += out[q].sum; correct += out[q].correct }
        weightGradients(input, rows: rows, parts: parts, update: update(sum))
        return (sum, correct)
    }

    static let maxParts = 2

    /// ∂A_prev = ∂Z·W and ∂Z_prev = ∂A_prev ⊙ f′(Z_prev) for rows lo..<hi, from the output layer down to layer 1.
    private func backwardRows(_ q: Int, _ lo: Int, _ hi: Int) {
        let rows = hi - lo
        for i in stride(from: shape.layerCount - 1, to: 0, by: -1) {
            slopePartial[q * shape.layerCount + i - 1] = 0
            guard rows > 0 else { continue }
            let fin = shape.fanIn(i), fout = shape.fanOut(i)
            // Each part owns dA rows lo..<hi at the widest layer's stride: the parts do not wait for each other
            // between layers, so a per-layer stride would let one part's layer overlap the other's.
            let w = p + shape.weightOffset[i], dz = z[i] + lo * fout, da = dA + lo * widestHidden
            if rows == 1 {
                // ∂a_prev (in) = Wᵀ (in×out) · ∂z
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(fout), Int32(fin), 1, w, Int32(fin), dz, 1, 0, da, 1)
            } else {
                // ∂A_prev (rows×in) = ∂Z (rows×out) · W (out×in)
                gemm(transA: false, transB: false, m: rows, n: fin, k: fout, dz, lda: fout, w, ldb: fin, da, ldc: fin)
            }
            slopePartial[q * shape.layerCount + i - 1] =
                activationBackward(da, z: z[i - 1] + lo * fin, a: a[i - 1] + lo * fin, rows: rows, width: fin,
                                   activation: shape.activation, slope: slope(i - 1))
        }
    }

    /// ∂W (out×in) = ∂Zᵀ (out×rows) · X (rows×in) and ∂b = Σ_rows ∂Z for every layer, each split into unit
    /// parts; then the PReLU slopes' gradients, summed over the row parts in order.
    private func weightGradients(_ input: UnsafePointer<Float>, rows: Int, parts rowPartCount: Int, update: OptimizerStep? = nil) {
        let layers = shape.layerCount
        let parts = (0..<layers).contains { unitParts($0, rows: rows) > 1 } ? 2 : 1
        WorkerPool.shared.run(parts: parts) { q in
            for i in 0..<layers {
                let split = unitParts(i, rows: rows)
                guard q < split else { continue }
                let fin = shape.fanIn(i), fout = shape.fanOut(i)
                let lo = partBoundary(q, of: split, extent: fout), hi = partBoundary(q + 1, of: split, extent: fout)
                guard hi > lo else { continue }
                let x = i == 0 ? input : UnsafePointer(a[i - 1])
                let dW = g + shape.weightOffset[i] + lo * fin
                if rows == 1 {
                    outerProduct(z[i] + lo, count: hi - lo, x, width: fin, into: dW)
                } else {
                    gemm(transA: true, transB: false, m: hi - lo, n: fin, k: rows, z[i] + lo, lda: fout, x, ldb: fin, dW, ldc: fin)
                }
                columnSums(z[i] + lo, rows: rows, width: hi - lo, stride: fout, into: g + shape.biasOffset[i] + lo)
                if let u = update {
                    let w = shape.weightOffset[i], b = shape.biasOffset[i]
                    u.apply(p, g, (w + lo * fin)..<(w + hi * fin))
                    u.apply(p, g, (b + lo)..<(b + hi))
                }
            }
        }
        for i in 0..<(layers - 1) {
            guard let s = shape.slopeOffset[i] else { continue }
            var total: Float = 0
            for q in 0..<rowPartCount { total += slopePartial[q * layers + i] }
            grads[s] = total
            update?.apply(p, g, s..<(s + 1))
        }
    }
}

// MARK: fused elementwise kernels

/// z += b; a = f(z), row by row. The switch sits outside the loops so each case is a tight loop; ReLU, the
/// workhorse, runs 8 lanes at a time with the scalar form's exact semantics (a = z > 0 ? z : 0).
func biasActivate(_ z: UnsafeMutablePointer<Float>, _ a: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                  bias: UnsafePointer<Float>, activation: Activation, slope: Float) {
    @inline(__always) func apply(_ f: (Float) -> Float) {
        for r in 0..<rows {
            let zr = z + r * width, ar = a + r * width
            for j in 0..<width {
                let v = zr[j] + bias[j]
                zr[j] = v
                ar[j] = f(v)
            }
        }
    }
    switch activation {
    case .relu:
        let zero = SIMD8<Float>(repeating: 0)
        for r in 0..<rows {
            let zr = z + r * width, ar = a + r * width
            var j = 0
            while j + 8 <= width {
                let v = load8(zr + j) + load8(bias + j)
                store8(v, zr + j)
                store8(zero.replacing(with: v, where: v .> zero), ar + j)
                j += 8
            }
            while j < width {
                let v = zr[j] + bias[j]
                zr[j] = v
                ar[j] = v > 0 ? v : 0
                j += 1
            }
        }
    // One loop per activation (the same formulas as activationValue, so the same bits), never a switch per element.
    case .identity: apply { $0 }
    case .leakyRelu(let s): apply { $0 > 0 ? $0 : s * $0 }
    case .prelu: apply { $0 > 0 ? $0 : slope * $0 }
    case .sigmoid: apply { stableSigmoid($0) }
    case .tanh: apply { Float.tanh($0) }
    case .elu(let alpha): apply { activationValue(.elu(alpha: alpha), $0, slope: 0) }
    case .gelu: apply { activationValue(.gelu, $0, slope: 0) }
    case .swish: apply { activationValue(.swish, $0, slope: 0) }
    case .mish: apply { activationValue(.mish, $0, slope: 0) }
    }
}

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
@inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load8(UnsafePointer(p)) }
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// z += b; q = output nonlinearity (σ for one unit, softmax over the row, or identity).
func biasOutput(_ z: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                bias: UnsafePointer<Float>, output: OutputKind) {
    for r in 0..<rows {
        let zr = z + r * width, qr = q + r * width
        for j in 0..<width { zr[j] += bias[j] }
        switch output {
        case .identity: for j in 0..<width { qr[j] = zr[j] }
        case .sigmoid: for j in 0..<width { qr[j] = stableSigmoid(zr[j]) }
        case .softmax: softmax(zr, into: qr, count: width)
        }
    }
}

/// p_j = e^(z_j − max z) / Σ_k e^(z_k − max z): subtracting the max keeps every exponent ≤ 0.
@inline(__always) func softmax<T: EngineFloat>(_ z: UnsafePointer<T>, into p: UnsafeMutablePointer<T>, count: Int) {
    var m = z[0]
    for j in 1..<max(count, 1) { m = max(m, z[j]) }
    var s: T = 0
    for j in 0..<count { let e = T.exp(z[j] - m); p[j] = e; s += e }
    for j in 0..<count { p[j] /= s }
}

/// Turns ∂L/∂A (in dA) into ∂L/∂Z written over z: ∂Z = ∂A ⊙ f′(Z). Returns ∂L/∂slope for PReLU
/// (Σ ∂A·z over z ≤ 0), else 0. Sigmoid, tanh, ELU and GELU take f′ (or part of it) from the forward pass's
/// A = f(Z) instead of recomputing an exponential or erf: σ′ = a(1 − a) and tanh′ = 1 − a² (the same bits as
/// recomputing), ELU′ = a + α below 0, GELU′ = a/z + z·φ(z).
func activationBackward(_ dA: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, rows: Int, width: Int,
                        activation: Activation, slope: Float) -> Float {
    let n = rows * width
    switch activation {
    case .sigmoid: for k in 0..<n { z[k] = dA[k] * (a[k] * (1 - a[k])) }
    case .tanh: for k in 0..<n { z[k] = dA[k] * (1 - a[k] * a[k]) }
    case .elu(let alpha):
        // z ≤ 0: f′ = α·eᶻ = a + α, from A without the exponential
        for k in 0..<n { z[k] = z[k] > 0 ? dA[k] : dA[k] * (a[k] + alpha) }
    case .gelu:
        // f′ = Φ(z) + z·φ(z), with Φ(z) = a/z from A: no erf. Near 0 (where a/z would lose bits to underflow)
        // Φ(z) is ½ to Float precision.
        let invRoot2Pi = Float(1 / (2 * Double.pi).squareRoot())
        for k in 0..<n {
            let v = z[k]
            let cdf = abs(v) > 1e-30 ? a[k] / v : 0.5
            z[k] = dA[k] * (cdf + v * (Float.exp(-v * v / 2) * invRoot2Pi))
        }
    case .swish: for k in 0..<n { z[k] = dA[k] * activationDerivative(.swish, z[k], slope: 0) }
    case .mish: for k in 0..<n { z[k] = dA[k] * activationDerivative(.mish, z[k], slope: 0) }
    case .relu:
        let zero = SIMD8<Float>(repeating: 0)
        var k = 0
        while k + 8 <= n {
            store8(zero.replacing(with: load8(dA + k), where: load8(z + k) .> zero), z + k)
            k += 8
        }
        while k < n { z[k] = z[k] > 0 ? dA[k] : 0; k += 1 }
    case .identity: for k in 0..<n { z[k] = dA[k] }
    case .prelu:
        var ds: Float = 0
        for k in 0..<n {
            let v = z[k]
            if v > 0 { z[k] = dA[k] } else { ds += dA[k] * v; z[k] = slope * dA[k] }
        }
        return ds
    case .leakyRelu(let s): for k in 0..<n { z[k] = z[k] > 0 ? dA[k] : dA[k] * s }
    }
    return 0
}

/// out_j = Σ_r m[r][j] for j < width (rows `stride` apart), accumulated row by row in a fixed order (deterministic).
func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int, stride: Int, into out: UnsafeMutablePointer<Float>) {
    for j in 0..<width { out[j] = 0 }
    for r in 0..<rows {
        let mr = m + r * stride
        var j = 0
        while j + 8 <= width { store8(load8(out + j) + load8(mr + j), out + j); j += 8 }
        while j < width { out[j] += mr[j]; j += 1 }
    }
}

/// ∂W rows for one example: out[o][j] = dz[o]·x[j] (what sgemm with k = 1 computes: one rounding per product).
func outerProduct(_ dz: UnsafePointer<Float>, count: Int, _ x: UnsafePointer<Float>, width: Int, into out: UnsafeMutablePointer<Float>) {
    for o in 0..<count {
        let s = dz[o], row = out + o * width
        let sv = SIMD8<Float>(repeating: s)
        var j = 0
        while j + 8 <= width { store8(sv * load8(x + j), row + j); j += 8 }
        while j < width { row[j] = s * x[j]; j += 1 }
    }
}
