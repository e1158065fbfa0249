// Limits on what a block may ask for: Blocks reports them at the key, the engine enforces them before a run.

public enum Budget {
    public static let defaultMemoryBudget = 2 << 30
    /// Widest hidden layer (and widest input).
    public static let maxWidth = 65_536
    /// Most hidden layers.
    public static let maxDepth = 1_000
    public static let maxEpochs = 100_000
    public static let maxBatch = 1_000_000
    /// Most iteration records a run may keep (iterations / record-every).
    public static let maxIterationRecords = 1_000_000
    /// Most multiply-adds of training (≈ 3 per parameter per example per epoch): 2·10¹⁴ is about an hour on two cores.
    public static let maxWork = 200_000_000_000_000.0
}
