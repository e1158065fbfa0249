// Weight initialisation: each scheme's distribution, drawn from the run's "init" stream in row-major order.

/// Fills the fanOut × fanIn weights of one layer (row-major, index k = row·fanIn + column) through `set`;
/// `count` when the weights are not fanIn × fanOut (a conv kernel: fans count k·k taps per channel).
func drawWeights(_ scheme: InitScheme, fanIn: Int, fanOut: Int, count: Int? = nil, rng: inout SeededRandom, _ set: (Int, Float) -> Void) {
    for k in 0..<(count ?? fanIn * fanOut) {
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
    }
}
