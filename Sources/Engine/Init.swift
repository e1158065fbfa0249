// Weight initialisation: each scheme's distribution, drawn from the run's "init" stream in row-major order.
import Vocabulary

/// Fills the fanOut × fanIn weights of one layer (row-major, index k = row·fanIn + column) through `set`;
/// `count` when the weights are not fanIn × fanOut (a conv kernel: its fans count k·k taps per channel).
/// Every scheme but `orthogonal` draws one value per weight in order (the v1 schemes draw exactly as v1 did).
func drawWeights(_ scheme: InitScheme, fanIn: Int, fanOut: Int, count: Int? = nil, rng: inout SeededRandom, _ set: (Int, Float) -> Void) {
    let n = count ?? fanIn * fanOut
    if scheme == .orthogonal {
        // A conv kernel is the (filters × C·k·k) matrix that torch's orthogonal_ makes orthogonal.
        for (k, v) in orthogonalMatrix(rows: n / max(fanIn, 1), columns: fanIn, rng: &rng).enumerated() { set(k, v) }
        return
    }
    for k in 0..<n {
        set(k, drawWeight(scheme, fanIn: fanIn, fanOut: fanOut, rng: &rng))
    }
}

@inline(__always) private func drawWeight(_ scheme: InitScheme, fanIn: Int, fanOut: Int, rng: inout SeededRandom) -> Float {
    switch scheme {
    case .normal(let std): return Float(rng.nextNormal()) * std
    case .uniform(let limit): return rng.uniform(-limit, limit)
    case .xavier:
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()           // Glorot uniform
        return rng.uniform(-limit, limit)
    case .he: return Float(rng.nextNormal() * (2 / Double(fanIn)).squareRoot())   // Kaiming normal, fan_in
    case .torchDefault:
        // kaiming_uniform(a=√5): gain √(2/(1+5)) = √(1/3), bound = gain·√(3/fan_in) = 1/√fan_in
        let bound = 1 / Float(fanIn).squareRoot()
        return rng.uniform(-bound, bound)
    case .xavierNormal: return Float(rng.nextNormal() * (2 / Double(fanIn + fanOut)).squareRoot())
    case .heUniform:
        let bound = Float((6 / Double(fanIn)).squareRoot())            // kaiming_uniform, relu gain √2
        return rng.uniform(-bound, bound)
    case .lecunNormal: return Float(rng.nextNormal() * (1 / Double(fanIn)).squareRoot())
    case .lecunUniform:
        let bound = Float((3 / Double(fanIn)).squareRoot())            // kaiming_uniform, linear gain 1
        return rng.uniform(-bound, bound)
    case .orthogonal: preconditionFailure("drawn as a whole matrix")
    }
}

/// torch.nn.init.orthogonal_ (gain 1): a standard normal matrix with the longer side as rows, its QR
/// decomposition's Q with the signs fixed so R's diagonal is positive (modified Gram–Schmidt in Double gives
/// that directly), transposed back when the matrix is wide. Rows·columns values, row-major rows × columns.
func orthogonalMatrix(rows: Int, columns: Int, rng: inout SeededRandom) -> [Float] {
    let tall = rows >= columns
    let m = tall ? rows : columns, n = tall ? columns : rows       // m ≥ n: orthonormalise the n columns of m × n
    var a = [Double](repeating: 0, count: m * n)
    for k in a.indices { a[k] = rng.nextNormal() }
    for j in 0..<n {
        for i in 0..<j {
            var dot = 0.0
            for r in 0..<m { dot += a[r * n + i] * a[r * n + j] }
            for r in 0..<m { a[r * n + j] -= dot * a[r * n + i] }
        }
        var norm = 0.0
        for r in 0..<m { norm += a[r * n + j] * a[r * n + j] }
        let inv = norm > 0 ? 1 / norm.squareRoot() : 0
        for r in 0..<m { a[r * n + j] *= inv }
    }
    var w = [Float](repeating: 0, count: rows * columns)
    for r in 0..<m {
        for c in 0..<n {
            if tall { w[r * columns + c] = Float(a[r * n + c]) } else { w[c * columns + r] = Float(a[r * n + c]) }
        }
    }
    return w
}
