// The v2 optimizers, weight decay and schedules as an author writes them, and schedules that contradict the epochs.
import LabbookCore
import Testing
import Vocabulary
@testable import Blocks

@Suite struct OptimizerScheduleTests {
    @Test func optimizersWithTorchDefaults() throws {
        func job(_ line: String) throws -> TrainingJob { try #require(read(gaussianBlock + line).0?.job, "\(read(gaussianBlock + line).1)") }
        #expect(try job("optimizer: rmsprop\n").optimizer == .rmsprop(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false))
        #expect(try job("optimizer: {name: rmsprop, lr: 0.001, alpha: 0.9, momentum: 0.5, centered: true}\n").optimizer
                == .rmsprop(lr: 0.001, alpha: 0.9, eps: 1e-8, momentum: 0.5, centered: true))
        let w = try job("optimizer: {name: adamw, lr: 0.001}\n")
        #expect(w.optimizer == .adamw(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01) && w.weightDecay == nil)
        #expect(try job("optimizer: {name: adamw, weight-decay: 0.1}\n").optimizer == .adamw(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1))
        let s = try job("optimizer: {name: sgd, lr: 0.01, momentum: 0.9, weight-decay: 5.0e-4}\n")
        #expect(s.optimizer == .sgd(lr: 0.01, momentum: 0.9, nesterov: false) && s.weightDecay == 5e-4)
        #expect(try job("optimizer: adagrad\n").optimizer == .adagrad(lr: 0.01, lrDecay: 0, eps: 1e-10))
        #expect(try job("optimizer: {name: adam}\n").weightDecay == nil)
    }

    @Test func schedules() throws {
        func schedule(_ line: String) throws -> ScheduleConfig? {
            let (spec, d) = read(gaussianBlock + "train: {epochs: 20}\n" + line)
            #expect(d.isEmpty, "\(d)")
            return try #require(spec?.job).schedule
        }
        #expect(try schedule("") == nil)
        #expect(try schedule("schedule: {name: cosine, warmup: 2}\n") == ScheduleConfig(.cosine(minLR: 0), warmup: 2))
        #expect(try schedule("schedule: {name: step, every: 10, gamma: 0.1}\n") == ScheduleConfig(.step(every: 10, gamma: 0.1)))
        #expect(try schedule("schedule: {name: multi-step, at: [5, 15], gamma: 0.5}\n") == ScheduleConfig(.multiStep(at: [5, 15], gamma: 0.5)))
        #expect(try schedule("schedule: {name: exponential, gamma: 0.95}\n") == ScheduleConfig(.exponential(gamma: 0.95)))
        #expect(try schedule("schedule: {name: plateau, patience: 3, factor: 0.5}\n")
                == ScheduleConfig(.plateau(patience: 3, factor: 0.5, threshold: 1e-4, minLR: 0)))
        #expect(try schedule("schedule: exponential\n") == ScheduleConfig(.exponential(gamma: 0.95)))
    }

    /// Line 15 of the chapter holds `train:`, line 16 the schedule.
    @Test func schedulesThatContradictTheEpochs() {
        func m(_ line: String) -> [String] { messages(gaussianBlock + "train: {epochs: 5}\n" + line) }
        #expect(m("schedule: {name: cosine, warmup: 5}\n") ==
                ["chapters/01-intro.md:16:34: error: schedule: a warm-up of 5 epochs leaves none of the 5 epochs for the cosine schedule"])
        #expect(m("schedule: {name: step, every: 10}\n") ==
                ["chapters/01-intro.md:16:31: error: schedule: a step every 10 epochs never applies in 5 epochs; use a smaller 'every' or more epochs"])
        #expect(m("schedule: {name: multi-step, at: [2, 8]}\n") ==
                ["chapters/01-intro.md:16:34: error: schedule: milestone 8 is not within the 5 epochs (epochs 5)"])
        #expect(m("schedule: {name: plateau, patience: 4}\n") ==
                ["chapters/01-intro.md:16:37: error: schedule: patience 4 leaves no room to reduce the rate in 5 epochs (it needs more than 4 epochs without improvement after the first)"])
        #expect(m("schedule: {name: cosin}\n") == ["chapters/01-intro.md:16:18: error: unknown schedule 'cosin'; did you mean 'cosine'?"])
        // The misspelt key is reported, and the defaults (every 10) are still checked against the 5 epochs.
        #expect(m("schedule: {name: step, gama: 0.1}\n") == ["chapters/01-intro.md:16:24: error: unknown key 'gama' in 'schedule'; did you mean 'gamma'?",
                                                             "chapters/01-intro.md:16:18: error: schedule: a step every 10 epochs never applies in 5 epochs; use a smaller 'every' or more epochs"])
    }

    @Test func curveOfLearningRate() {
        #expect(read(gaussianBlock + "schedule: cosine\nshow: [{curve: {of: lr}}]\n").1.isEmpty)
        #expect(messages(gaussianBlock + "show: [{curve: {of: lr, per: iteration}}]\n") ==
                ["chapters/01-intro.md:15:30: error: the learning rate is set once per epoch; use 'per: epoch' (the default)"])
    }
}
