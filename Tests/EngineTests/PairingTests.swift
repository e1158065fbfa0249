// The loss/output pairing is one rule (Vocabulary's LossOutputMismatch): the engine refuses exactly the pairs the
// block reader reports, so a job built through the API cannot train what a block may not ask for.
import Testing
import Vocabulary
@testable import Engine

@Suite struct PairingTests {
    @Test func theEngineRefusesExactlyTheMismatchedPairs() {
        let losses: [LossKind] = [.bce, .crossEntropy, .mse]
        for loss in losses {
            for output in OutputKind.allCases {
                let model = ModelConfig(hidden: [4], activation: .relu, initScheme: .torchDefault, output: output)
                let refused = (try? NetworkShape(model: model, loss: loss, inputWidth: 3, classes: 2)) == nil
                #expect(refused == (LossOutputMismatch.of(loss, output)?.isImpossible ?? false), "\(loss) with \(output)")
            }
        }
        #expect(LossOutputMismatch.of(.crossEntropy, .identity) == .crossEntropyWithoutSoftmax)
        #expect(LossOutputMismatch.of(.bce, .identity) == .bceWithoutSigmoid)
        #expect(LossOutputMismatch.of(.mse, .sigmoid) == nil && LossOutputMismatch.of(.bce, .sigmoid) == nil)
        #expect(LossOutputMismatch.of(.mse, .softmax) == .residualThroughSoftmax)
        #expect(LossOutputMismatch.of(.crossEntropy, .softmax, regression: true) == .regressionWithClassLoss)
        #expect(LossOutputMismatch.of(.mse, .sigmoid, regression: true) == .regressionWithoutIdentity)
        #expect(LossOutputMismatch.of(.huber(delta: 1), .identity, regression: true) == nil)
    }
}
