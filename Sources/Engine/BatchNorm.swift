// Batch normalisation (nn.BatchNorm1d/2d, affine): batch statistics in training, running statistics in evaluation.

/// Per channel c over the M = rows·plane values of the batch:
///   training:   μ = Σx/M, σ² = Σ(x − μ)²/M (biased), x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β;
///               running μ ← (1 − m)·μ_run + m·μ, running σ² ← (1 − m)·σ²_run + m·σ²·M/(M − 1) (unbiased, as torch)
///   evaluation: x̂ = (x − μ_run)/√(σ²_run + ε).
/// Backward (training): ∂x = γ/(M·√(σ² + ε))·(M·∂y − Σ∂y − x̂·Σ∂y·x̂); evaluation: ∂x = γ·∂y/√(σ²_run + ε).
/// ∂γ = Σ∂y·x̂, ∂β = Σ∂y. Sums run in Double, rows in order (torch's CPU kernel accumulates in double too).
/// It mixes rows, so it runs as its own parallel region split by channels.
final class BatchNormLayer: FastLayer {
    let plan: PlannedLayer
    let momentum: Float, eps: Float
    let channels: Int, plane: Int
    let out: UnsafeMutablePointer<Float>
    let xhat: UnsafeMutablePointer<Float>
    /// μ and 1/√(σ² + ε) per channel of the last forward.
    let mean: UnsafeMutablePointer<Float>
    let invStd: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, momentum: Float, eps: Float, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        self.momentum = momentum
        self.eps = eps
        (channels, plane) = plan.input.channelsAndPlane
        out = allocate(capacity * plan.fanOut)
        xhat = allocate(capacity * plan.fanOut)
        mean = allocate(channels)
        invStd = allocate(channels)
    }

    /// BatchNorm1d's loops across a row's contiguous channels (plane 1); off, the general per-channel loops run,
    /// which give the same bits (a test compares the two).
    var contiguousLoops = true

    /// Channel parts: 2 when the layer is large enough to pay for a hand-over.
    func parts(rows: Int) -> Int { channels >= 32 && rows * plan.fanOut >= 1 << 15 ? 2 : 1 }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let width = plan.fanOut, rows = s.rows
        let gamma = ws.p + plan.parameters.lowerBound, beta = gamma + channels
        let runMean = ws.s + plan.state.lowerBound, runVar = runMean + channels
        let c0 = partBoundary(s.part, of: s.parts, extent: channels), c1 = partBoundary(s.part + 1, of: s.parts, extent: channels)
        guard c1 > c0 else { return }
        let n = c1 - c0, m = Double(rows * plane), contiguous = plane == 1 && contiguousLoops
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * n) { buffer in
            let sum = buffer.baseAddress.unsafelyUnwrapped, sq = sum + n, mu = sq + n
            for c in 0..<n { sum[c] = 0; sq[c] = 0 }
            // Row-major passes over this part's channels (each channel's values summed in row order).
            if training && contiguous {
                // BatchNorm1d: a row's channels are contiguous, so each pass is one loop across them, which the
                // compiler vectorises; each channel still has its own Double sum in row order (the same bits).
                for r in 0..<rows {
                    let xr = x + r * width + c0
                    for c in 0..<n { sum[c] += Double(xr[c]) }
                }
                for c in 0..<n { mu[c] = sum[c] / m }
                for r in 0..<rows {
                    let xr = x + r * width + c0
                    for c in 0..<n { let d = Double(xr[c]) - mu[c]; sq[c] += d * d }
                }
            } else if training {
                for r in 0..<rows {
                    let xr = x + r * width
                    for c in c0..<c1 { for k in 0..<plane { sum[c - c0] += Double(xr[c * plane + k]) } }
                }
                for c in 0..<n { mu[c] = sum[c] / m }
                for r in 0..<rows {
                    let xr = x + r * width
                    for c in c0..<c1 {
                        let mean = mu[c - c0]
                        for k in 0..<plane { let d = Double(xr[c * plane + k]) - mean; sq[c - c0] += d * d }
                    }
                }
            }
            for c in c0..<c1 {
                if training {
                    let mean = mu[c - c0], variance = sq[c - c0] / m
                    self.mean[c] = Float(mean)
                    invStd[c] = Float(1 / (variance + Double(eps)).squareRoot())
                    runMean[c] = (1 - momentum) * runMean[c] + momentum * Float(mean)
                    runVar[c] = (1 - momentum) * runVar[c] + momentum * Float(variance * m / max(m - 1, 1))
                } else {
                    self.mean[c] = runMean[c]
                    invStd[c] = Float(1 / (Double(runVar[c]) + Double(eps)).squareRoot())
                }
            }
        }
        if contiguous {
            let mu = mean + c0, inv = invStd + c0, g = gamma + c0, b = beta + c0
            for r in 0..<rows {
                let xr = x + r * width + c0, hr = xhat + r * width + c0, yr = out + r * width + c0
                for c in 0..<n {
                    let h = (xr[c] - mu[c]) * inv[c]
                    hr[c] = h
                    yr[c] = g[c] * h + b[c]
                }
            }
            return
        }
        for r in 0..<rows {
            let xr = x + r * width, hr = xhat + r * width, yr = out + r * width
            for c in c0..<c1 {
                let mu = mean[c], inv = invStd[c], g = gamma[c], b = beta[c]
                for k in 0..<plane {
                    let i = c * plane + k
                    let h = (xr[i] - mu) * inv
                    hr[i] = h
                    yr[i] = g * h + b
                }
            }
        }
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        let width = plan.fanOut, rows = s.rows
        let gamma = ws.p + plan.parameters.lowerBound
        let dGamma = ws.g + plan.parameters.lowerBound, dBeta = dGamma + channels
        let c0 = partBoundary(s.part, of: s.parts, extent: channels), c1 = partBoundary(s.part + 1, of: s.parts, extent: channels)
        guard c1 > c0 else { return }
        let n = c1 - c0, m = Double(rows * plane), contiguous = plane == 1 && contiguousLoops
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { buffer in
            let sdy = buffer.baseAddress.unsafelyUnwrapped, sdyx = sdy + n
            for c in 0..<n { sdy[c] = 0; sdyx[c] = 0 }
            for r in 0..<rows {
                let dy = dOut.row(r, s), hr = xhat + r * width
                if contiguous {
                    // contiguous channels: one vectorisable loop, the same per-channel Double sums
                    let d0 = dy + c0, h0 = hr + c0
                    for c in 0..<n { let d = Double(d0[c]); sdy[c] += d; sdyx[c] += d * Double(h0[c]) }
                    continue
                }
                for c in c0..<c1 {
                    for k in 0..<plane {
                        let i = c * plane + k, d = Double(dy[i])
                        sdy[c - c0] += d
                        sdyx[c - c0] += d * Double(hr[i])
                    }
                }
            }
            for c in c0..<c1 {
                dGamma[c] = Float(sdyx[c - c0])
                dBeta[c] = Float(sdy[c - c0])
            }
            guard let dIn else { return }
            // ∂x = γ/(M·σ)·(M·∂y − Σ∂y − x̂·Σ∂y·x̂), as Float: a·∂y − (b + x̂·d) with per-channel a, b, d
            // (evaluation: ∂x = a·∂y with a = γ/√(σ²_run + ε)).
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * n) { coefficients in
                let a = coefficients.baseAddress.unsafelyUnwrapped, b = a + n, d = b + n
                for c in 0..<n {
                    let scale = gamma[c0 + c] * invStd[c0 + c]
                    a[c] = Float(Double(scale))
                    b[c] = Float(Double(scale) / m * sdy[c])
                    d[c] = Float(Double(scale) / m * sdyx[c])
                }
                for r in 0..<rows {
                    let dy = dOut.row(r, s), dx = dIn.row(r, s), hr = xhat + r * width
                    if contiguous {
                        let dy0 = dy + c0, dx0 = dx + c0, h0 = hr + c0
                        if training {
                            for c in 0..<n { dx0[c] = a[c] * dy0[c] - (b[c] + h0[c] * d[c]) }
                        } else {
                            for c in 0..<n { dx0[c] = a[c] * dy0[c] }
                        }
                        continue
                    }
                    for c in c0..<c1 {
                        let ac = a[c - c0], bc = b[c - c0], dc = d[c - c0]
                        if training {
                            for k in 0..<plane { let i = c * plane + k; dx[i] = ac * dy[i] - (bc + hr[i] * dc) }
                        } else {
                            for k in 0..<plane { let i = c * plane + k; dx[i] = ac * dy[i] }
                        }
                    }
                }
            }
        }
    }
}
