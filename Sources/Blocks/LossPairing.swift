// What validation says when a loss does not fit an output or target; the rule itself is Vocabulary's LossOutputMismatch.
import LabbookCore
import Vocabulary

/// The rules, as a PyTorch user expects them:
///  - `bce` is `BCEWithLogitsLoss`: one sigmoid unit, two classes;
///  - `cross-entropy` is `CrossEntropyLoss`: softmax over one unit per class;
///  - `mse`, `huber`, `clipped-mse` compare outputs with targets: on a regression target (a CSV label read as a
///    number) the output must be `identity` (torch: a plain `nn.Linear` last); on classes they regress the
///    one-hot target through `identity` or a sigmoid unit, but not through softmax (a softmax under a squared
///    error saturates: use cross-entropy).
enum LossPairing {
    static func problem(loss: LossKind, output: OutputKind, regression: Bool) -> (message: String, hint: String)? {
        switch LossOutputMismatch.of(loss, output, regression: regression) {
        case nil:
            return nil
        case .regressionWithClassLoss:
            return ("loss '\(loss.name)' needs classes, but the label column is read as a number",
                    "a regression target takes 'loss: mse' or 'loss: huber'")
        case .regressionWithoutIdentity:
            return ("a regression target needs 'output: identity', not '\(output.rawValue)'",
                    output == .sigmoid ? "a sigmoid squashes every prediction into (0, 1); torch regresses with a plain nn.Linear last layer"
                        : "a softmax makes the outputs sum to 1; torch regresses with a plain nn.Linear last layer")
        case .bceWithoutSigmoid where output == .softmax:
            return ("loss 'bce' does not fit output 'softmax'", "use 'loss: cross-entropy' with a softmax output, or 'output: sigmoid' for two classes")
        case .crossEntropyWithoutSoftmax where output == .sigmoid:
            return ("loss 'cross-entropy' does not fit output 'sigmoid'", "use 'loss: bce' with a sigmoid output, or 'output: softmax'")
        case .bceWithoutSigmoid, .crossEntropyWithoutSoftmax:
            return ("loss '\(loss.name)' does not fit output 'identity'",
                    "use 'output: sigmoid' with bce, 'output: softmax' with cross-entropy, or a regression loss such as mse")
        case .residualThroughSoftmax:
            return ("loss '\(loss.name)' does not fit output 'softmax'",
                    "for classes use 'loss: cross-entropy' (torch's CrossEntropyLoss); to regress one-hot targets write 'output: identity'")
        }
    }

    /// The loss a block names (its own or inherited), read without validating it: it decides how a CSV label
    /// column is read and which output is the default. nil when there is none or it is not a name.
    static func lossName(_ t: YAMLTree?) -> String? {
        guard let t else { return nil }
        return t.scalar ?? t["name"]?.scalar
    }

    static func isResidualName(_ name: String?) -> Bool {
        guard let name, let loss = LossKind(name: name) else { return false }
        return loss.isResidual
    }
}
