// The recurrent probe: back-propagation through time in a small RNN, to show vanishing and exploding gradients.
import Outcomes
import Vocabulary

public enum RecurrentProbe {
    /// h_t = f(W·h_{t−1} + U·x_t), h_{−1} = 0, t = 0 … steps−1; loss L = Σ_k h_{steps−1}[k].
    /// W = weightScale·Q with Q a random orthogonal matrix (Gram–Schmidt on a Gaussian matrix), so every
    /// singular value of W is exactly weightScale. U ~ N(0, 1/hidden), x_t ~ N(0, s²) with s chosen so the
    /// state of the largest scale stays ≲ 0.01: f stays near-linear (for tanh), and ‖∂L/∂h_t‖ ≈
    /// √hidden·scale^(steps−1−t): scales < 1 vanish towards early steps, scales > 1 explode.
    /// The same Q, U and inputs serve every scale. Computed in Float64.
    public static func run(_ config: RecurrentProbeConfig, seed: UInt64) -> RecurrentProbeResult {
        let n = max(config.hidden, 1), steps = max(config.steps, 1)
        var rw = SeededRandom(seed: seed).fork("recurrent-weights")
        let q = randomOrthogonal(n, rng: &rw)
        var u = [Double](repeating: 0, count: n * n)
        for k in 0..<(n * n) { u[k] = rw.nextNormal() / Double(n).squareRoot() }
        let largest = Double(config.weightScales.map { abs($0) }.max() ?? 1)
        var inputScale = 0.01
        for _ in 0..<steps where largest > 1 { inputScale /= largest }
        inputScale = max(inputScale, 1e-290)
        var rx = SeededRandom(seed: seed).fork("recurrent-inputs")
        let x = (0..<(steps * n)).map { _ in rx.nextNormal() * inputScale }

        var series: [RecurrentProbeResult.Series] = []
        for scale in config.weightScales {
            let w = q.map { $0 * Double(scale) }
            // forward: keep the pre-activations a_t
            var pre = [Double](repeating: 0, count: steps * n)
            var h = [Double](repeating: 0, count: n)
            for t in 0..<steps {
                var next = [Double](repeating: 0, count: n)
                for r in 0..<n {
                    var s = 0.0
                    for c in 0..<n { s += w[r * n + c] * h[c] + u[r * n + c] * x[t * n + c] }
                    pre[t * n + r] = s
                    next[r] = activationValue(config.activation, s, slope: Double(initialSlope(config.activation)))
                }
                h = next
            }
            // backward: ∂L/∂h_{steps−1} = 1; ∂L/∂h_{t−1} = Wᵀ·(f′(a_t) ⊙ ∂L/∂h_t)
            var dh = [Double](repeating: 1, count: n)
            var norms = [Double](repeating: 0, count: steps)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                norms[t] = dh.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let da = (0..<n).map { dh[$0] * activationDerivative(config.activation, pre[t * n + $0], slope: Double(initialSlope(config.activation))) }
                var prev = [Double](repeating: 0, count: n)
                for r in 0..<n { for c in 0..<n { prev[c] += w[r * n + c] * da[r] } }
                dh = prev
            }
            series.append(.init(weightScale: Double(scale), gradientNorms: norms))
        }
        return RecurrentProbeResult(series: series)
    }

    /// Rows of a Gaussian matrix orthonormalised by modified Gram–Schmidt (n × n, row-major).
    static func randomOrthogonal(_ n: Int, rng: inout SeededRandom) -> [Double] {
        var m = (0..<(n * n)).map { _ in rng.nextNormal() }
        for r in 0..<n {
            for p in 0..<r {
                var dot = 0.0
                for c in 0..<n { dot += m[r * n + c] * m[p * n + c] }
                for c in 0..<n { m[r * n + c] -= dot * m[p * n + c] }
            }
            var norm = 0.0
            for c in 0..<n { norm += m[r * n + c] * m[r * n + c] }
            norm = norm.squareRoot()
            for c in 0..<n { m[r * n + c] /= norm }
        }
        return m
    }
}
