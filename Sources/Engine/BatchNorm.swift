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

    /// Channel parts: 2 when the layer is large enough to pay for a hand-over.
    func parts(rows: Int) -> Int { channels >= 32 && rows * plan.fanOut >= 1 << 15 ? 2 : 1 }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let width = plan.fanOut, rows = s.rows
        let gamma = ws.p + plan.parameters.lowerBound, beta = gamma + channels
        let runMean = ws.s + plan.state.lowerBound, runVar = runMean + channels
        let c0 = partBoundary(s.part, of: s.parts, extent: channels), c1 = partBoundary(s.part + 1, of: s.parts, extent: channels)
        guard c1 > c0 else { return }
        let m = Double(rows * plane)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * (c1 - c0)) { buffer in
            let sum = buffer.baseAddress.unsafelyUnwrapped, sq = sum + (c1 - c0)
            for c in 0..<(c1 - c0) { sum[c] = 0; sq[c] = 0 }
            // Row-major passes over this part's channels (each channel's values summed in row order).
            if training {
                for r in 0..<rows {
                    let xr = x + r * width
                    for c in c0..<c1 { for k in 0..<plane { sum[c - c0] += Double(xr[c * plane + k]) } }
                }
                for r in 0..<rows {
                    let xr = x + r * width
                    for c in c0..<c1 {
                        let mu = sum[c - c0] / m
                        for k in 0..<plane { let d = Double(xr[c * plane + k]) - mu; sq[c - c0] += d * d }
                    }
                }
            }
            for c in c0..<c1 {
                if training {
                    let mu = sum[c - c0] / m, variance = sq[c - c0] / m
                    mean[c] = Float(mu)
                    invStd[c] = Float(1 / (variance + Double(eps)).squareRoot())
                    runMean[c] = (1 - momentum) * runMean[c] + momentum * Float(mu)
                    runVar[c] = (1 - momentum) * runVar[c] + momentum * Float(variance * m / max(m - 1, 1))
                } else {
                    mean[c] = runMean[c]
                    invStd[c] = Float(1 / (Double(runVar[c]) + Double(eps)).squareRoot())
                }
            }
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
        let m = Double(rows * plane)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * (c1 - c0)) { buffer in
            let sdy = buffer.baseAddress.unsafelyUnwrapped, sdyx = sdy + (c1 - c0)
            for c in 0..<(c1 - c0) { sdy[c] = 0; sdyx[c] = 0 }
            for r in 0..<rows {
                let dy = dOut.row(r, s), hr = xhat + r * width
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
            for r in 0..<rows {
                let dy = dOut.row(r, s), dx = dIn.row(r, s), hr = xhat + r * width
                for c in c0..<c1 {
                    let scale = gamma[c] * invStd[c]
                    if training {
                        // ∂x = γ/(M·σ)·(M·∂y − Σ∂y − x̂·Σ∂y·x̂), as Float: a·∂y − (b + x̂·d) with per-channel a, b, d
                        let a = Float(Double(scale)), b = Float(Double(scale) / m * sdy[c - c0]), d = Float(Double(scale) / m * sdyx[c - c0])
                        for k in 0..<plane { let i = c * plane + k; dx[i] = a * dy[i] - (b + hr[i] * d) }
                    } else {
                        for k in 0..<plane { let i = c * plane + k; dx[i] = scale * dy[i] }
                    }
                }
            }
        }
    }
}
