// Stopping a run from outside: the error a run ends with when its caller's `shouldStop` (a deadline) answers true.

/// Thrown by `Trainer.run` when `shouldStop` ended the run; the caller knows why (time limit, cancellation).
public struct TrainingStopped: Error, Sendable, Equatable {
    /// The epoch (1-based) and iteration at which the run stopped, before that minibatch ran.
    public var epoch: Int
    public var iteration: Int

    public init(epoch: Int, iteration: Int) {
        self.epoch = epoch
        self.iteration = iteration
    }
}
