// The Float32 fast path: buffers allocated once per run, forward/backward through cblas_sgemm, fused kernels.

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
    private var storage: [UnsafeMutableBufferPointer<Float>] = []

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
        let db = UnsafeMutableBufferPointer<Float>.allocate(capacity: capacity * widest)
        db.initialize(repeating: 0)
        storage.append(db)
        dA = db.baseAddress.unsafelyUnwrapped
    }

    deinit {
        params.deallocate()
        grads.deallocate()
        for s in storage { s.deallocate() }
    }

    var parameterArray: [Float] { Array(params) }
    func setParameters(_ p: [Float]) { _ = params.update(fromContentsOf: p) }

    private var p: UnsafeMutablePointer<Float> { params.baseAddress.unsafelyUnwrapped }
    private var g: UnsafeMutablePointer<Float> { grads.baseAddress.unsafelyUnwrapped }
    func slope(_ i: Int) -> Float { shape.slopeOffset[i].map { params[$0] } ?? 0 }

    // MARK: forward — Z = A_prev·Wᵀ + b; A = f(Z)

    /// Forward pass over `rows` rows of `input` (rows × widths[0], row-major).
    func forward(_ input: UnsafePointer<Float>, rows: Int) {
        precondition(rows <= capacity)
        guard rows > 0 else { return }
        var x = input
        for i in 0..<shape.layerCount {
            let fin = shape.fanIn(i), fout = shape.fanOut(i)
            // Z (rows×out) = X (rows×in) · Wᵀ (in×out): W is out×in row-major, so transpose it in the call.
            gemm(transA: false, transB: true, m: rows, n: fout, k: fin, x, lda: fin, p + shape.weightOffset[i], ldb: fin, z[i], ldc: fout)
            if shape.isHidden(i) {
                biasActivate(z[i], a[i], rows: rows, width: fout, bias: p + shape.biasOffset[i], activation: shape.activation, slope: slope(i))
            } else {
                biasOutput(z[i], a[i], rows: rows, width: fout, bias: p + shape.biasOffset[i], output: shape.output)
            }
            x = UnsafePointer(a[i])
        }
    }

    // MARK: loss — writes ∂L/∂Z of the output layer in place of its Z

    /// Mean loss over the rows (its sum is returned for exact accumulation) and the number classified
    /// correctly; when `gradient`, Z of the output layer is replaced by ∂(mean loss)/∂Z.
    func loss(labels: UnsafePointer<Int32>, rows: Int, gradient: Bool) -> (sum: Double, correct: Int) {
        let n = shape.layerCount - 1
        return outputLoss(z: z[n], q: a[n], rows: rows, units: shape.outputUnits, labels: labels,
                          output: shape.output, loss: shape.loss, gradientScale: gradient ? 1 / Float(rows) : nil)
    }

    // MARK: backward — ∂W = ∂Zᵀ·A_prev, ∂b = Σ_rows ∂Z, ∂A_prev = ∂Z·W, ∂Z_prev = ∂A_prev ⊙ f′(Z_prev)

    /// Back-propagates ∂L/∂Z of the output layer (left by `loss(…, gradient: true)`) into `grads`.
    /// The first layer's input gradient is never formed.
    func backward(_ input: UnsafePointer<Float>, rows: Int) {
        guard rows > 0 else { grads.update(repeating: 0); return }
        for i in stride(from: shape.layerCount - 1, through: 0, by: -1) {
            let fin = shape.fanIn(i), fout = shape.fanOut(i)
            let x = i == 0 ? input : UnsafePointer(a[i - 1])
            // ∂W (out×in) = ∂Zᵀ (out×rows) · X (rows×in)
            gemm(transA: true, transB: false, m: fout, n: fin, k: rows, z[i], lda: fout, x, ldb: fin, g + shape.weightOffset[i], ldc: fin)
            columnSums(z[i], rows: rows, width: fout, into: g + shape.biasOffset[i])
            guard i > 0 else { break }
            // ∂A_prev (rows×in) = ∂Z (rows×out) · W (out×in)
            gemm(transA: false, transB: false, m: rows, n: fin, k: fout, z[i], lda: fout, p + shape.weightOffset[i], ldb: fin, dA, ldc: fin)
            let slopeGrad = activationBackward(dA, z: z[i - 1], rows: rows, width: fin,
                                               activation: shape.activation, slope: slope(i - 1))
            if let s = shape.slopeOffset[i - 1] { grads[s] = slopeGrad }
        }
    }
}

// MARK: fused elementwise kernels

/// z += b; a = f(z), row by row. Returns nothing; the switch sits outside the loops so each case is a tight loop.
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
    case .relu: apply { $0 > 0 ? $0 : 0 }
    case .identity: apply { $0 }
    case .leakyRelu(let s): apply { $0 > 0 ? $0 : s * $0 }
    case .prelu: apply { $0 > 0 ? $0 : slope * $0 }
    default: apply { activationValue(activation, $0, slope: slope) }
    }
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
/// (Σ ∂A·z over z ≤ 0), else 0.
func activationBackward(_ dA: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                        activation: Activation, slope: Float) -> Float {
    let n = rows * width
    switch activation {
    case .relu: for k in 0..<n { z[k] = z[k] > 0 ? dA[k] : 0 }
    case .identity: for k in 0..<n { z[k] = dA[k] }
    case .prelu:
        var ds: Float = 0
        for k in 0..<n {
            let v = z[k]
            if v > 0 { z[k] = dA[k] } else { ds += dA[k] * v; z[k] = slope * dA[k] }
        }
        return ds
    default: for k in 0..<n { z[k] = dA[k] * activationDerivative(activation, z[k], slope: slope) }
    }
    return 0
}

/// out_j = Σ_r m[r][j], accumulated row by row in a fixed order (deterministic).
func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
    for j in 0..<width { out[j] = 0 }
    for r in 0..<rows {
        let mr = m + r * width
        for j in 0..<width { out[j] += mr[j] }
    }
}
