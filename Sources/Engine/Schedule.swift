// Learning-rate schedules: the rate of each epoch, as torch's schedulers stepped once per epoch give it.
import Vocabulary

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The closed forms, in Double, of torch's LinearLR warm-up (through SequentialLR, so the schedule after it
/// starts from its own epoch 0), StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR (T = epochs − warm-up)
/// and ReduceLROnPlateau (mode min, relative threshold, cooldown 0), which watches a loss after each epoch.
struct LearningRateSchedule {
    let config: ScheduleConfig
    let base: Double
    let epochs: Int
    /// ReduceLROnPlateau's state: its current rate, best loss and epochs without improvement.
    private var plateauRate: Double
    private var best = Double.infinity
    private var bad = 0

    init(_ config: ScheduleConfig, base: Float, epochs: Int) {
        self.config = config
        self.base = Double(base)
        self.epochs = epochs
        plateauRate = Double(base)
    }

    /// The learning rate of epoch index e (0 for the first epoch).
    func rate(epoch e: Int) -> Double {
        let w = config.warmup
        if e < w {
            let s = Double(config.warmupStart)
            return base * (s + (1 - s) * Double(e) / Double(w))
        }
        let j = e - w
        switch config.kind {
        case .constant: return base
        case .step(let every, let gamma): return base * pow(Double(gamma), Double(j / max(every, 1)))
        case .multiStep(let at, let gamma): return base * pow(Double(gamma), Double(at.filter { $0 <= j }.count))
        case .exponential(let gamma): return base * pow(Double(gamma), Double(j))
        case .cosine(let minLR):
            let t = Double(max(epochs - w, 1)), m = Double(minLR)
            return m + (base - m) * (1 + cos(Double.pi * Double(j) / t)) / 2
        case .plateau: return plateauRate
        }
    }

    /// After epoch index e: ReduceLROnPlateau's step with that epoch's loss (nothing for the other schedules,
    /// nor during the warm-up).
    mutating func observe(loss: Double, epoch e: Int) {
        guard case .plateau(let patience, let factor, let threshold, let minLR) = config.kind, e >= config.warmup else { return }
        if loss < best * (1 - Double(threshold)) {
            best = loss
            bad = 0
        } else {
            bad += 1
        }
        if bad > patience {
            let reduced = max(plateauRate * Double(factor), Double(minLR))
            if plateauRate - reduced > 1e-8 { plateauRate = reduced }   // torch's eps
            bad = 0
        }
    }
}
