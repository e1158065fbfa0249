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
    /// 1/√(σ² + ε) per channel of the last forward.
    let invStd: UnsafeMutablePointer<Float>

    init(_ plan: PlannedLayer, momentum: Float, eps: Float, capacity: Int, allocate: (Int) -> UnsafeMutablePointer<Float>) {
        self.plan = plan
        self.momentum = momentum
        self.eps = eps
        (channels, plane) = plan.input.channelsAndPlane
        out = allocate(capacity * plan.fanOut)
        xhat = allocate(capacity * plan.fanOut)
        invStd = allocate(channels)
    }

    /// Channel parts: 2 when the layer is large enough to pay for a hand-over.
    func parts(rows: Int) -> Int { channels >= 32 && rows * plan.fanOut >= 1 << 15 ? 2 : 1 }

    func forward(_ ws: Workspace, _ x: UnsafePointer<Float>, _ s: Span, training: Bool) {
        let width = plan.fanOut, rows = s.rows
        let gamma = ws.p + plan.parameters.lowerBound, beta = gamma + channels
        let runMean = ws.s + plan.state.lowerBound, runVar = runMean + channels
        let m = Double(rows * plane)
        for c in partBoundary(s.part, of: s.parts, extent: channels)..<partBoundary(s.part + 1, of: s.parts, extent: channels) {
            var mean: Float, inv: Float
            if training {
                var sum = 0.0
                for r in 0..<rows { for k in 0..<plane { sum += Double(x[r * width + c * plane + k]) } }
                let mu = sum / m
                var sq = 0.0
                for r in 0..<rows {
                    for k in 0..<plane { let d = Double(x[r * width + c * plane + k]) - mu; sq += d * d }
                }
                let variance = sq / m
                mean = Float(mu)
                inv = Float(1 / (variance + Double(eps)).squareRoot())
                runMean[c] = (1 - momentum) * runMean[c] + momentum * Float(mu)
                runVar[c] = (1 - momentum) * runVar[c] + momentum * Float(variance * m / max(m - 1, 1))
            } else {
                mean = runMean[c]
                inv = Float(1 / (Double(runVar[c]) + Double(eps)).squareRoot())
            }
            invStd[c] = inv
            let g = gamma[c], b = beta[c]
            for r in 0..<rows {
                for k in 0..<plane {
                    let i = r * width + c * plane + k
                    let h = (x[i] - mean) * inv
                    xhat[i] = h
                    out[i] = g * h + b
                }
            }
        }
    }

    func backward(_ ws: Workspace, _ x: UnsafePointer<Float>, dOut: GradientRows, dIn: GradientRows?, _ s: Span, training: Bool) {
        let width = plan.fanOut, rows = s.rows
        let gamma = ws.p + plan.parameters.lowerBound
        let dGamma = ws.g + plan.parameters.lowerBound, dBeta = dGamma + channels
        let m = Double(rows * plane)
        for c in partBoundary(s.part, of: s.parts, extent: channels)..<partBoundary(s.part + 1, of: s.parts, extent: channels) {
            var sdy = 0.0, sdyx = 0.0
            for r in 0..<rows {
                let dy = dOut.row(r, s)
                for k in 0..<plane {
                    let d = Double(dy[c * plane + k])
                    sdy += d
                    sdyx += d * Double(xhat[r * width + c * plane + k])
                }
            }
            dGamma[c] = Float(sdyx)
            dBeta[c] = Float(sdy)
            guard let dIn else { continue }
            let scale = gamma[c] * invStd[c]
            for r in 0..<rows {
                let dy = dOut.row(r, s), dx = dIn.row(r, s)
                for k in 0..<plane {
                    let j = c * plane + k
                    if training {
                        let h = Double(xhat[r * width + j])
                        dx[j] = Float(Double(scale) / m * (m * Double(dy[j]) - sdy - h * sdyx))
                    } else {
                        dx[j] = scale * dy[j]
                    }
                }
            }
        }
    }
}
