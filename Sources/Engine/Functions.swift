// Public scalar functions for `function` reports: the activation zoo and the losses, plotted without training.
import Vocabulary

public enum Functions {
    public static func activation(_ a: Activation, _ x: Double) -> Double {
        activationValue(a, x, slope: Double(initialSlope(a)))
    }

    public static func activationDerivative(_ a: Activation, _ x: Double) -> Double {
        Engine.activationDerivative(a, x, slope: Double(initialSlope(a)))
    }

    /// Loss as a function of the residual r = prediction − target, for one output.
    /// mse: r²; huber(δ): ½r² for |r| < δ, else δ(|r| − ½δ); clipped-mse(t): r² for |r| ≤ t, else t².
    /// bce and cross-entropy, seen as functions of the residual of a probability against a 0/1 target:
    /// −log(1 − |r|) (infinite for |r| ≥ 1).
    public static func loss(_ l: LossKind, residual r: Double) -> Double {
        switch l {
        case .bce, .crossEntropy: return abs(r) < 1 ? -Double.log1p(-abs(r)) : .infinity
        default: return residualLoss(l, r)
        }
    }

    public static func lossDerivative(_ l: LossKind, residual r: Double) -> Double {
        switch l {
        case .bce, .crossEntropy:
            guard abs(r) < 1 else { return r > 0 ? .infinity : -.infinity }
            return (r > 0 ? 1 : (r < 0 ? -1 : 0)) / (1 - abs(r))
        default: return residualLossDerivative(l, r)
        }
    }
}
