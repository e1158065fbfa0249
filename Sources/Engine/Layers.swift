// The fast path's layers, forward and backward side by side: dense (with its fused activation), activation, dropout.

import COpenBLAS
import Vocabulary

/// Which rows (and, for a layer that mixes rows, which of its channels) one call works on.
/// Row-local layers get rows lo..<hi of row part `part`; a layer that mixes rows gets all `rows` rows and
/// channel part `part` of `parts`.
struct Span {
    let lo: Int, hi: Int
    let part: Int, parts: Int
    /// The minibatch's row count and its row-part count (the gradient scratch's layout).
    let rows: Int, rowParts: Int
    var count: Int { hi - lo }
}

/// ∂L/∂(activations) of one layer in the gradient scratch. Row part q owns the rows from lo_q·stride on, at the
/// layer's own width: parts do not wait for each other between layers, so a per-layer stride for the whole
/// batch would let one part's layer overlap the other's. `row(r)` finds row r for layers that read all rows.
struct GradientRows {
    let base: UnsafeMutablePointer<Float>
    let stride: Int
    let width: Int
    func part(from lo: Int) -> UnsafeMutablePointer<Float> { base + lo * stride }
    func row(_ r: Int, _ span: Span) -> UnsafeMutablePointer<Float> {
        var q = 0
        while q + 1 < span.rowParts && r >= partBoundary(q + 1, of: span.rowParts, extent: span.rows) { q += 1 }
        let lo = partBoundary(q, of: span.rowParts, extent: span.rows)
        return base + lo * stride + (r - lo) * width
    }
}

/// One layer of the fast path. `out` holds its output for the workspace's rows (row r at out + r·width).
/// A new layer kind (convolution, pooling) implements these four and declares `mixesRows` when a row's
/// result needs the other rows.
protocol FastLayer: AnyObject {
    var plan: PlannedLayer { get }
    var out: UnsafeMutablePointer<Float> { get }
    /// x: the layer's input for all rows (row r at x + r·fanIn).
    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool)
    /// ∂L/∂input from ∂L/∂output; dIn is nil for the first layer (the input's gradient is never needed).
    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool)
}

/// Y = X·Wᵀ + b through cblas_sgemm, with the next activation (or the output nonlinearity) in the same pass.
/// Z (pre-activations) is kept for the backward pass, which overwrites it with ∂L/∂Z.
final class DenseLayer: FastLayer {
    let plan: PlannedLayer
    let index: Int
    let z: UnsafeMutablePointer<Float>
    let out: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, index: Int, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        self.index = index
        z = allocate(capacity * plan.fanOut)
        out = allocate(capacity * plan.fanOut)
    }

    func forward(_ ws: Workspace, _ input: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let rows = s.count, fin = plan.fanIn, fout = plan.fanOut
        let x = input + s.lo * fin
        let w = ws.p + plan.weightOffset, zi = z + s.lo * fout, ai = out + s.lo * fout
        if rows == 1 {
            // z (out) = W (out×in) · x: a GEMV; sgemm would pack W for one row.
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(fout), Int32(fin), 1, w, Int32(fin), x, 1, 0, zi, 1)
        } else {
            // Z (rows×out) = X (rows×in) · Wᵀ (in×out): W is out×in row-major, so transpose it in the call.
            gemm(transA: false, transB: true, m: rows, n: fout, k: fin, x, lda: fin, w, ldb: fin, zi, ldc: fout)
        }
        switch plan.kind {
        case .dense(.activation(let a)):
            biasActivate(zi, ai, rows: rows, width: fout, bias: ws.p + plan.biasOffset, activation: a, slope: ws.slope(plan))
        case .dense(.output(let o)):
            biasOutput(zi, ai, rows: rows, width: fout, bias: ws.p + plan.biasOffset, output: o)
        default: preconditionFailure("not a dense layer")
        }
    }

    /// ∂Z = ∂A ⊙ f′(Z) over Z (the output layer's ∂Z is already there, from the loss), then ∂X = ∂Z·W.
    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        ws.slopePartial[s.part * ws.layers.count + index] = 0
        let rows = s.count
        guard rows > 0 else { return }
        let fin = plan.fanIn, fout = plan.fanOut
        let dz = z + s.lo * fout
        if case .dense(.activation(let a)) = plan.kind {
            ws.slopePartial[s.part * ws.layers.count + index] =
                activationBackward(dOut.part(from: s.lo), z: dz, a: out + s.lo * fout, rows: rows, width: fout,
                                   activation: a, slope: ws.slope(plan), into: dz)
        }
        guard let dIn else { return }
        let w = ws.p + plan.weightOffset, da = dIn.part(from: s.lo)
        if rows == 1 {
            // ∂x (in) = Wᵀ (in×out) · ∂z
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(fout), Int32(fin), 1, w, Int32(fin), dz, 1, 0, da, 1)
        } else {
            // ∂X (rows×in) = ∂Z (rows×out) · W (out×in)
            gemm(transA: false, transB: false, m: rows, n: fin, k: fout, dz, lda: fout, w, ldb: fin, da, ldc: fin)
        }
    }

    /// Batch 1 under plain SGD, on a step whose gradient nobody reads: units lo..<hi of W updated by ∂z·xᵀ row by
    /// row without storing ∂W, and ∂b = ∂z (the caller applies the biases). The same parameter bits as
    /// `weightGradients` followed by the update.
    func weightGradientsSGD(_ ws: Workspace, _ x: UnsafePointer<Float>, units lo: Int, _ hi: Int, lr: Float) {
        let fin = plan.fanIn
        outerProductSGD(z + lo, count: hi - lo, x, width: fin, parameters: ws.p + plan.weightOffset + lo * fin, lr: lr)
        columnSums(z + lo, rows: 1, width: hi - lo, stride: plan.fanOut, into: ws.g + plan.biasOffset + lo)
    }

    /// Units lo..<hi of ∂W (out×in) = ∂Zᵀ (out×rows) · X (rows×in) and ∂b = Σ_rows ∂Z, over all rows.
    func weightGradients(_ ws: Workspace, _ x: UnsafePointer<Float>, rows: Int, units lo: Int, _ hi: Int) {
        let fin = plan.fanIn, fout = plan.fanOut
        let dW = ws.g + plan.weightOffset + lo * fin
        if rows == 1 {
            outerProduct(z + lo, count: hi - lo, x, width: fin, into: dW)
        } else {
            gemm(transA: true, transB: false, m: hi - lo, n: fin, k: rows, z + lo, lda: fout, x, ldb: fin, dW, ldc: fin)
        }
        columnSums(z + lo, rows: rows, width: hi - lo, stride: fout, into: ws.g + plan.biasOffset + lo)
    }
}

