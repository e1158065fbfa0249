// The rules a learning-rate schedule's parameters must follow for a run of a given length: pure, so Blocks
// checks them at validation and the trainer again before training.

/// Schedules whose parameters cannot fit the run: checked at validation (Blocks) and again before training.
public enum ScheduleCheck {
    /// What is wrong with `schedule` for a run of `epochs` epochs, or nil. `key` names the offending field.
    public static func problem(_ schedule: ScheduleConfig, epochs: Int, lr: Float) -> (key: String, message: String)? {
        guard epochs > 0 else { return nil }                   // a study at initialisation never steps
        let w = schedule.warmup
        if w < 0 { return ("warmup", "warm-up must be 0 or more epochs, got \(w)") }
        if !(schedule.warmupStart > 0 && schedule.warmupStart <= 1) {
            return ("warmup-start", "warm-up start must be a fraction in (0, 1], got \(schedule.warmupStart)")
        }
        if w > 0 && w >= epochs {
            return ("warmup", "a warm-up of \(w) epoch\(w == 1 ? "" : "s") leaves none of the \(epochs) epochs for the \(schedule.kind.name) schedule")
        }
        let left = epochs - w
        switch schedule.kind {
        case .constant: return nil
        case .step(let every, let gamma):
            if every < 1 { return ("every", "step 'every' must be at least 1 epoch, got \(every)") }
            if every >= left { return ("every", "a step every \(every) epochs never applies in \(left) epoch\(left == 1 ? "" : "s")\(w > 0 ? " after the warm-up" : ""); use a smaller 'every' or more epochs") }
            if !(gamma > 0) { return ("gamma", "gamma must be positive, got \(gamma)") }
        case .multiStep(let at, let gamma):
            if at.isEmpty { return ("at", "multi-step needs at least one epoch in 'at'") }
            for (a, b) in zip(at, at.dropFirst()) where b <= a { return ("at", "'at' must increase, got \(a) then \(b)") }
            if let first = at.first, first < 1 { return ("at", "milestones count epochs from 1, got \(first)") }
            if let last = at.last, last >= left {
                return ("at", "milestone \(last) is not within the \(left) epoch\(left == 1 ? "" : "s")\(w > 0 ? " after the warm-up" : "") (epochs \(epochs))")
            }
            if !(gamma > 0) { return ("gamma", "gamma must be positive, got \(gamma)") }
        case .exponential(let gamma):
            if !(gamma > 0) { return ("gamma", "gamma must be positive, got \(gamma)") }
        case .cosine(let minLR):
            if !(minLR >= 0 && minLR <= lr) { return ("min-lr", "min-lr must be between 0 and the learning rate \(lr), got \(minLR)") }
        case .plateau(let patience, let factor, let threshold, let minLR):
            if patience < 0 { return ("patience", "patience must be 0 or more, got \(patience)") }
            if patience >= left - 1 {
                return ("patience", "patience \(patience) leaves no room to reduce the rate in \(left) epoch\(left == 1 ? "" : "s") (it needs more than \(patience) epochs without improvement after the first)")
            }
            if !(factor > 0 && factor < 1) { return ("factor", "factor must be in (0, 1), got \(factor)") }
            if !(threshold >= 0) { return ("threshold", "threshold must be 0 or more, got \(threshold)") }
            if !(minLR >= 0) { return ("min-lr", "min-lr must be 0 or more, got \(minLR)") }
        }
        return nil
    }
}
