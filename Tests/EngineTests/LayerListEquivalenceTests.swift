// Regression guard for the layer-list engine: shorthand models must give the same bits as the v1 engine.
// The fingerprints below were recorded by running this file against the v1 engine (commit 9fc104c, before the
// layer list), with LABBOOK_PRINT_FINGERPRINTS=1; they hash every number of a TrainingResult.

import Foundation
import Outcomes
import Testing
import Vocabulary
@testable import Engine

/// FNV-1a 64 over the sorted-keys JSON of the result: every loss, sample, record and check, bit for bit
/// (JSONEncoder writes the shortest decimal that round-trips, so equal text ⇔ equal bits).
func fingerprint(_ r: TrainingResult) throws -> UInt64 {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in try e.encode(r) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return h
}

struct EquivalenceCase: Sendable, CustomTestStringConvertible {
    var name: String
    var job: TrainingJob
    var data: @Sendable () -> DataSplits
    var testDescription: String { name }
}

let equivalenceCases: [EquivalenceCase] = [
    EquivalenceCase(name: "relu-momentum-gradcheck",
                    job: job(hidden: [64, 48], activation: .relu, initScheme: .torchDefault,
                             optimizer: .sgd(lr: 0.05, momentum: 0.9, nesterov: false), epochs: 3, batch: 32, seed: 3,
                             diagnostics: Diagnostics(gradientCheck: true)),
                    data: { DataSplits(train: gaussianData(count: 200, width: 20, classes: 4, seed: 11)) }),
    EquivalenceCase(name: "two-row-parts",
                    job: job(hidden: [128, 128], activation: .tanh, initScheme: .he,
                             optimizer: .sgd(lr: 0.02, momentum: 0.9, nesterov: true), epochs: 2, batch: 256, seed: 4),
                    data: { DataSplits(train: gaussianData(count: 600, width: 64, classes: 4, seed: 12),
                                       validation: gaussianData(count: 100, width: 64, classes: 4, seed: 13)) }),
    EquivalenceCase(name: "prelu-adam-patience",
                    job: job(hidden: [40, 30], activation: .prelu(initialSlope: 0.25), initScheme: .xavier,
                             optimizer: .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8), epochs: 8, batch: 16,
                             patience: 2, seed: 5, diagnostics: Diagnostics(gradientCheck: true)),
                    data: { DataSplits(train: gaussianData(count: 120, width: 10, classes: 3, seed: 14),
                                       validation: gaussianData(count: 60, width: 10, classes: 3, seed: 15),
                                       test: gaussianData(count: 50, width: 10, classes: 3, seed: 16)) }),
    EquivalenceCase(name: "online-sigmoid-bce",
                    job: job(hidden: [16], activation: .sigmoid, initScheme: .normal(std: 1), output: .sigmoid,
                             loss: .bce, epochs: 2, batch: 1, seed: 6),
                    data: { DataSplits(train: gaussianData(count: 50, width: 6, classes: 2, seed: 17)) }),
    EquivalenceCase(name: "gelu-identity-mse-grid",
                    job: job(hidden: [12, 12], activation: .gelu, initScheme: .uniform(limit: 0.5), output: .identity,
                             loss: .mse, optimizer: .adam(lr: 0.02, beta1: 0.9, beta2: 0.99, eps: 1e-7), epochs: 20,
                             batch: 4, seed: 7, diagnostics: Diagnostics(gradientCheck: true, predictionGrid: 7)),
                    data: { DataSplits(train: xorData(copies: 3)) }),
    EquivalenceCase(name: "mish-elu-swish-leaky-depth",
                    job: job(hidden: [24, 24, 24], activation: .mish, epochs: 2, batch: 10, seed: 8),
                    data: { DataSplits(train: gaussianData(count: 80, width: 8, classes: 2, seed: 18)) }),
    EquivalenceCase(name: "elu-huber-clip",
                    job: { var j = job(hidden: [20], activation: .elu(alpha: 1), loss: .huber(delta: 1), epochs: 3, batch: 8, seed: 9)
                           j.train.clip = .norm(0.5); return j }(),
                    data: { DataSplits(train: gaussianData(count: 64, width: 5, classes: 3, seed: 19)) }),
    EquivalenceCase(name: "swish-study-at-init",
                    job: job(hidden: [30, 30], activation: .swish, epochs: 0, batch: 25, seed: 10),
                    data: { DataSplits(train: gaussianData(count: 75, width: 9, classes: 2, seed: 20)) }),
    EquivalenceCase(name: "leaky-no-hidden",
                    job: job(hidden: [], activation: .leakyRelu(slope: 0.1), epochs: 2, batch: 7, seed: 11),
                    data: { DataSplits(train: gaussianData(count: 30, width: 4, classes: 3, seed: 21)) }),
]

/// Recorded on the v1 engine (see the file's header).
let v1Fingerprints: [String: UInt64] = [
    "relu-momentum-gradcheck": 12938234715208856156,
    "two-row-parts": 9741949285315410261,
    "prelu-adam-patience": 7216690801890261953,
    "online-sigmoid-bce": 149520053045658137,
    "gelu-identity-mse-grid": 12510062740991622168,
    "mish-elu-swish-leaky-depth": 10077401902866779328,
    "elu-huber-clip": 5043851396108123020,
    "swish-study-at-init": 2663445101171617719,
    "leaky-no-hidden": 14361802627950943547,
]

@Test(arguments: equivalenceCases)
func shorthandMatchesV1Engine(_ c: EquivalenceCase) throws {
    let r = try Trainer.run(c.job, data: c.data())
    let f = try fingerprint(r)
    if ProcessInfo.processInfo.environment["LABBOOK_PRINT_FINGERPRINTS"] != nil { print("FINGERPRINT \"\(c.name)\": \(f),") }
    #expect(v1Fingerprints[c.name] == f, "\(c.name): \(f)")
}