/// An activation on its own (after batch-norm or dropout): a = f(x), ∂x = ∂a ⊙ f′(x).
final class ActivationLayer: FastLayer {
    let plan: PlannedLayer
    let index: Int
    let activation: Activation
    let out: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, index: Int, activation: Activation, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        self.index = index
        self.activation = activation
        out = allocate(capacity * plan.fanOut)
    }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let w = plan.fanOut
        activate(x + s.lo * w, into: out + s.lo * w, count: s.count * w, activation: activation, slope: ws.slope(plan))
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        ws.slopePartial[s.part * ws.layers.count + index] = 0
        guard let dIn, s.count > 0 else { return }
        let w = plan.fanOut
        ws.slopePartial[s.part * ws.layers.count + index] =
            activationBackward(dOut.part(from: s.lo), z: x + s.lo * w, a: out + s.lo * w, rows: s.count, width: w,
                               activation: activation, slope: ws.slope(plan), into: dIn.part(from: s.lo))
    }
}

/// Inverted dropout (nn.Dropout): in training y = x·m/(1 − p), m ~ Bernoulli(1 − p) drawn per value from a
/// counter-based hash of (seed, layer, step, row, unit), so the mask does not depend on the row partition; in
/// evaluation y = x.
final class DropoutLayer: FastLayer {
    let plan: PlannedLayer
    let rate: Float
    let out: UnsafeMutablePointer<Float>
    /// m/(1 − p) of the last training forward.
    let scale: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, rate: Float, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        self.rate = rate
        out = allocate(capacity * plan.fanOut)
        scale = allocate(capacity * plan.fanOut)
    }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let w = plan.fanOut, lo = s.lo * w, hi = s.hi * w
        guard training, rate > 0 else {
            for k in lo..<hi { out[k] = x[k] }
            return
        }
        let key = dropoutKey(ws.dropoutSeed, layer: plan.number, step: ws.trainingSteps)
        let keep = 1 / (1 - rate)
        for k in lo..<hi {
            let m: Float = dropoutKeeps(key, index: k, rate: rate) ? keep : 0
            scale[k] = m
            out[k] = x[k] * m
        }
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        guard let dIn, s.count > 0 else { return }
        let n = s.count * plan.fanOut, d = dOut.part(from: s.lo), e = dIn.part(from: s.lo)
        guard training, rate > 0 else {
            for k in 0..<n { e[k] = d[k] }
            return
        }
        let m = scale + s.lo * plan.fanOut
        for k in 0..<n { e[k] = d[k] * m[k] }
    }
}

/// The key of one layer's masks at one training step (SplitMix64's finaliser over the three).
@inline(__always) func dropoutKey(_ seed: UInt64, layer: Int, step: UInt64) -> UInt64 {
    mix64(seed ^ mix64(UInt64(layer) &* 0x9e37_79b9_7f4a_7c15 ^ mix64(step &+ 0x632b_e59b_d9b4_e019)))
}

/// Value `index` (row·width + unit) is kept when its 24-bit uniform is ≥ rate: probability 1 − rate.
@inline(__always) func dropoutKeeps(_ key: UInt64, index: Int, rate: Float) -> Bool {
    let u = Float(mix64(key &+ UInt64(index) &* 0x9e37_79b9_7f4a_7c15) >> 40) * 0x1.0p-24
    return u >= rate
}

@inline(__always) func mix64(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
}
